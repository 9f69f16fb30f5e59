import { SimulatorServer, type SimRequest, type SimResponse, type Simulator } from '../base.js';
import { DIGEST_ALGORITHMS, MONGODB_API_BASE_PATH, MONGODB_DIGEST_REALM } from './contract.js';
import { DigestServer, type DigestOutcome, type DigestSeen } from './digest.js';
import { apiError, errorResponse } from './render.js';
import { registerMongoDbRoutes } from './routes.js';
import { mongoDbSeedGroups } from './seed.js';
import { integrationKey, MongoDbState, ordered, type DigestLogEntry, type StoredIntegration } from './state.js';

export { MONGODB_API_BASE_PATH } from './contract.js';
export type { DigestLogEntry, StoredIntegration } from './state.js';

/** Options of {@link createMongoDbSimulator}. */
export interface MongoDbSimulatorOptions {
  /** When set (with `privateKey`), only this key pair is accepted and every response hash is verified. */
  readonly publicKey?: string;
  readonly privateKey?: string;
  /** How long a nonce stays fresh; an answer to an older one gets `stale=true`. Default 5 minutes. */
  readonly nonceTtlMs?: number;
  /** The clock, injectable so tests can age nonces and rate windows without sleeping. */
  readonly now?: () => number;
  /** Enforce a per-key request budget with Atlas-style `RateLimit-*` headers (off by default). */
  readonly rateLimit?: { readonly limit: number; readonly windowMs?: number };
  /**
   * Let the API create a Slack integration from nothing. Cloud Manager documents that Slack must
   * first be set up in the UI (OAuth2) and the API can only reconfigure it; default false.
   */
  readonly allowSlackCreate?: boolean;
  /**
   * Accept the Atlas-only request fields on writes (CONTRACT.md, "Fields per type"): PagerDuty's
   * `region` and the webhook `bodyTemplate`/`headersTemplate`. Default false: Cloud Manager's
   * request tables list none of them, so it refuses them (`INVALID_ATTRIBUTE`). Reads always serve
   * what the recordings show: every integration's read-only `id`, PagerDuty's `region` (`US` when
   * never set), the templates (`null` when unset, `******` when set).
   */
  readonly acceptAtlasFields?: boolean;
  /** Initial projects and their integrations instead of the demo seed. */
  readonly groups?: ReadonlyMap<string, readonly StoredIntegration[]>;
}

/** A running Cloud Manager simulator plus accessors for tests. */
export interface MongoDbSimulator extends Simulator {
  readonly vendor: 'mongodb';
  readonly server: SimulatorServer;
  /** The API's path prefix: account base URLs are `server.baseUrl + basePath`. */
  readonly basePath: string;
  /** The projects that exist. */
  groupIds(): string[];
  /** A copy of one stored integration, secrets in clear (tests only), or undefined. */
  storedIntegration(groupId: string, type: string): StoredIntegration | undefined;
  /** The types configured in a project, in the vendor's list order. */
  storedTypes(groupId: string): string[];
  /** Ages every nonce issued so far past its lifetime: the next answer to one gets `stale=true`. */
  expireNonces(): void;
  /** The read-only `id` the simulator serves for an integration, or undefined when the project has none of that type. */
  integrationId(groupId: string, type: string): string | undefined;
  /**
   * Tests only: serves integration `type` of project `groupId` with `patch` laid over its wire
   * object (list, get-one and write answers; a member set to `undefined` is left out), so that it
   * breaks the contract, e.g. `{ enabled: 'true' }` on PROMETHEUS or `{ type: undefined }`.
   * Paging and writes still see the stored integration. Until reset.
   */
  breakContract(groupId: string, type: string, patch: Readonly<Record<string, unknown>>): void;
  /** How each request's Digest credentials were judged since the last reset or clear. */
  readonly digestLog: readonly DigestLogEntry[];
  clearDigestLog(): void;
}

const DEFAULT_NONCE_TTL_MS = 5 * 60_000;

/**
 * Creates the Cloud Manager simulator: a faithful fake of the public API v1.0 third-party
 * integration settings, HTTP Digest included (CONTRACT.md, the derived v1.0 spec, the Atlas v2
 * spec and its recordings). Not yet listening (call `server.listen()`). State is in memory and
 * starts from the demo seed (./seed.ts); `POST /__simulator/reset` restores it.
 */
export function createMongoDbSimulator(options: MongoDbSimulatorOptions = {}): MongoDbSimulator {
  const now = options.now ?? Date.now;
  const state = new MongoDbState(() => options.groups ?? mongoDbSeedGroups());
  const digest = new DigestServer({
    realm: MONGODB_DIGEST_REALM,
    algorithms: DIGEST_ALGORITHMS,
    nonceTtlMs: options.nonceTtlMs ?? DEFAULT_NONCE_TTL_MS,
    now,
    ...(options.publicKey !== undefined || options.privateKey !== undefined ? { credentials: { username: options.publicKey ?? '', password: options.privateKey ?? '' } } : {}),
  });
  // Headers a request earned at authentication (rate-limit counters), picked up by its route.
  const earned = new WeakMap<SimRequest['headers'], Record<string, string>>();

  const log = (request: SimRequest, outcome: DigestOutcome, seen: DigestSeen): void => {
    state.digestLog.push({ method: request.method, path: request.path, outcome, nonce: seen.nonce ?? null, nc: seen.nc ?? null, cnonce: seen.cnonce ?? null });
  };

  const authenticate = (request: SimRequest): SimResponse | null => {
    const authorization = request.headers.authorization;
    const verdict = digest.verify({ method: request.method, path: request.path, query: request.query, authorization: authorization ?? '' });
    log(request, verdict.outcome, verdict.seen);
    if (verdict.outcome !== 'accepted') {
      return {
        status: 401,
        headers: { 'www-authenticate': digest.challenge(verdict.outcome === 'stale') },
        // Unknown: the exact body of Cloud Manager's challenge. The ApiError shape, as every error.
        body: apiError(401, 'UNAUTHORIZED', 'You are not authorized for this resource.', []),
      };
    }
    return rateLimit(request, verdict.username);
  };

  const rateLimit = (request: SimRequest, key: string): SimResponse | null => {
    const rule = options.rateLimit;
    if (!rule) return null;
    const windowMs = rule.windowMs ?? 60_000;
    const time = now();
    let window = state.windows.get(key);
    if (!window || time - window.start >= windowMs) {
      window = { start: time, count: 0 };
      state.windows.set(key, window);
    }
    const limitHeaders = { 'RateLimit-Limit': String(rule.limit) };
    if (window.count >= rule.limit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + windowMs - time) / 1000));
      const minutes = Math.round(windowMs / 60_000) || 1;
      return {
        ...errorResponse(429, 'RATE_LIMITED', `Resource ${request.path} is limited to ${rule.limit} requests every ${minutes} minutes.`, []),
        headers: { ...limitHeaders, 'RateLimit-Remaining': '0', 'Retry-After': String(retryAfter) },
      };
    }
    window.count += 1;
    earned.set(request.headers, { ...limitHeaders, 'RateLimit-Remaining': String(rule.limit - window.count) });
    return null;
  };

  const server = new SimulatorServer({
    vendor: 'mongodb',
    reset: () => {
      state.reset();
      digest.reset();
    },
    authenticate,
    notFound: (request) => errorResponse(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${request.path}.`, [request.path]),
  });
  registerMongoDbRoutes(server, state, {
    allowSlackCreate: options.allowSlackCreate ?? false,
    acceptAtlasFields: options.acceptAtlasFields ?? false,
    earnedHeaders: (request) => earned.get(request.headers),
  });

  return {
    vendor: 'mongodb',
    server,
    basePath: MONGODB_API_BASE_PATH,
    groupIds: () => [...state.groups.keys()],
    storedIntegration: (groupId, type) => {
      const stored = state.groups.get(groupId)?.get(type);
      return stored === undefined ? undefined : structuredClone(stored);
    },
    storedTypes: (groupId) => ordered(state.groups.get(groupId) ?? new Map()).map((i) => i.type),
    integrationId: (groupId, type) => (state.groups.get(groupId)?.has(type) ? state.assignId(groupId, type) : undefined),
    breakContract: (groupId, type, patch) => {
      state.breaks.set(integrationKey(groupId, type), patch);
    },
    expireNonces: () => digest.expireAll(),
    digestLog: state.digestLog,
    clearDigestLog: () => {
      state.digestLog.length = 0;
    },
  };
}
