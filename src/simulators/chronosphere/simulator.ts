import { SimulatorServer, type SimRequest, type Simulator } from '../base.js';
import { DEFAULT_PAGE_SIZE, GRPC_CODE, MAX_PAGE_SIZE } from './contract.js';
import { apiError } from './render.js';
import { registerChronosphereRoutes } from './routes.js';
import { CHRONOSPHERE_SEED_POLICIES, chronosphereSeedConnections } from './seed.js';
import { ChronosphereState, type StoredConnection, type WriteRecord } from './state.js';

export type { StoredConnection, WriteRecord } from './state.js';

/** Options of {@link createChronosphereSimulator}. */
export interface ChronosphereSimulatorOptions {
  /** When set, only this `API-Token` is accepted; otherwise any non-empty value. */
  apiToken?: string;
  /** Page size when `page.max_size` is absent or 0. Unknown at Chronosphere; 50 here. */
  defaultPageSize?: number;
  /** Largest page served; larger `page.max_size` values are capped (clients must not assume sizes). */
  maxPageSize?: number;
  /** The clock for `created_at` / `updated_at`. */
  now?: () => Date;
}

/** A running Chronosphere simulator plus accessors for tests. */
export interface ChronosphereSimulator extends Simulator {
  readonly vendor: 'chronosphere';
  readonly server: SimulatorServer;
  /** Slugs currently stored, in list order (by slug). */
  slugs(): string[];
  /** A copy of a stored connection, secrets included (tests only), or undefined. */
  stored(slug: string): StoredConnection | undefined;
  /** Notification policies that use `slug`. */
  policiesUsing(slug: string): string[];
  /** Makes a notification policy use `slug` (DELETE then answers 400). */
  usePolicy(slug: string, policy: string): void;
  /** Removes every policy reference to `slug`. */
  releasePolicies(slug: string): void;
  /** How many times a write carried the `**REDACTED**` placeholder as a secret value. */
  redactedPlaceholderWrites(): number;
  /** Every write request (POST, PUT, DELETE) since the last reset, in order, with whether it asked for `dry_run` (never a body). */
  writes(): readonly WriteRecord[];
  /**
   * Tests only: serves connection `slug` with `patch` laid over its wire object (list, read and
   * write answers; a member set to `undefined` is left out), so that it breaks the swagger, e.g.
   * `{ created_at: 'yesterday' }` or `{ slug: undefined }`. Paging and filters still see the
   * stored connection. Until reset.
   */
  breakContract(slug: string, patch: Readonly<Record<string, unknown>>): void;
}

/**
 * Creates the Chronosphere simulator: a faithful fake of the Config API v1 external connections (a
 * grpc-gateway in front of proto messages; CONTRACT.md and the swagger), not yet listening (call
 * `server.listen()`). State is in memory and starts from the demo seed (./seed.ts);
 * `POST /__simulator/reset` restores it.
 */
export function createChronosphereSimulator(options: ChronosphereSimulatorOptions = {}): ChronosphereSimulator {
  const state = new ChronosphereState(() => ({ connections: chronosphereSeedConnections(), policies: CHRONOSPHERE_SEED_POLICIES }));
  const server = new SimulatorServer({
    vendor: 'chronosphere',
    reset: () => state.reset(),
    authenticate: (request) => {
      const token = headerValue(request, 'api-token');
      // Unknown: the auth layer's exact answer. It is outside the swagger's `apiError` statuses
      // (so `genericError`); gRPC Unauthenticated through grpc-gateway is the most likely shape.
      if (token === '') return apiError(401, GRPC_CODE.unauthenticated, 'missing API token: set the API-Token header');
      if (options.apiToken !== undefined && token !== options.apiToken) return apiError(401, GRPC_CODE.unauthenticated, 'invalid API token');
      return null;
    },
    notFound: () => apiError(404, GRPC_CODE.notFound, 'Not Found'),
  });
  registerChronosphereRoutes(server, state, {
    defaultPageSize: options.defaultPageSize ?? DEFAULT_PAGE_SIZE,
    maxPageSize: options.maxPageSize ?? MAX_PAGE_SIZE,
    now: options.now ?? (() => new Date()),
  });
  return {
    vendor: 'chronosphere',
    server,
    slugs: () => state.sorted().map((c) => c.slug),
    stored: (slug) => {
      const connection = state.connections.get(slug);
      return connection === undefined ? undefined : structuredClone(connection);
    },
    policiesUsing: (slug) => state.policiesUsing(slug),
    usePolicy: (slug, policy) => {
      const set = state.policies.get(slug) ?? new Set<string>();
      set.add(policy);
      state.policies.set(slug, set);
    },
    releasePolicies: (slug) => {
      state.policies.delete(slug);
    },
    redactedPlaceholderWrites: () => state.placeholderWrites,
    writes: () => [...state.writes],
    breakContract: (slug, patch) => {
      state.breaks.set(slug, patch);
    },
  };
}

function headerValue(request: SimRequest, name: string): string {
  const value = request.headers[name];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
}
