import { randomUUID } from 'node:crypto';
import { SimulatorServer, type SimRequest, type SimResponse, type Simulator } from '../base.js';
import { cortexSeedConfiguration } from './seed.js';

/*
 * Faithful fake of the Cortex REST API's PagerDuty integration (five operations, one
 * configuration per workspace). Contract: ../shared/vendor-contracts/cortex/CONTRACT.md and
 * openapi-pagerduty.yaml. Where the contract lists an unknown, the choice made here is
 * commented at the place it matters.
 */

/** The configuration as the simulator holds it, token included (never sent back). */
export interface StoredConfiguration {
  readonly token: string;
  readonly isTokenReadonly: boolean;
}

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
}

const BASE = '/api/v1/pagerduty';
const DEFAULT_RATE_LIMIT = 1000;
const WINDOW_MS = 60_000;
const PROBLEM_JSON: Readonly<Record<string, string>> = { 'content-type': 'application/problem+json' };

/**
 * Creates the Cortex simulator (not yet listening; call `server.listen()`). State is in memory;
 * `POST /__simulator/reset` restores the seed (./seed.ts) and clears the rate-limit windows.
 */
export function createCortexSimulator(options: CortexSimulatorOptions = {}): CortexSimulator {
  let configuration: StoredConfiguration | null = null;
  const windows = new Map<string, { start: number; count: number }>();
  const limit = options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT;
  const now = options.now ?? Date.now;
  const forbidden = new Set(options.forbiddenTokens ?? []);

  const reset = (): void => {
    configuration = options.seeded === false ? null : cortexSeedConfiguration();
    windows.clear();
  };

  /** Fixed one-minute windows per API key (CONTRACT.md, Rate limits: 1000 per minute per client). */
  const rateLimited = (key: string, path: string): SimResponse | null => {
    const at = now();
    let window = windows.get(key);
    if (!window || at - window.start >= WINDOW_MS) {
      window = { start: at, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= limit) return null;
    const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - at) / 1000));
    // `about:blank` is RFC 9457's type for "nothing more than the status"; the spec only says uri-reference.
    return {
      status: 429,
      headers: { ...PROBLEM_JSON, 'retry-after': String(retryAfter) },
      body: {
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        detail: `Rate limit of ${limit} requests per minute exceeded.`,
        instance: path,
        retryAfter,
      },
    };
  };

  const server = new SimulatorServer({
    vendor: 'cortex',
    reset,
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
      if (forbidden.has(token)) {
        return errorResponse(403, 'FORBIDDEN', 'Your API key is missing the required permission: Configure integrations.');
      }
      return null;
    },
    notFound: (request) => errorResponse(404, 'NOT_FOUND', `No endpoint ${request.method} ${request.path}.`),
  });

  const notConfigured = (): SimResponse => errorResponse(404, 'NOT_FOUND', 'PagerDuty configuration not found.');

  server.route('GET', `${BASE}/default-configuration`, () => (configuration ? ok(render(configuration)) : notConfigured()));

  server.route('POST', `${BASE}/configuration`, (request) => {
    const parsed = parseConfigurationRequest(request);
    if ('response' in parsed) return parsed.response;
    // Unknown (CONTRACT.md): what POST does when a configuration exists. PagerDuty allows only one
    // per workspace, so "add" refuses with the ErrorResponse CONFLICT type rather than overwrite.
    if (configuration) return errorResponse(409, 'CONFLICT', 'A PagerDuty configuration already exists; replace it instead.');
    configuration = parsed.configuration;
    return ok({ configurations: [render(configuration)] });
  });

  server.route('PUT', `${BASE}/configuration`, (request) => {
    const parsed = parseConfigurationRequest(request);
    if ('response' in parsed) return parsed.response;
    // PUT declares no 404: replacing when nothing is configured stores the configuration.
    configuration = parsed.configuration;
    return ok({ configurations: [render(configuration)] });
  });

  server.route('POST', `${BASE}/configuration/validate`, () => {
    if (!configuration) return notConfigured();
    return ok({ configurations: [validateToken(configuration.token)] });
  });

  server.route('DELETE', `${BASE}/configurations`, () => {
    // Unknown (CONTRACT.md): whether DELETE answers with the removed or the remaining
    // configurations. The documented example lists one, so the removed one is returned; with
    // nothing to delete the answer is the same 404 the other routes give.
    if (!configuration) return notConfigured();
    const removed = configuration;
    configuration = null;
    return ok({ configurations: [render(removed)] });
  });

  return {
    vendor: 'cortex',
    server,
    storedConfiguration: () => (configuration ? { ...configuration } : null),
  };
}

/** The token of an `Authorization: Bearer <token>` header, or null when absent or empty. */
function bearerToken(request: SimRequest): string | null {
  const raw = request.headers['authorization'];
  const value = (Array.isArray(raw) ? raw[0] : raw) ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1] ?? null;
}

/** `PagerdutyConfiguration`: the token shows only as its last four characters. */
function render(configuration: StoredConfiguration): { isTokenReadonly: boolean; lastFour: string } {
  return { isTokenReadonly: configuration.isTokenReadonly, lastFour: configuration.token.slice(-4) };
}

/**
 * What Cortex learns by calling PagerDuty with the token. Here a token containing "invalid"
 * stands for one PagerDuty refuses. Unknown (CONTRACT.md): what `alias` holds for PagerDuty,
 * which has no aliases; it is left out, as optional members are when null.
 */
function validateToken(token: string): Record<string, unknown> {
  if (/invalid/i.test(token)) {
    return { isValid: false, message: 'PagerDuty rejected the API token: 401 Unauthorized. Check that the key exists and has not been revoked.' };
  }
  return { isValid: true };
}

type ParsedRequest = { readonly configuration: StoredConfiguration } | { readonly response: SimResponse };

/** `PagerdutyConfigurationRequest`: `token` and `isTokenReadonly` are both required. */
function parseConfigurationRequest(request: SimRequest): ParsedRequest {
  const body = request.body;
  if (request.bodyInvalid || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { response: errorResponse(400, 'BAD_REQUEST', 'Malformed JSON request body.') };
  }
  const { token, isTokenReadonly } = body as Record<string, unknown>;
  if (typeof token !== 'string' || typeof isTokenReadonly !== 'boolean') {
    const wrong = [typeof token === 'string' ? null : 'token', typeof isTokenReadonly === 'boolean' ? null : 'isTokenReadonly'].filter(Boolean);
    return { response: errorResponse(400, 'BAD_REQUEST', `Invalid request body: ${wrong.join(', ')} must be present with the right type.`) };
  }
  if (token.trim() === '') return { response: errorResponse(400, 'ILLEGAL_ARGUMENT_ERROR', 'token must not be blank.') };
  return { configuration: { token, isTokenReadonly } };
}

function ok(body: unknown): SimResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

/** Cortex's `ErrorResponse`, with a fresh `requestId` as Cortex includes for support. */
function errorResponse(status: number, type: string, message: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: { type, message, httpStatus: status, requestId: randomUUID() },
  };
}
