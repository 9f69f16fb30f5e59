import { SimulatorServer, type SimRequest, type SimResponse, type Simulator } from '../base.js';
import { MAX_PAGE_SIZE, OPSRAMP_PARTNER_LIMITS, TENANT_IN_PATH, TOKEN_TTL_SECONDS, isTokenPath, servedTokenPaths, type OpsRampRateLimits, type TokenPaths } from './contract.js';
import { DEFAULT_WIRE_STYLE, OpsRampRenderer, error, type WireStyle } from './render.js';
import { registerOpsRampRoutes } from './routes.js';
import { opsRampSeedIntegrations } from './seed.js';
import { OpsRampState, type RecordedWrite, type StoredIntegration } from './state.js';

export type { OpsRampRateLimits, TokenPaths } from './contract.js';
export type { WireStyle } from './render.js';
export type { RecordedWrite, StoredIntegration } from './state.js';

/** Options of {@link createOpsRampSimulator}. */
export interface OpsRampSimulatorOptions {
  /** When set, only this `client_id` gets a token; otherwise any non-empty one. */
  readonly clientId?: string;
  /** When set, only this `client_secret` gets a token; otherwise any non-empty one. */
  readonly clientSecret?: string;
  /** When set, API calls for any other tenant are refused (403). */
  readonly tenantId?: string;
  /** Lifetime of issued tokens; OpsRamp's is 7199 s. Tests shorten it. */
  readonly tokenTtlSeconds?: number;
  /** Status for an expired token: 401 (the default) or 407, which the API overview also names. */
  readonly expiredTokenStatus?: 401 | 407;
  /** Clock in epoch milliseconds, so tests can expire tokens and rate windows without sleeping. */
  readonly now?: () => number;
  /**
   * Which of OpsRamp's disagreeing names responses use: `examples` (`thirdParty*`,
   * `accessTokenURI`, `PASSWORD`, as the examples and the seed page show) or `schema`
   * (`tenant*`, `accessTokenURL`, `PASSWORD_CREDENTIALS`). Requests may use either.
   */
  readonly responseNames?: 'examples' | 'schema';
  /** Also return the write-only secrets (notifier `password`/`apiSecret`/`tokenPayload`, key-pair secrets) on every read. */
  readonly echoSecrets?: boolean;
  /** Per-tenant limits; `false` turns throttling off. Default: the partner limits. */
  readonly rateLimits?: OpsRampRateLimits | false;
  /** Largest page served, whatever `pageSize` asks for (default 500); tests lower it to force paging. */
  readonly maxPageSize?: number;
  /**
   * Which token paths the instance serves: `both` (the default), only the documented `current`
   * one (`/tenancy/auth/oauth/token`) or only the 2021 `legacy` one (`/auth/oauth/token`).
   */
  readonly tokenPaths?: TokenPaths;
  /** How the instance writes times, paging counts and catalogue entries (default: as the 2021 spec). */
  readonly wireStyle?: Partial<WireStyle>;
}

/** A running OpsRamp simulator plus accessors for tests. */
export interface OpsRampSimulator extends Simulator {
  readonly vendor: 'opsramp';
  readonly server: SimulatorServer;
  /** Ids of the installed integrations, in install order. */
  installedIds(): string[];
  /** A copy of one stored integration, secrets included (tests only). */
  stored(id: string): StoredIntegration | undefined;
  /** Bodies of the writes received since the last reset, in order (tests only). */
  writes(): readonly RecordedWrite[];
  /** How many tokens the token endpoint has issued since the last reset. */
  tokensIssued(): number;
  /** Expires every token issued so far, as if their lifetime had passed. */
  expireTokens(): void;
}

/**
 * Creates the OpsRamp simulator: a faithful fake of the OAuth2 token endpoint and the
 * installed-integrations API v2 (CONTRACT.md and the spec excerpts), not yet listening (call
 * `server.listen()`). State is in memory and starts from the demo seed (./seed.ts);
 * `POST /__simulator/reset` restores it. Where the contract lists an unknown, the choice made is
 * commented where it matters; the client tolerates the alternatives.
 */
export function createOpsRampSimulator(options: OpsRampSimulatorOptions = {}): OpsRampSimulator {
  const now = options.now ?? Date.now;
  const state = new OpsRampState(opsRampSeedIntegrations);

  const authenticate = (request: SimRequest): SimResponse | null => {
    // Both token paths are open: the one this instance does not serve answers a plain 404.
    if (isTokenPath(request.path)) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1];
    if (token === undefined) return error(401, 'unauthorized', 'Full authentication is required to access this resource');
    const known = state.tokens.get(token);
    // Spring Security OAuth2 repeats the refused token in its message; so does this simulator,
    // which is how the tests prove Patchbay never passes vendor text like this on.
    if (!known) return error(401, 'invalid_token', `Invalid access token: ${token}`);
    if (now() >= known.expiresAt) return error(options.expiredTokenStatus ?? 401, 'invalid_token', `Access token expired: ${token}`);
    const tenant = TENANT_IN_PATH.exec(request.path)?.[1];
    // Unknown: the answer for another tenant's path. A 403 "access_denied" is Spring's answer.
    if (options.tenantId !== undefined && tenant !== undefined && decodeURIComponent(tenant) !== options.tenantId) {
      return error(403, 'access_denied', 'Access is denied');
    }
    return null;
  };

  const server = new SimulatorServer({
    vendor: 'opsramp',
    reset: () => state.reset(),
    authenticate,
    notFound: (request) => {
      const known = /^\/api\/v2\/tenants\/[^/]+\/integrations\/(installed|install|available)\b/.test(request.path);
      return known ? error(405, 'method_not_allowed', `Request method '${request.method}' not supported`) : error(404, 'not_found', 'No such resource');
    },
  });
  registerOpsRampRoutes(server, state, {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ttlMs: (options.tokenTtlSeconds ?? TOKEN_TTL_SECONDS) * 1000,
    limits: options.rateLimits === undefined ? OPSRAMP_PARTNER_LIMITS : options.rateLimits,
    maxPageSize: options.maxPageSize ?? MAX_PAGE_SIZE,
    tokenPaths: servedTokenPaths(options.tokenPaths ?? 'both'),
    now,
    render: new OpsRampRenderer(options.responseNames ?? 'examples', options.echoSecrets ?? false, { ...DEFAULT_WIRE_STYLE, ...options.wireStyle }),
  });

  return {
    vendor: 'opsramp',
    server,
    installedIds: () => [...state.integrations.keys()],
    stored: (id) => {
      const item = state.integrations.get(id);
      return item === undefined ? undefined : structuredClone(item);
    },
    writes: () => state.writes,
    tokensIssued: () => state.tokensIssued,
    expireTokens: () => {
      const at = now();
      for (const [token] of state.tokens) state.tokens.set(token, { expiresAt: at });
    },
  };
}
