import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { VENDOR_LIST_ORDER } from '../../vendors/mongodb/catalogue.js';
import { digestResponse, parseAuthHeader } from '../../vendors/mongodb/digest.js';
import { SimulatorServer, type SimRequest, type SimResponse, type Simulator } from '../base.js';
import { mongoDbSeedGroups } from './seed.js';

/*
 * Faithful fake of MongoDB Cloud Manager's public API v1.0 third-party integration settings,
 * HTTP Digest included. Contract: ../shared/vendor-contracts/mongodb/CONTRACT.md (the derived
 * v1.0 spec, the Atlas v2 spec and its real recordings). Where the contract lists an unknown, the
 * choice made here is commented at the place it matters.
 */

/** One stored integration, secrets in clear (the simulator masks them on the way out). */
export interface StoredIntegration {
  readonly type: string;
  readonly fields: Readonly<Record<string, string | boolean>>;
}

/** How the simulator judged one request's Digest credentials. */
export type DigestOutcome = 'challenged' | 'refused' | 'stale' | 'accepted';

/** One entry of the Digest log: what was answered, never the response hash or a key. */
export interface DigestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly outcome: DigestOutcome;
  readonly nonce: string | null;
  readonly nc: string | null;
  readonly cnonce: string | null;
}

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
  /** How each request's Digest credentials were judged since the last reset or clear. */
  readonly digestLog: readonly DigestLogEntry[];
  clearDigestLog(): void;
}

/** Cloud Manager's path prefix. */
export const MONGODB_API_BASE_PATH = '/api/public/v1.0';
/** The realm Cloud Manager's challenges name. */
export const MONGODB_DIGEST_REALM = 'MMS Public API';

const DEFAULT_NONCE_TTL_MS = 5 * 60_000;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;
const GROUP_ID = /^[a-f0-9]{24}$/;
/** Types Cloud Manager accepts in the path; NEW_RELIC only for reading and removing old ones. */
const PATH_TYPES: ReadonlySet<string> = new Set(['PAGER_DUTY', 'SLACK', 'NEW_RELIC', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK', 'MICROSOFT_TEAMS', 'PROMETHEUS']);

interface FieldRule {
  readonly kind: 'string' | 'boolean';
  readonly required?: boolean;
  readonly secret?: 'partial' | 'url' | 'never';
  readonly values?: readonly string[];
  readonly maxLength?: number;
}

/** Request and response fields per writable type (CONTRACT.md, "Per-type fields"). */
const TYPE_RULES: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  PAGER_DUTY: { serviceKey: { kind: 'string', required: true, secret: 'partial' } },
  SLACK: {
    apiToken: { kind: 'string', required: true, secret: 'partial' },
    teamName: { kind: 'string', required: true },
    channelName: { kind: 'string', maxLength: 80 },
  },
  OPS_GENIE: { apiKey: { kind: 'string', required: true, secret: 'partial' }, region: { kind: 'string', required: true, values: ['US', 'EU'] } },
  VICTOR_OPS: { apiKey: { kind: 'string', required: true, secret: 'partial' }, routingKey: { kind: 'string' } },
  WEBHOOK: { url: { kind: 'string', required: true, secret: 'url' }, secret: { kind: 'string', secret: 'partial' } },
  MICROSOFT_TEAMS: { microsoftTeamsWebhookUrl: { kind: 'string', required: true, secret: 'url' } },
  PROMETHEUS: {
    username: { kind: 'string', required: true },
    password: { kind: 'string', required: true, secret: 'never' },
    listenAddress: { kind: 'string', required: true },
    serviceDiscovery: { kind: 'string', required: true, values: ['file', 'http'] },
    scheme: { kind: 'string', required: true, values: ['http', 'https'] },
    enabled: { kind: 'boolean', required: true },
    tlsPemPath: { kind: 'string' },
    // Unknown: the docs say it is returned if set, not whether masked. Masked here, the safe guess.
    tlsPemPassword: { kind: 'string', secret: 'partial' },
  },
};

/** Output masking of the legacy NEW_RELIC fields (only ever seeded, never written). */
const NEW_RELIC_SECRETS: ReadonlySet<string> = new Set(['licenseKey', 'readToken', 'writeToken']);

interface NonceState {
  readonly issuedAt: number;
  expired: boolean;
  readonly usedNc: Set<string>;
}

/**
 * Creates the Cloud Manager simulator (not yet listening; call `server.listen()`). State is in
 * memory and starts from the demo seed (./seed.ts); `POST /__simulator/reset` restores it.
 */
export function createMongoDbSimulator(options: MongoDbSimulatorOptions = {}): MongoDbSimulator {
  const now = options.now ?? Date.now;
  const nonceTtl = options.nonceTtlMs ?? DEFAULT_NONCE_TTL_MS;
  const groups = new Map<string, Map<string, StoredIntegration>>();
  const nonces = new Map<string, NonceState>();
  const digestLog: DigestLogEntry[] = [];
  const windows = new Map<string, { start: number; count: number }>();
  // Headers a request earned at authentication (rate-limit counters), picked up by its route.
  const earned = new WeakMap<IncomingHttpHeaders, Record<string, string>>();

  const reset = (): void => {
    groups.clear();
    const seed = options.groups ?? mongoDbSeedGroups();
    for (const [groupId, integrations] of seed) {
      groups.set(groupId, new Map(integrations.map((i) => [i.type, { type: i.type, fields: { ...i.fields } }])));
    }
    nonces.clear();
    digestLog.length = 0;
    windows.clear();
  };

  const issueNonce = (): string => {
    const time = now();
    for (const [nonce, state] of nonces) if (time - state.issuedAt > 2 * nonceTtl) nonces.delete(nonce);
    const nonce = randomBytes(24).toString('base64');
    nonces.set(nonce, { issuedAt: time, expired: false, usedNc: new Set() });
    return nonce;
  };

  const challenge = (request: SimRequest, outcome: DigestOutcome, stale: boolean, seen: { nonce?: string; nc?: string; cnonce?: string } = {}): SimResponse => {
    digestLog.push({ method: request.method, path: request.path, outcome, nonce: seen.nonce ?? null, nc: seen.nc ?? null, cnonce: seen.cnonce ?? null });
    return {
      status: 401,
      headers: {
        'www-authenticate': `Digest realm="${MONGODB_DIGEST_REALM}", domain="", nonce="${issueNonce()}", algorithm=MD5, qop="auth", stale=${stale ? 'true' : 'false'}`,
      },
      // Unknown: the exact body of Cloud Manager's challenge. The ApiError shape, as every error.
      body: apiError(401, 'UNAUTHORIZED', 'You are not authorized for this resource.', []),
    };
  };

  const authenticate = (request: SimRequest): SimResponse | null => {
    const header = headerValue(request.headers, 'authorization');
    if (header === '') return challenge(request, 'challenged', false);
    const parsed = parseAuthHeader(header)[0];
    const p = parsed?.params ?? {};
    const seen = { ...(p['nonce'] ? { nonce: p['nonce'] } : {}), ...(p['nc'] ? { nc: p['nc'] } : {}), ...(p['cnonce'] ? { cnonce: p['cnonce'] } : {}) };
    const { username, realm, nonce, uri, response, qop, nc, cnonce, algorithm } = p;
    const wellFormed =
      parsed?.scheme.toLowerCase() === 'digest' &&
      !!username &&
      realm === MONGODB_DIGEST_REALM &&
      !!nonce &&
      !!uri &&
      sameTarget(uri, request) &&
      qop === 'auth' &&
      !!nc &&
      /^[0-9a-f]{8}$/i.test(nc) &&
      !!cnonce &&
      (algorithm === undefined || algorithm.toUpperCase() === 'MD5') &&
      !!response &&
      /^[0-9a-f]{32}$/.test(response);
    if (!wellFormed) return challenge(request, 'refused', false, seen);
    const state = nonces.get(nonce);
    // A nonce this server never issued (or long forgotten): a new challenge, not a stale one.
    if (state === undefined) return challenge(request, 'refused', false, seen);
    let valid = true;
    if (options.publicKey !== undefined || options.privateKey !== undefined) {
      const expected = digestResponse({ algorithm, username, realm, password: options.privateKey ?? '', method: request.method, uri, nonce, qop, nc, cnonce });
      valid = username === options.publicKey && response === expected;
    }
    if (!valid) return challenge(request, 'refused', false, seen);
    if (state.expired || now() - state.issuedAt > nonceTtl) {
      // RFC 7616 §3.3: right keys, old nonce: say so, and the client answers again without asking the user.
      return challenge(request, 'stale', true, seen);
    }
    // A counter already used with this nonce is a replay.
    if (state.usedNc.has(nc.toLowerCase())) return challenge(request, 'refused', false, seen);
    state.usedNc.add(nc.toLowerCase());
    digestLog.push({ method: request.method, path: request.path, outcome: 'accepted', nonce, nc, cnonce });
    return rateLimit(request, username);
  };

  const rateLimit = (request: SimRequest, key: string): SimResponse | null => {
    const rule = options.rateLimit;
    if (!rule) return null;
    const windowMs = rule.windowMs ?? 60_000;
    const time = now();
    let window = windows.get(key);
    if (!window || time - window.start >= windowMs) {
      window = { start: time, count: 0 };
      windows.set(key, window);
    }
    const limitHeaders = { 'RateLimit-Limit': String(rule.limit) };
    if (window.count >= rule.limit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + windowMs - time) / 1000));
      return {
        status: 429,
        headers: { ...limitHeaders, 'RateLimit-Remaining': '0', 'Retry-After': String(retryAfter) },
        body: apiError(429, 'RATE_LIMITED', `Resource ${request.path} is limited to ${rule.limit} requests every ${Math.round(windowMs / 60_000) || 1} minutes.`, []),
      };
    }
    window.count += 1;
    earned.set(request.headers, { ...limitHeaders, 'RateLimit-Remaining': String(rule.limit - window.count) });
    return null;
  };

  const server = new SimulatorServer({
    vendor: 'mongodb',
    reset,
    authenticate,
    notFound: (request) => apiError404('RESOURCE_NOT_FOUND', `Cannot find resource ${request.path}.`, [request.path]),
  });

  const route = (method: string, template: string, handler: (request: SimRequest) => SimResponse): void => {
    server.route(method, `${MONGODB_API_BASE_PATH}${template}`, (request) => {
      const response = handler(request);
      const extra = earned.get(request.headers);
      return extra ? { ...response, headers: { ...response.headers, ...extra } } : response;
    });
  };

  /** The project, or the vendor's error for a malformed or unknown id. */
  const project = (request: SimRequest): Map<string, StoredIntegration> | SimResponse => {
    const groupId = request.params['groupId'] ?? '';
    // Unknown: the status of a malformed id. Atlas's path pattern is lower-case hex; a 400 here.
    if (!GROUP_ID.test(groupId)) return { status: 400, body: apiError(400, 'INVALID_GROUP_ID', `An invalid group ID ${groupId} was specified.`, [groupId]) };
    const found = groups.get(groupId);
    // The recorded text and header of this error.
    return found ?? { ...apiError404('GROUP_NOT_FOUND', `No group with ID ${groupId} exists.`, [groupId]), headers: { 'X-Error-Code': 'GROUP_NOT_FOUND' } };
  };

  const pathType = (request: SimRequest): string | SimResponse => {
    const type = request.params['integrationType'] ?? '';
    return PATH_TYPES.has(type) ? type : { status: 400, body: apiError(400, 'INVALID_ENUM_VALUE', `An invalid enumeration value ${type} was specified.`, [type]) };
  };

  const paging = (request: SimRequest): { pageNum: number; itemsPerPage: number } | SimResponse => {
    const read = (name: string, fallback: number, max: number): number | SimResponse => {
      const raw = request.query.get(name);
      if (raw === null) return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < 1 || value > max) {
        // Unknown: the exact code for a bad paging value; the ApiError shape with a 400.
        return { status: 400, body: apiError(400, 'INVALID_QUERY_PARAMETER', `Invalid value ${raw} for query parameter ${name}.`, [name, raw]) };
      }
      return value;
    };
    const pageNum = read('pageNum', 1, Number.MAX_SAFE_INTEGER);
    if (typeof pageNum !== 'number') return pageNum;
    const itemsPerPage = read('itemsPerPage', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    if (typeof itemsPerPage !== 'number') return itemsPerPage;
    return { pageNum, itemsPerPage };
  };

  /** The `{links, results, totalCount}` page of a project, as list calls and writes answer. */
  const listPage = (request: SimRequest, integrations: Map<string, StoredIntegration>): SimResponse => {
    const page = paging(request);
    if (!isPage(page)) return page;
    const all = ordered(integrations);
    const start = (page.pageNum - 1) * page.itemsPerPage;
    const results = all.slice(start, start + page.itemsPerPage).map(render);
    const base = `http://${headerValue(request.headers, 'host') || '127.0.0.1'}${request.path}`;
    const href = (pageNum: number): string => `${base}?pageNum=${pageNum}&itemsPerPage=${page.itemsPerPage}`;
    const links = [{ href: href(page.pageNum), rel: 'self' }];
    if (page.pageNum > 1) links.push({ href: href(page.pageNum - 1), rel: 'previous' });
    if (start + page.itemsPerPage < all.length) links.push({ href: href(page.pageNum + 1), rel: 'next' });
    return { status: 200, body: { links, results, totalCount: all.length } };
  };

  route('GET', '/groups/{groupId}/integrations', (request) => {
    const found = project(request);
    return found instanceof Map ? listPage(request, found) : found;
  });

  route('GET', '/groups/{groupId}/integrations/{integrationType}', (request) => {
    const found = project(request);
    if (!(found instanceof Map)) return found;
    const type = pathType(request);
    if (typeof type !== 'string') return type;
    const stored = found.get(type);
    // The documented error code; its status is not documented (CONTRACT.md), 404 is the likely one.
    return stored ? { status: 200, body: render(stored) } : notConfigured(type, request.params['groupId'] ?? '');
  });

  const write = (request: SimRequest, mode: 'create' | 'upsert'): SimResponse => {
    const found = project(request);
    if (!(found instanceof Map)) return found;
    const type = pathType(request);
    if (typeof type !== 'string') return type;
    const rules = TYPE_RULES[type];
    if (rules === undefined) {
      // Unknown: how Cloud Manager refuses writing the end-of-life New Relic plugin integration.
      return { status: 400, body: apiError(400, 'UNSUPPORTED_INTEGRATION_TYPE', `Integration type ${type} can no longer be configured.`, [type]) };
    }
    const validated = validateBody(request, type, rules);
    if ('status' in validated) return validated;
    const exists = found.has(type);
    if (mode === 'create' && exists) {
      // Unknown: the exact code; Atlas documents a 409 for "the type already exists".
      return { status: 409, body: apiError(409, 'INTEGRATION_ALREADY_CONFIGURED', `An integration of type ${type} is already configured for group ${request.params['groupId'] ?? ''}.`, [type]) };
    }
    if (type === 'SLACK' && !exists && !options.allowSlackCreate) {
      // Documented: Slack must be set up in the UI (OAuth2); the API only reconfigures it. Code unknown.
      return {
        status: 400,
        body: apiError(400, 'SLACK_OAUTH_REQUIRED', 'Slack integrations must first be configured in the Cloud Manager UI; the API can only update them.', []),
      };
    }
    // PUT replaces the whole configuration (CONTRACT.md): fields left out are gone afterwards.
    found.set(type, { type, fields: validated.fields });
    return listPage(request, found);
  };

  route('POST', '/groups/{groupId}/integrations/{integrationType}', (request) => write(request, 'create'));
  route('PUT', '/groups/{groupId}/integrations/{integrationType}', (request) => write(request, 'upsert'));

  route('DELETE', '/groups/{groupId}/integrations/{integrationType}', (request) => {
    const found = project(request);
    if (!(found instanceof Map)) return found;
    const type = pathType(request);
    if (typeof type !== 'string') return type;
    if (!found.delete(type)) return notConfigured(type, request.params['groupId'] ?? '');
    // Unknown for Cloud Manager; Atlas answers 204 with no body (recorded).
    return { status: 204 };
  });

  return {
    vendor: 'mongodb',
    server,
    basePath: MONGODB_API_BASE_PATH,
    groupIds: () => [...groups.keys()],
    storedIntegration: (groupId, type) => {
      const stored = groups.get(groupId)?.get(type);
      return stored === undefined ? undefined : structuredClone(stored);
    },
    storedTypes: (groupId) => ordered(groups.get(groupId) ?? new Map()).map((i) => i.type),
    expireNonces: () => {
      for (const state of nonces.values()) state.expired = true;
    },
    digestLog,
    clearDigestLog: () => {
      digestLog.length = 0;
    },
  };
}

function isPage(value: { pageNum: number; itemsPerPage: number } | SimResponse): value is { pageNum: number; itemsPerPage: number } {
  return 'pageNum' in value;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Whether the Digest `uri` names the request's own path and query (RFC 7616 §3.4.6). */
function sameTarget(uri: string, request: SimRequest): boolean {
  let target: URL;
  try {
    target = new URL(uri, 'http://simulator');
  } catch {
    return false;
  }
  if (target.pathname !== request.path) return false;
  const a = [...target.searchParams].map(([k, v]) => `${k}=${v}`).sort();
  const b = [...request.query].map(([k, v]) => `${k}=${v}`).sort();
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function apiError(status: number, errorCode: string, detail: string, parameters: readonly unknown[]): Record<string, unknown> {
  return { detail, error: status, errorCode, parameters, reason: REASONS[status] ?? 'Error' };
}

function apiError404(errorCode: string, detail: string, parameters: readonly unknown[]): SimResponse {
  return { status: 404, body: apiError(404, errorCode, detail, parameters) };
}

function notConfigured(type: string, groupId: string): SimResponse {
  return apiError404('INTEGRATION_NOT_CONFIGURED', `No ${type} integration is configured for group ${groupId}.`, [type, groupId]);
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
};

function ordered(integrations: ReadonlyMap<string, StoredIntegration>): StoredIntegration[] {
  const rank = (type: string): number => {
    const index = VENDOR_LIST_ORDER.indexOf(type);
    return index === -1 ? VENDOR_LIST_ORDER.length : index;
  };
  return [...integrations.values()].sort((a, b) => rank(a.type) - rank(b.type) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** `*` for every character but the last four, as recorded (`****************************0022`). */
function mask(value: string): string {
  return value.length <= 4 ? '*'.repeat(value.length) : `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
}

/** Host kept, path masked, as recorded (`https://example.com/****2101`). */
function maskUrl(value: string): string {
  try {
    return `${new URL(value).origin}/****${value.slice(-4)}`;
  } catch {
    return mask(value);
  }
}

/** The wire object: secrets masked, keys sorted with `type` last, as the recordings show. */
function render(integration: StoredIntegration): Record<string, unknown> {
  const rules = TYPE_RULES[integration.type] ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(integration.fields).sort()) {
    const value = integration.fields[key];
    if (value === undefined) continue;
    const secret = rules[key]?.secret ?? (integration.type === 'NEW_RELIC' && NEW_RELIC_SECRETS.has(key) ? 'partial' : undefined);
    if (secret === 'never') continue;
    out[key] = typeof value !== 'string' || secret === undefined ? value : secret === 'url' ? maskUrl(value) : mask(value);
  }
  // Documented: `channelName` reads back as "" when unset.
  if (integration.type === 'SLACK' && out['channelName'] === undefined) out['channelName'] = '';
  out['type'] = integration.type;
  return out;
}

type Validated = { readonly fields: Record<string, string | boolean> } | SimResponse;

function validateBody(request: SimRequest, type: string, rules: Readonly<Record<string, FieldRule>>): Validated {
  const bad = (errorCode: string, detail: string, parameters: readonly unknown[]): SimResponse => ({ status: 400, body: apiError(400, errorCode, detail, parameters) });
  if (request.bodyInvalid || typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
    return bad('INVALID_JSON', 'Received JSON is malformed.', []);
  }
  const body = request.body as Record<string, unknown>;
  if (body['type'] === undefined) return bad('MISSING_ATTRIBUTE', 'The required attribute type was not specified.', ['type']);
  // Documented: `type` must equal the path segment.
  if (body['type'] !== type) return bad('INVALID_ATTRIBUTE', 'Invalid attribute type specified.', ['type']);
  for (const key of Object.keys(body)) {
    // `id` is read-only in Atlas and ignored on input; anything else unknown is refused.
    if (key !== 'type' && key !== 'id' && rules[key] === undefined) return bad('INVALID_ATTRIBUTE', `Invalid attribute ${key} specified.`, [key]);
  }
  const fields: Record<string, string | boolean> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const value = body[name];
    if (value === undefined || value === null || value === '') {
      if (rule.required) return bad('MISSING_ATTRIBUTE', `The required attribute ${name} was not specified.`, [name]);
      continue;
    }
    if (typeof value !== rule.kind) return bad('INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, [name]);
    if (typeof value === 'string') {
      if (rule.values && !rule.values.includes(value)) return bad('INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, [name]);
      if (rule.maxLength !== undefined && value.length > rule.maxLength) return bad('INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, [name]);
      if (rule.secret === 'url' && !isHttpUrl(value)) return bad('INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, [name]);
    }
    fields[name] = value as string | boolean;
  }
  // Documented: an https Prometheus endpoint needs the PEM file.
  if (type === 'PROMETHEUS' && fields['scheme'] === 'https' && fields['tlsPemPath'] === undefined) {
    return bad('MISSING_ATTRIBUTE', 'The required attribute tlsPemPath was not specified.', ['tlsPemPath']);
  }
  return { fields };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
