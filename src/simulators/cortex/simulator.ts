import { SimulatorServer, type SimRequest, type SimResponse, type Simulator } from '../base.js';
import { RATE_LIMIT_PER_MINUTE, RATE_WINDOW_MS } from './contract.js';
import { errorResponse, tooManyRequests } from './render.js';
import { registerCortexRoutes } from './routes.js';
import { cortexSeedConfiguration } from './seed.js';
import { CortexState, type StoredConfiguration } from './state.js';

export type { StoredConfiguration } from './state.js';

/** Options of {@link createCortexSimulator}. */
export interface CortexSimulatorOptions {
  /** When set, only this bearer token is accepted; otherwise any non-empty one. */
  readonly token?: string;
  /** Keys that authenticate (even when `token` is set) but lack the "Configure integrations" permission: every call is a 403. */
  readonly forbiddenTokens?: readonly string[];
  /** Whether the workspace starts (and resets) with the demo configuration; default true. */
  readonly seeded?: boolean;
  /** Requests per minute per API key before 429; Cortex documents 1000. */
  readonly rateLimitPerMinute?: number;
  /** The clock of the rate-limit windows, in epoch milliseconds (tests inject one). */
  readonly now?: () => number;
}

/** A running Cortex simulator plus accessors for tests. */
export interface CortexSimulator extends Simulator {
  readonly vendor: 'cortex';
  readonly server: SimulatorServer;
  /** A copy of the stored configuration, token included (tests only), or null when there is none. */
  storedConfiguration(): StoredConfiguration | null;
  /**
   * Tests only: serves the configuration with `patch` laid over it (the GET and the
   * `configurations` of write answers; a member set to `undefined` is left out), e.g.
   * `{ lastFour: null }` or `{ isTokenReadonly: 'yes' }`. Until reset.
   */
  breakContract(patch: Readonly<Record<string, unknown>>): void;
}

/**
 * Creates the Cortex simulator: a faithful fake of the Cortex REST API's PagerDuty integration
 * (five operations, one configuration per workspace; CONTRACT.md), not yet listening (call
 * `server.listen()`). State is in memory; `POST /__simulator/reset` restores the seed (./seed.ts)
 * and clears the rate-limit windows.
 */
export function createCortexSimulator(options: CortexSimulatorOptions = {}): CortexSimulator {
  const state = new CortexState(() => (options.seeded === false ? null : cortexSeedConfiguration()));
  const limit = options.rateLimitPerMinute ?? RATE_LIMIT_PER_MINUTE;
  const now = options.now ?? Date.now;
  const forbidden = new Set(options.forbiddenTokens ?? []);

  /** Fixed one-minute windows per API key (CONTRACT.md, "Rate limits": 1000 per minute per client). */
  const rateLimited = (key: string, path: string): SimResponse | null => {
    const at = now();
    let window = state.windows.get(key);
    if (!window || at - window.start >= RATE_WINDOW_MS) {
      window = { start: at, count: 0 };
      state.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= limit) return null;
    return tooManyRequests(limit, Math.max(1, Math.ceil((window.start + RATE_WINDOW_MS - at) / 1000)), path);
  };

  const server = new SimulatorServer({
    vendor: 'cortex',
    reset: () => state.reset(),
    authenticate: (request) => {
      const token = bearerToken(request);
      const limited = rateLimited(token ?? '', request.path);
      if (limited) return limited;
      // A key without the permission is still a real key of the workspace.
      if (token === null || (options.token !== undefined && token !== options.token && !forbidden.has(token))) {
        // The spec declares no 401 and ErrorResponse has no UNAUTHORIZED type, so a refused key is
        // answered by the authentication layer in front of the API: a bare 401 and a challenge.
        return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
      }
      if (forbidden.has(token)) return errorResponse(403, 'FORBIDDEN', 'Your API key is missing the required permission: Configure integrations.');
      return null;
    },
    notFound: (request) => errorResponse(404, 'NOT_FOUND', `No endpoint ${request.method} ${request.path}.`),
  });
  registerCortexRoutes(server, state);
  return {
    vendor: 'cortex',
    server,
    storedConfiguration: () => (state.configuration ? { ...state.configuration } : null),
    breakContract: (patch) => {
      state.contractBreak = patch;
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header, or null when absent or empty. */
function bearerToken(request: SimRequest): string | null {
  const raw = request.headers['authorization'];
  const value = (Array.isArray(raw) ? raw[0] : raw) ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1] ?? null;
}
