import { SimulatorServer, type SimRequest, type Simulator } from '../base.js';
import { forbiddenKeys, pathNotFound } from './render.js';
import { DatadogRateLimit, type DatadogRateLimitOptions } from './rate-limit.js';
import { registerDatadogRoutes } from './routes.js';
import { DATADOG_SEED_APP_KEY_IDS, DATADOG_SEED_USER_ID, datadogSeedConnections } from './seed.js';
import { DatadogState, type StoredConnection } from './state.js';

export type { StoredConnection } from './state.js';

/** Options of {@link createDatadogSimulator}. */
export interface DatadogSimulatorOptions {
  /** When set, only this `DD-API-KEY` is accepted; otherwise any non-empty value. */
  apiKey?: string;
  /** When set, only this `DD-APPLICATION-KEY` is accepted; otherwise any non-empty value. */
  appKey?: string;
  /** Return secret credential fields in responses. Datadog does not document either way. */
  echoSecrets?: boolean;
  /**
   * Refuse connection endpoints (403) while no app key registration exists. The real API requires
   * the *calling* key to be registered, but registrations are keyed by the app key's id, which the
   * simulator cannot derive from the key value, so "at least one registration" stands in for it.
   * Default false, so demo configs with made-up keys work.
   */
  requireAppKeyRegistration?: boolean;
  /** `acting_user_can_resolve` in GET and PATCH answers; default false, as recorded. */
  actingUserCanResolve?: boolean;
  /** The user the keys belong to, named as creator of the connections made through the simulator (default: the seed's user). */
  userId?: string;
  /** The clock behind `created_at` and `last_updated` (default: the system clock). */
  now?: () => Date;
  /**
   * A request budget per calendar-aligned period, announced in `X-RateLimit-*` headers on every
   * answer and enforced with 429 (CONTRACT.md, "Rate limits"). Default: none, no headers.
   */
  rateLimit?: DatadogRateLimitOptions;
}

/** A running Datadog simulator plus accessors for tests. */
export interface DatadogSimulator extends Simulator {
  readonly vendor: 'datadog';
  readonly server: SimulatorServer;
  /** Ids of the connections currently stored, in creation order. */
  connectionIds(): string[];
  /** A copy of the full stored connection, secrets included (tests only), or undefined. */
  storedConnection(id: string): StoredConnection | undefined;
  /** Ids of the app key registrations currently stored, in registration order. */
  appKeyRegistrationIds(): string[];
  /** Ids of the seeded connections (present after every reset unless deleted since). */
  readonly seedConnectionIds: readonly string[];
  /**
   * Test knob: from now on, GET and PATCH answers for connection `id` carry `attributes` laid over
   * the rendered attributes as raw JSON (e.g. `{ name: null }`, `{ integration: { type: 42 } }`,
   * `{ created_at: 'yesterday' }`), so a test can make one connection break the contract while the
   * others answer as usual. Cleared by `reset` and by `clearMalformedConnections`.
   */
  malformConnection(id: string, attributes: Readonly<Record<string, unknown>>): void;
  clearMalformedConnections(): void;
  /** Test knob: counts `count` requests against the current rate-limit period (no-op without `rateLimit`), as other clients of the organisation would. */
  spendRateLimit(count: number): void;
}

/**
 * Creates the Datadog simulator: a faithful fake of the API v2 Action Connections and App Key
 * Registrations (CONTRACT.md, spec and recordings), not yet listening (call `server.listen()`).
 * State is in memory and starts from the demo seed (./seed.ts); `POST /__simulator/reset` restores it.
 */
export function createDatadogSimulator(options: DatadogSimulatorOptions = {}): DatadogSimulator {
  const state = new DatadogState(() => ({ connections: datadogSeedConnections(), appKeyIds: DATADOG_SEED_APP_KEY_IDS }));
  const server = new SimulatorServer({
    vendor: 'datadog',
    reset: () => state.reset(),
    authenticate: (request) => {
      const apiKey = headerValue(request, 'dd-api-key');
      const appKey = headerValue(request, 'dd-application-key');
      const accepted = apiKey !== '' && appKey !== '' && (options.apiKey === undefined || apiKey === options.apiKey) && (options.appKey === undefined || appKey === options.appKey);
      return accepted ? null : forbiddenKeys();
    },
    notFound: pathNotFound,
  });
  const now = options.now;
  const clock = now === undefined ? () => Date.now() : () => now().getTime();
  const rateLimit = options.rateLimit === undefined ? null : new DatadogRateLimit(options.rateLimit, clock);
  registerDatadogRoutes(server, state, {
    echoSecrets: options.echoSecrets ?? false,
    requireAppKeyRegistration: options.requireAppKeyRegistration ?? false,
    actingUserCanResolve: options.actingUserCanResolve ?? false,
    userId: options.userId ?? DATADOG_SEED_USER_ID,
    now: clock,
    rateLimit,
  });
  return {
    vendor: 'datadog',
    server,
    connectionIds: () => [...state.connections.keys()],
    storedConnection: (id) => {
      const connection = state.connections.get(id);
      return connection === undefined ? undefined : structuredClone(connection);
    },
    appKeyRegistrationIds: () => [...state.appKeys],
    seedConnectionIds: datadogSeedConnections().map((connection) => connection.id),
    malformConnection: (id, attributes) => {
      state.malformed.set(id.toLowerCase(), structuredClone(attributes));
    },
    clearMalformedConnections: () => {
      state.malformed.clear();
    },
    spendRateLimit: (count) => {
      rateLimit?.spend(count);
    },
  };
}

function headerValue(request: SimRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}
