import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  OPSRAMP_CATALOGUE,
  OPSRAMP_CATEGORIES,
  OPSRAMP_DIRECTIONS,
  OPSRAMP_ENTITY_TYPES,
  OPSRAMP_GRANT_TYPES,
  OPSRAMP_INBOUND_AUTH_TYPES,
  OPSRAMP_NOTIFIER_AUTH_TYPES,
  OPSRAMP_NOTIFIER_TYPES,
  catalogueEntry,
} from '../../vendors/opsramp/catalogue.js';
import { SimulatorServer, type SimRequest, type SimResponse, type Simulator } from '../base.js';
import { opsRampSeedIntegrations } from './seed.js';

/*
 * Faithful fake of OpsRamp's OAuth2 token endpoint and the installed-integrations API v2.
 * Contract: ../shared/vendor-contracts/opsramp/CONTRACT.md and the spec excerpts beside it. Where
 * the contract lists an unknown, the choice made here is commented where it matters; the client
 * tolerates the alternatives.
 */

/** One OpsRamp value and the third-party value it maps to. */
export interface StoredAttrValue {
  readonly attrValue: string;
  readonly thirdPartyAttrValue: string;
}

/** A mapping attribute, stored with the names of OpsRamp's examples. */
export interface StoredMapping {
  readonly name: string;
  readonly attrName: string;
  readonly entityType: string;
  readonly thirdPartyAttrName: string;
  readonly thirdPartyEntityType: string;
  readonly mode?: string;
  readonly attrValues: readonly StoredAttrValue[];
}

export interface StoredKeyValue {
  readonly key: string;
  readonly value: string;
}

/** Inbound authentication, generated credentials included. */
export interface StoredAuthentication {
  readonly authType: string;
  readonly role?: { readonly uniqueId: string; readonly name?: string };
  readonly token?: string;
  readonly apiKeyPairs?: readonly { readonly key: string; readonly secret: string }[];
}

/** A base notifier as sent, secrets included. */
export interface StoredNotifier {
  readonly type: string;
  readonly baseURI: string;
  readonly authType: string;
  readonly grantType?: string;
  readonly userName?: string;
  readonly password?: string;
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly accessTokenURI?: string;
  readonly tokenURL?: string;
  readonly tokenPayload?: unknown;
  readonly tokenHeaders?: readonly StoredKeyValue[];
  readonly tokensPath?: readonly StoredKeyValue[];
  readonly resourceAuthHeaders?: readonly StoredKeyValue[];
}

export interface StoredInboundConfig {
  readonly authentication?: StoredAuthentication;
  readonly mapAttributes?: readonly StoredMapping[];
  readonly dropAlerts?: boolean;
  readonly entityTypes?: readonly string[];
}

export interface StoredOutboundConfig {
  readonly mapAttributes?: readonly StoredMapping[];
  readonly baseNotifier?: StoredNotifier;
}

/** An installed integration as the simulator holds it, secrets included (never all sent back). */
export interface StoredIntegration {
  readonly id: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly integration: { readonly id: string; readonly name: string; readonly multipleInstallations: boolean };
  readonly category?: string;
  readonly direction?: string;
  readonly status: string;
  readonly installedBy: string;
  readonly installedTime: string;
  readonly alertSource?: { readonly id: number; readonly name: string; readonly displayName: string; readonly techUid: string };
  readonly parentIntg?: { readonly id: string };
  readonly inboundConfig?: StoredInboundConfig;
  readonly outboundConfig?: StoredOutboundConfig;
}

/** Requests per minute and tenant, by OpsRamp's classes ("Other APIs" row of the throttling table). */
export interface OpsRampRateLimits {
  readonly get: number;
  readonly pagedGet: number;
  readonly write: number;
}

/** The partner-scope limits OpsRamp documents for "Other APIs". */
export const OPSRAMP_PARTNER_LIMITS: OpsRampRateLimits = { get: 1500, pagedGet: 150, write: 150 };

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
}

/** A write the simulator received, body included (tests only; never logged). */
export interface RecordedWrite {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
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

const TOKEN_ROUTE = '/auth/oauth/token';
const BASE = '/api/v2/tenants/{tenantId}/integrations';
const TENANT_PATH = /^\/api\/v2\/tenants\/([^/]+)\//;
const DEFAULT_TTL_SECONDS = 7199;
const DEFAULT_PAGE_SIZE = 100;
// Unknown: OpsRamp's largest page. 500 is what its other v2 searches document; larger asks are cut.
const DEFAULT_MAX_PAGE_SIZE = 500;
/** Host OpsRamp puts into the webhook URLs it gives third parties. */
const WEBHOOK_HOST = 'https://api.opsramp.com';
const PASSWORD_ALIASES = new Set(['PASSWORD', 'PASSWORD_CREDENTIALS']);

const ENTITY_PREFIX: Readonly<Record<string, string>> = {
  ALERT: 'alert',
  PROBLEM: 'problem',
  INCIDENT: 'incident',
  CHANGE: 'change',
  SERVICEREQUEST: 'serviceRequest',
  TASK: 'task',
};

const text = z.string().nullish();
const mappingIn = z.looseObject({
  name: text,
  entityType: text,
  thirdPartyAttrName: text,
  tenantAttrName: text,
  thirdPartyEntityType: text,
  tenantEntityType: text,
  attrValues: z.array(z.looseObject({ attrValue: text, thirdPartyAttrValue: text, tenantAttrValue: text })).nullish(),
});
const keyValueIn = z.looseObject({ key: text, value: text });
const notifierIn = z.looseObject({
  type: text,
  baseURI: text,
  authType: text,
  grantType: text,
  userName: text,
  password: text,
  apiKey: text,
  apiSecret: text,
  accessTokenURI: text,
  accessTokenURL: text,
  tokenURL: text,
  tokenPayload: z.unknown().optional(),
  tokenHeaders: z.array(keyValueIn).nullish(),
  tokensPath: z.array(keyValueIn).nullish(),
  resourceAuthHeaders: z.array(keyValueIn).nullish(),
});
const authenticationIn = z.looseObject({ authType: text, role: z.looseObject({ uniqueId: text }).nullish() });
const inboundIn = z.looseObject({
  authentication: authenticationIn.nullish(),
  mapAttributes: z.array(mappingIn).nullish(),
  dropAlerts: z.boolean().nullish(),
  entityTypes: z.array(z.string()).nullish(),
});
const outboundIn = z.looseObject({ mapAttributes: z.array(mappingIn).nullish(), baseNotifier: notifierIn.nullish() });
const installIn = z.looseObject({
  displayName: text,
  description: text,
  category: text,
  direction: text,
  alertSource: z.looseObject({ id: z.number().int().nullish() }).nullish(),
  parentIntg: z.looseObject({ id: text }).nullish(),
  inboundConfig: inboundIn.nullish(),
  outboundConfig: outboundIn.nullish(),
});
const mappingAttrIn = z.looseObject({
  inboundConfig: z.looseObject({ mapAttributes: z.array(mappingIn).nullish() }).nullish(),
  outboundConfig: z.looseObject({ mapAttributes: z.array(mappingIn).nullish() }).nullish(),
});

type InstallIn = z.output<typeof installIn>;
type NotifierIn = z.output<typeof notifierIn>;
type MappingIn = z.output<typeof mappingIn>;

/** Collects the first validation failure, OpsRamp style: one message per 400. */
class Problems {
  readonly messages: string[] = [];
  add(message: string): void {
    this.messages.push(message);
  }
  response(): SimResponse | null {
    const first = this.messages[0];
    return first === undefined ? null : error(400, 'invalid_request', first);
  }
}

/** OpsRamp's documented error shape (OAuth and throttling); used for every error here. */
function error(status: number, code: string, description: string, headers?: Record<string, string>): SimResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: { error: code, error_description: description } };
}

function header(request: SimRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function randomToken(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** OpsRamp's `2020-10-08T07:25:24+0000` timestamp format. */
function opsRampTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+0000`;
}

function inSet(values: readonly string[], value: string | null | undefined): boolean {
  return value !== null && value !== undefined && values.includes(value);
}

function attrName(entityType: string, name: string): string {
  const words = name.trim().split(/\s+/);
  const camel = words.map((w, i) => (i === 0 ? w.toLowerCase() : `${w.charAt(0).toUpperCase()}${w.slice(1).toLowerCase()}`)).join('');
  return `${ENTITY_PREFIX[entityType] ?? entityType.toLowerCase()}.${camel}.name`;
}

function checkMappings(items: readonly MappingIn[] | null | undefined, where: string, problems: Problems): StoredMapping[] | undefined {
  if (!items) return undefined;
  return items.map((item, index) => {
    const at = `${where}.mapAttributes[${index}]`;
    const thirdPartyAttrName = item.thirdPartyAttrName ?? item.tenantAttrName;
    const thirdPartyEntityType = item.thirdPartyEntityType ?? item.tenantEntityType;
    if (!item.name) problems.add(`${at}.name is required`);
    if (!inSet(OPSRAMP_ENTITY_TYPES, item.entityType)) problems.add(`${at}.entityType must be one of ${OPSRAMP_ENTITY_TYPES.join(', ')}`);
    if (!thirdPartyAttrName) problems.add(`${at}.thirdPartyAttrName is required`);
    if (!thirdPartyEntityType) problems.add(`${at}.thirdPartyEntityType is required`);
    const attrValues = (item.attrValues ?? []).map((value, valueIndex) => {
      const third = value.thirdPartyAttrValue ?? value.tenantAttrValue;
      if (!value.attrValue || !third) problems.add(`${at}.attrValues[${valueIndex}] needs attrValue and thirdPartyAttrValue`);
      return { attrValue: value.attrValue ?? '', thirdPartyAttrValue: third ?? '' };
    });
    const entityType = item.entityType ?? '';
    const name = item.name ?? '';
    return {
      name,
      attrName: attrName(entityType, name),
      entityType,
      thirdPartyAttrName: thirdPartyAttrName ?? '',
      thirdPartyEntityType: thirdPartyEntityType ?? '',
      attrValues,
    };
  });
}

function checkKeyValues(items: NotifierIn['tokenHeaders'], at: string, problems: Problems): StoredKeyValue[] | undefined {
  if (!items) return undefined;
  return items.map((item, index) => {
    if (!item.key || item.value === null || item.value === undefined) problems.add(`${at}[${index}] needs key and value`);
    return { key: item.key ?? '', value: item.value ?? '' };
  });
}

/** The spec's `notifier` rules: type, baseURI and authType always; the rest by auth type. */
function checkNotifier(input: NotifierIn, problems: Problems): StoredNotifier {
  const at = 'outboundConfig.baseNotifier';
  if (!inSet(OPSRAMP_NOTIFIER_TYPES, input.type)) problems.add(`${at}.type must be one of ${OPSRAMP_NOTIFIER_TYPES.join(', ')}`);
  if (!input.baseURI) problems.add(`${at}.baseURI is required`);
  if (!inSet(OPSRAMP_NOTIFIER_AUTH_TYPES, input.authType)) problems.add(`${at}.authType must be one of ${OPSRAMP_NOTIFIER_AUTH_TYPES.join(', ')}`);
  const grantType = input.grantType && PASSWORD_ALIASES.has(input.grantType) ? 'PASSWORD' : input.grantType;
  const accessTokenURI = input.accessTokenURI ?? input.accessTokenURL;
  if (input.authType === 'OAUTH2') {
    if (!inSet(OPSRAMP_GRANT_TYPES, grantType)) problems.add(`${at}.grantType must be one of ${OPSRAMP_GRANT_TYPES.join(', ')}`);
    if (!input.apiKey) problems.add(`${at}.apiKey is mandatory for OAUTH2`);
    if (!input.apiSecret) problems.add(`${at}.apiSecret is mandatory for OAUTH2`);
    if (!accessTokenURI) problems.add(`${at}.accessTokenURI is mandatory for OAUTH2`);
    if ((grantType === 'PASSWORD' || grantType === 'REFRESH_TOKEN') && (!input.userName || !input.password)) {
      problems.add(`${at}.userName and password are mandatory for the ${grantType} grant`);
    }
  }
  // Unknown: BASIC's required fields; a user name and password is what basic auth needs.
  if (input.authType === 'BASIC' && (!input.userName || !input.password)) problems.add(`${at}.userName and password are mandatory for BASIC`);
  if (input.authType === 'JWT' && !input.tokenURL) problems.add(`${at}.tokenURL is mandatory for JWT`);
  const tokenHeaders = checkKeyValues(input.tokenHeaders, `${at}.tokenHeaders`, problems);
  const tokensPath = checkKeyValues(input.tokensPath, `${at}.tokensPath`, problems);
  const resourceAuthHeaders = checkKeyValues(input.resourceAuthHeaders, `${at}.resourceAuthHeaders`, problems);
  return {
    type: input.type ?? '',
    baseURI: input.baseURI ?? '',
    authType: input.authType ?? '',
    ...(grantType ? { grantType } : {}),
    ...(input.userName ? { userName: input.userName } : {}),
    ...(input.password ? { password: input.password } : {}),
    ...(input.apiKey ? { apiKey: input.apiKey } : {}),
    ...(input.apiSecret ? { apiSecret: input.apiSecret } : {}),
    ...(accessTokenURI ? { accessTokenURI } : {}),
    ...(input.tokenURL ? { tokenURL: input.tokenURL } : {}),
    ...(input.tokenPayload === undefined || input.tokenPayload === null ? {} : { tokenPayload: input.tokenPayload }),
    ...(tokenHeaders ? { tokenHeaders } : {}),
    ...(tokensPath ? { tokensPath } : {}),
    ...(resourceAuthHeaders ? { resourceAuthHeaders } : {}),
  };
}

/** New inbound credentials for an auth type: a webhook token, an OAuth2 key pair, or both. */
function credentialsFor(authType: string): Pick<StoredAuthentication, 'token' | 'apiKeyPairs'> {
  const webhook = authType === 'WEBHOOK' || authType === 'ALL';
  const oauth = authType === 'OAUTH2' || authType === 'ALL';
  return {
    ...(webhook ? { token: randomToken() } : {}),
    ...(oauth ? { apiKeyPairs: [{ key: randomToken(), secret: randomToken(48) }] } : {}),
  };
}

interface Page {
  readonly pageNo: number;
  readonly pageSize: number;
  readonly descending: boolean;
  readonly sortName: string;
  readonly filters: readonly (readonly [string, string])[];
}

/**
 * Reads the search parameters. `queryString` is `key:value` pairs joined with `+` (which the
 * caller URL-encodes); a pair without `:` is refused.
 */
function readPage(request: SimRequest, maxPageSize: number): Page | SimResponse {
  const pageNo = request.query.get('pageNo') ?? '1';
  const pageSize = request.query.get('pageSize') ?? String(DEFAULT_PAGE_SIZE);
  if (!/^\d{1,9}$/.test(pageNo) || Number(pageNo) < 1) return error(400, 'invalid_request', 'pageNo must be a positive integer');
  if (!/^\d{1,9}$/.test(pageSize) || Number(pageSize) < 1) return error(400, 'invalid_request', 'pageSize must be a positive integer');
  const filters: [string, string][] = [];
  const queryString = request.query.get('queryString') ?? '';
  for (const pair of queryString.split('+').filter((p) => p.trim() !== '')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) return error(400, 'invalid_request', 'queryString must be key:value pairs joined with +');
    filters.push([pair.slice(0, colon).trim(), pair.slice(colon + 1).trim().toLowerCase()]);
  }
  return {
    pageNo: Number(pageNo),
    pageSize: Math.min(Number(pageSize), maxPageSize),
    descending: request.query.get('isDescendingOrder') === 'true',
    sortName: request.query.get('sortName') ?? 'name',
    filters,
  };
}

function pageOf<T>(items: readonly T[], page: Page, render: (item: T) => unknown): Record<string, unknown> {
  const totalResults = items.length;
  const totalPages = Math.ceil(totalResults / page.pageSize);
  const start = (page.pageNo - 1) * page.pageSize;
  const nextPage = page.pageNo < totalPages;
  return {
    results: items.slice(start, start + page.pageSize).map(render),
    totalResults,
    pageNo: page.pageNo,
    pageSize: page.pageSize,
    totalPages,
    nextPage,
    ...(nextPage ? { nextPageNo: page.pageNo + 1 } : {}),
    previousPageNo: page.pageNo - 1,
    descendingOrder: page.descending,
  };
}

/**
 * Creates the OpsRamp simulator (not yet listening; call `server.listen()`).
 * State is in memory and starts from the demo seed (./seed.ts); `POST /__simulator/reset` restores it.
 */
export function createOpsRampSimulator(options: OpsRampSimulatorOptions = {}): OpsRampSimulator {
  const now = options.now ?? Date.now;
  const ttlMs = (options.tokenTtlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
  const names = options.responseNames ?? 'examples';
  const limits = options.rateLimits === undefined ? OPSRAMP_PARTNER_LIMITS : options.rateLimits;
  const maxPageSize = options.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
  const integrations = new Map<string, StoredIntegration>();
  const tokens = new Map<string, { expiresAt: number }>();
  const windows = new Map<string, { window: number; count: number }>();
  const recorded: RecordedWrite[] = [];
  let issued = 0;

  const reset = (): void => {
    integrations.clear();
    for (const integration of opsRampSeedIntegrations()) integrations.set(integration.id, integration);
    // Issued tokens stay valid: a reset restores the tenant's data, not the sessions of its API clients.
    windows.clear();
    recorded.length = 0;
    issued = 0;
  };

  const server = new SimulatorServer({
    vendor: 'opsramp',
    reset,
    authenticate: (request) => {
      if (request.path === TOKEN_ROUTE) return null;
      const authorization = header(request, 'authorization');
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) return error(401, 'unauthorized', 'Full authentication is required to access this resource');
      const token = match[1] as string;
      const known = tokens.get(token);
      // Spring Security OAuth2 repeats the refused token in its message; so does this simulator,
      // which is how the tests prove Patchbay never passes vendor text like this on.
      if (!known) return error(401, 'invalid_token', `Invalid access token: ${token}`);
      if (now() >= known.expiresAt) return error(options.expiredTokenStatus ?? 401, 'invalid_token', `Access token expired: ${token}`);
      const tenant = TENANT_PATH.exec(request.path)?.[1];
      // Unknown: the answer for another tenant's path. A 403 "access_denied" is Spring's answer.
      if (options.tenantId !== undefined && tenant !== undefined && decodeURIComponent(tenant) !== options.tenantId) {
        return error(403, 'access_denied', 'Access is denied');
      }
      return null;
    },
    notFound: (request) => {
      const known = /^\/api\/v2\/tenants\/[^/]+\/integrations\/(installed|install|available)\b/.test(request.path);
      return known ? error(405, 'method_not_allowed', `Request method '${request.method}' not supported`) : error(404, 'not_found', 'No such resource');
    },
  });

  /** Throttles per tenant and per request class, and adds the X-RateLimit-* headers. */
  const throttle = (request: SimRequest, cls: keyof OpsRampRateLimits): { headers: Record<string, string>; refused: SimResponse | null } => {
    if (limits === false) return { headers: {}, refused: null };
    const limit = limits[cls];
    const window = Math.floor(now() / 60_000);
    const key = `${request.params['tenantId'] ?? ''}\u0000${cls}`;
    const current = windows.get(key);
    const counter = current && current.window === window ? current : { window, count: 0 };
    counter.count += 1;
    windows.set(key, counter);
    const headers = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - counter.count)),
      'X-RateLimit-Reset': String((window + 1) * 60),
    };
    return { headers, refused: counter.count > limit ? error(429, 'throttled', 'Too Many Requests', headers) : null };
  };

  /** Registers an API route behind the throttle. */
  const api = (method: string, template: string, cls: keyof OpsRampRateLimits, handler: (request: SimRequest) => SimResponse): void => {
    server.route(method, template, (request) => {
      const { headers, refused } = throttle(request, cls);
      if (refused) return refused;
      if (method !== 'GET') recorded.push({ method, path: request.path, body: request.body === undefined ? undefined : structuredClone(request.body) });
      const response = handler(request);
      return { ...response, headers: { ...response.headers, ...headers } };
    });
  };

  const renderMapping = (mapping: StoredMapping): Record<string, unknown> => {
    const schema = names === 'schema';
    return {
      name: mapping.name,
      attrName: mapping.attrName,
      [schema ? 'tenantAttrName' : 'thirdPartyAttrName']: mapping.thirdPartyAttrName,
      entityType: mapping.entityType,
      [schema ? 'tenantEntityType' : 'thirdPartyEntityType']: mapping.thirdPartyEntityType,
      ...(mapping.mode ? { mode: mapping.mode } : {}),
      attrValues: mapping.attrValues.map((v) => ({ attrValue: v.attrValue, [schema ? 'tenantAttrValue' : 'thirdPartyAttrValue']: v.thirdPartyAttrValue })),
    };
  };

  /** Write-only secrets (`password`, `apiSecret`) are omitted; `apiKey` and `userName` come back in clear. */
  const renderNotifier = (n: StoredNotifier): Record<string, unknown> => {
    const schema = names === 'schema';
    const out: Record<string, unknown> = { type: n.type, baseURI: n.baseURI, authType: n.authType };
    if (n.grantType) out['grantType'] = schema && n.grantType === 'PASSWORD' ? 'PASSWORD_CREDENTIALS' : n.grantType;
    if (n.userName) out['userName'] = n.userName;
    if (n.apiKey) out['apiKey'] = n.apiKey;
    if (n.accessTokenURI) out[schema ? 'accessTokenURL' : 'accessTokenURI'] = n.accessTokenURI;
    if (n.tokenURL) out['tokenURL'] = n.tokenURL;
    // Unknown: whether JWT details come back. The headers are returned (in clear) and the payload is not.
    if (n.tokenHeaders) out['tokenHeaders'] = n.tokenHeaders.map((kv) => ({ ...kv }));
    if (n.tokensPath) out['tokensPath'] = n.tokensPath.map((kv) => ({ ...kv }));
    if (n.resourceAuthHeaders) out['resourceAuthHeaders'] = n.resourceAuthHeaders.map((kv) => ({ ...kv }));
    if (options.echoSecrets) {
      if (n.password) out['password'] = n.password;
      if (n.apiSecret) out['apiSecret'] = n.apiSecret;
      if (n.tokenPayload !== undefined) out['tokenPayload'] = n.tokenPayload;
    }
    return out;
  };

  /**
   * The `integrationInstall` body. The webhook token and OAuth2 keys come back in clear (as OpsRamp
   * does); a key pair's secret only when `revealKeySecrets` (install or authentication setup).
   */
  const render = (item: StoredIntegration, tenant: string, revealKeySecrets = false): Record<string, unknown> => {
    const out: Record<string, unknown> = { id: item.id };
    if (item.displayName !== undefined) out['displayName'] = item.displayName;
    if (item.description !== undefined) out['description'] = item.description;
    out['integration'] = { ...item.integration };
    if (item.category !== undefined) out['category'] = item.category;
    out['installedBy'] = item.installedBy;
    out['installedTime'] = item.installedTime;
    out['status'] = item.status;
    if (item.direction !== undefined) out['direction'] = item.direction;
    if (item.alertSource) out['alertSource'] = { ...item.alertSource };
    if (item.parentIntg) out['parentIntg'] = { ...item.parentIntg };
    const inbound = item.inboundConfig;
    if (inbound) {
      const auth = inbound.authentication;
      const renderedIn: Record<string, unknown> = {};
      if (auth) {
        const a: Record<string, unknown> = { authType: auth.authType };
        if (auth.token) a['token'] = auth.token;
        if (auth.apiKeyPairs) {
          a['apiKeyPairs'] = auth.apiKeyPairs.map((pair) => (revealKeySecrets || options.echoSecrets ? { key: pair.key, secret: pair.secret } : { key: pair.key }));
        }
        if (auth.role) a['role'] = { ...auth.role };
        renderedIn['authentication'] = a;
      }
      if (inbound.mapAttributes) renderedIn['mapAttributes'] = inbound.mapAttributes.map(renderMapping);
      if (inbound.dropAlerts !== undefined) renderedIn['dropAlerts'] = inbound.dropAlerts;
      if (inbound.entityTypes) {
        renderedIn['entityTypes'] = [...inbound.entityTypes];
        if (auth?.token) {
          renderedIn['webhookUris'] = inbound.entityTypes.map((entity) => ({
            webhookEntityType: entity,
            url: `${WEBHOOK_HOST}/integrations/${tenant}/webhook/${entity.toLowerCase()}?vtoken=${auth.token ?? ''}`,
          }));
        }
      }
      out['inboundConfig'] = renderedIn;
    }
    const outbound = item.outboundConfig;
    if (outbound) {
      const renderedOut: Record<string, unknown> = {};
      if (outbound.baseNotifier) renderedOut['baseNotifier'] = renderNotifier(outbound.baseNotifier);
      if (outbound.mapAttributes) renderedOut['mapAttributes'] = outbound.mapAttributes.map(renderMapping);
      out['outboundConfig'] = renderedOut;
    }
    return out;
  };

  const ok = (body: unknown): SimResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body });
  const missing = (): SimResponse => error(404, 'not_found', 'Installed integration not found');
  const decode = <T>(request: SimRequest, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: SimResponse } => {
    if (request.bodyInvalid) return { ok: false, response: error(400, 'invalid_request', 'Malformed JSON request') };
    const parsed = schema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, response: error(400, 'invalid_request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`) };
    }
    return { ok: true, value: parsed.data };
  };

  /** Applies inbound changes; a changed auth type gets new credentials (shown once, by the caller). */
  const applyInbound = (current: StoredInboundConfig | undefined, input: InstallIn['inboundConfig'], problems: Problems): { value: StoredInboundConfig | undefined; regenerated: boolean } => {
    if (!input) return { value: current, regenerated: false };
    let authentication = current?.authentication;
    let regenerated = false;
    if (input.authentication) {
      const authType = input.authentication.authType;
      if (!inSet(OPSRAMP_INBOUND_AUTH_TYPES, authType)) problems.add(`inboundConfig.authentication.authType must be one of ${OPSRAMP_INBOUND_AUTH_TYPES.join(', ')}`);
      const roleId = input.authentication.role?.uniqueId;
      const role = roleId ? { uniqueId: roleId } : authentication?.role;
      const keep = authentication && authentication.authType === authType;
      regenerated = !keep;
      authentication = {
        authType: authType ?? '',
        ...(role ? { role } : {}),
        ...(keep ? { ...(authentication?.token ? { token: authentication.token } : {}), ...(authentication?.apiKeyPairs ? { apiKeyPairs: authentication.apiKeyPairs } : {}) } : credentialsFor(authType ?? '')),
      };
    }
    const mapAttributes = checkMappings(input.mapAttributes, 'inboundConfig', problems) ?? current?.mapAttributes;
    const entityTypes = input.entityTypes ?? current?.entityTypes;
    for (const entity of input.entityTypes ?? []) {
      if (!inSet(OPSRAMP_ENTITY_TYPES, entity)) problems.add(`inboundConfig.entityTypes: ${entity} is not an entity type`);
    }
    const dropAlerts = input.dropAlerts ?? current?.dropAlerts;
    return {
      value: {
        ...(authentication ? { authentication } : {}),
        ...(mapAttributes ? { mapAttributes } : {}),
        ...(dropAlerts === undefined ? {} : { dropAlerts }),
        ...(entityTypes ? { entityTypes } : {}),
      },
      regenerated,
    };
  };

  const applyOutbound = (current: StoredOutboundConfig | undefined, input: InstallIn['outboundConfig'], problems: Problems): StoredOutboundConfig | undefined => {
    if (!input) return current;
    const mapAttributes = checkMappings(input.mapAttributes, 'outboundConfig', problems) ?? current?.mapAttributes;
    // Unknown: whether a notifier in an update merges with the stored one. It is replaced whole,
    // so a notifier without its secrets fails validation instead of keeping old ones.
    const baseNotifier = input.baseNotifier ? checkNotifier(input.baseNotifier, problems) : current?.baseNotifier;
    return { ...(mapAttributes ? { mapAttributes } : {}), ...(baseNotifier ? { baseNotifier } : {}) };
  };

  server.route('POST', TOKEN_ROUTE, (request) => {
    // Spring reads the token request from form parameters only; a JSON body has no grant type.
    const form = header(request, 'content-type').includes('application/x-www-form-urlencoded') && typeof request.body === 'object' && request.body !== null
      ? (request.body as Record<string, unknown>)
      : {};
    const grantType = typeof form['grant_type'] === 'string' ? form['grant_type'] : '';
    if (grantType === '') return error(400, 'invalid_request', 'Missing grant type');
    if (grantType !== 'client_credentials') return error(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType.slice(0, 40)}`);
    const clientId = typeof form['client_id'] === 'string' ? form['client_id'] : '';
    const clientSecret = typeof form['client_secret'] === 'string' ? form['client_secret'] : '';
    const accepted =
      clientId !== '' &&
      clientSecret !== '' &&
      (options.clientId === undefined || clientId === options.clientId) &&
      (options.clientSecret === undefined || clientSecret === options.clientSecret);
    if (!accepted) return error(401, 'unauthorized', 'Bad API credentials');
    const token = randomUUID();
    tokens.set(token, { expiresAt: now() + ttlMs });
    issued += 1;
    // The schema types expires_in as a string; the example (and this simulator) send a number.
    return ok({ access_token: token, token_type: 'bearer', expires_in: Math.floor(ttlMs / 1000), scope: 'global:manage' });
  });

  api('POST', `${BASE}/install/{integrationId}`, 'write', (request) => {
    const tenant = request.params['tenantId'] ?? '';
    const entry = catalogueEntry(request.params['integrationId']);
    // Unknown: the answer for an integration id the catalogue lacks; 404 names the missing resource.
    if (!entry) return error(404, 'not_found', 'Integration not found');
    const decoded = decode(request, installIn);
    if (!decoded.ok) return decoded.response;
    const input = decoded.value;
    const problems = new Problems();
    const isCustom = entry.kind === 'CUSTOM';
    if (isCustom && !input.displayName) problems.add('displayName is required');
    if (isCustom && !inSet(OPSRAMP_CATEGORIES, input.category)) problems.add(`category must be one of ${OPSRAMP_CATEGORIES.join(', ')}`);
    if (input.direction && !inSet(OPSRAMP_DIRECTIONS, input.direction)) problems.add(`direction must be one of ${OPSRAMP_DIRECTIONS.join(', ')}`);
    if (isCustom && input.category === 'Custom' && !input.inboundConfig?.authentication?.role?.uniqueId) {
      problems.add('inboundConfig.authentication.role.uniqueId is mandatory for the Custom category');
    }
    if (!entry.multipleInstallations && [...integrations.values()].some((i) => i.integration.id === entry.id)) {
      return error(409, 'conflict', `${entry.name} is already installed and allows one installation`);
    }
    const inbound = applyInbound(undefined, input.inboundConfig, problems);
    const outbound = applyOutbound(undefined, input.outboundConfig, problems);
    const invalid = problems.response();
    if (invalid) return invalid;
    const category = isCustom ? (input.category ?? undefined) : undefined;
    // The default direction of a Collaboration install is Inbound-Outbound (spec).
    const direction = category === 'Collaboration' ? (input.direction ?? 'Inbound-Outbound') : undefined;
    const alertSourceId = input.alertSource?.id;
    const stored: StoredIntegration = {
      id: `INTG-${randomUUID()}`,
      ...(input.displayName ? { displayName: input.displayName } : {}),
      ...(input.description ? { description: input.description } : {}),
      integration: { id: entry.id, name: entry.name, multipleInstallations: entry.multipleInstallations },
      ...(category ? { category } : {}),
      ...(direction ? { direction } : {}),
      status: 'enabled',
      installedBy: 'opsramp_api_user',
      installedTime: opsRampTime(now()),
      ...(category === 'Monitoring' ? { alertSource: { id: alertSourceId ?? 30, name: 'Custom', displayName: 'Custom', techUid: 'CUSTOM' } } : {}),
      ...(input.parentIntg?.id ? { parentIntg: { id: input.parentIntg.id } } : {}),
      ...(inbound.value ? { inboundConfig: inbound.value } : {}),
      ...(outbound ? { outboundConfig: outbound } : {}),
    };
    integrations.set(stored.id, stored);
    return ok(render(stored, tenant, true));
  });

  api('GET', `${BASE}/installed/search`, 'pagedGet', (request) => {
    const page = readPage(request, maxPageSize);
    if (!('filters' in page)) return page;
    const matching = [...integrations.values()].filter((item) =>
      page.filters.every(([key, value]) => {
        // Unknown: the keys OpsRamp's installed search supports. These are the fields it returns;
        // other keys are ignored, as OpsRamp's searches do with attributes they do not index.
        if (key === 'displayName') return (item.displayName ?? '').toLowerCase().includes(value);
        if (key === 'integrationId' || key === 'integration') return item.integration.id.toLowerCase() === value;
        if (key === 'name') return item.integration.name.toLowerCase().includes(value) || (item.displayName ?? '').toLowerCase().includes(value);
        if (key === 'status') return item.status.toLowerCase() === value;
        if (key === 'category') return (item.category ?? '').toLowerCase() === value;
        return true;
      }),
    );
    const sortKey = (item: StoredIntegration): string =>
      page.sortName === 'installedTime' ? item.installedTime : (item.displayName ?? item.integration.name).toLowerCase();
    const sorted = matching.sort((a, b) => sortKey(a).localeCompare(sortKey(b)) || a.id.localeCompare(b.id));
    if (page.descending) sorted.reverse();
    return ok(pageOf(sorted, page, (item) => render(item, request.params['tenantId'] ?? '')));
  });

  api('GET', `${BASE}/installed/{installedIntgId}`, 'get', (request) => {
    const item = integrations.get(request.params['installedIntgId'] ?? '');
    return item ? ok(render(item, request.params['tenantId'] ?? '')) : missing();
  });

  api('POST', `${BASE}/installed/{installedIntgId}`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    const item = integrations.get(id);
    if (!item) return missing();
    const decoded = decode(request, installIn);
    if (!decoded.ok) return decoded.response;
    const input = decoded.value;
    const problems = new Problems();
    const inbound = applyInbound(item.inboundConfig, input.inboundConfig, problems);
    const outbound = applyOutbound(item.outboundConfig, input.outboundConfig, problems);
    const invalid = problems.response();
    if (invalid) return invalid;
    const updated: StoredIntegration = {
      ...item,
      ...(input.displayName ? { displayName: input.displayName } : {}),
      ...(input.description ? { description: input.description } : {}),
      ...(inbound.value ? { inboundConfig: inbound.value } : {}),
      ...(outbound ? { outboundConfig: outbound } : {}),
    };
    integrations.set(id, updated);
    return ok(render(updated, request.params['tenantId'] ?? '', inbound.regenerated));
  });

  api('DELETE', `${BASE}/installed/{installedIntgId}`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    if (!integrations.has(id)) return missing();
    const decoded = decode(request, z.looseObject({ uninstallReason: z.string().nullish() }));
    if (!decoded.ok) return decoded.response;
    if (!decoded.value.uninstallReason?.trim()) return error(400, 'invalid_request', 'uninstallReason is required');
    integrations.delete(id);
    return { status: 200 };
  });

  for (const [action, status] of [
    ['enable', 'enabled'],
    ['disable', 'disabled'],
  ] as const) {
    api('POST', `${BASE}/installed/{installedIntgId}/${action}`, 'write', (request) => {
      const id = request.params['installedIntgId'] ?? '';
      const item = integrations.get(id);
      if (!item) return missing();
      integrations.set(id, { ...item, status });
      return { status: 200 };
    });
  }

  api('POST', `${BASE}/installed/{installedIntgId}/notifier`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    const item = integrations.get(id);
    if (!item) return missing();
    const decoded = decode(request, notifierIn);
    if (!decoded.ok) return decoded.response;
    const problems = new Problems();
    const baseNotifier = checkNotifier(decoded.value, problems);
    const invalid = problems.response();
    if (invalid) return invalid;
    integrations.set(id, { ...item, outboundConfig: { ...item.outboundConfig, baseNotifier } });
    return ok(renderNotifier(baseNotifier));
  });

  api('POST', `${BASE}/installed/{installedIntgId}/inbound/authentication`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    const item = integrations.get(id);
    if (!item) return missing();
    const decoded = decode(request, authenticationIn);
    if (!decoded.ok) return decoded.response;
    const authType = decoded.value.authType;
    if (!inSet(OPSRAMP_INBOUND_AUTH_TYPES, authType)) return error(400, 'invalid_request', `authType must be one of ${OPSRAMP_INBOUND_AUTH_TYPES.join(', ')}`);
    const role = decoded.value.role?.uniqueId ? { uniqueId: decoded.value.role.uniqueId } : item.inboundConfig?.authentication?.role;
    const authentication: StoredAuthentication = { authType: authType ?? '', ...(role ? { role } : {}), ...credentialsFor(authType ?? '') };
    integrations.set(id, { ...item, inboundConfig: { ...item.inboundConfig, authentication } });
    // As the spec's example: the key pair's key only, or the webhook token.
    return ok({
      authType: authentication.authType,
      ...(authentication.apiKeyPairs ? { apiKeyPairs: authentication.apiKeyPairs.map((p) => ({ key: p.key })) } : {}),
      ...(authentication.token ? { token: authentication.token } : {}),
    });
  });

  api('POST', `${BASE}/installed/{installedIntgId}/mappingAttr`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    const item = integrations.get(id);
    if (!item) return missing();
    const decoded = decode(request, mappingAttrIn);
    if (!decoded.ok) return decoded.response;
    const problems = new Problems();
    const inbound = checkMappings(decoded.value.inboundConfig?.mapAttributes, 'inboundConfig', problems);
    const outbound = checkMappings(decoded.value.outboundConfig?.mapAttributes, 'outboundConfig', problems);
    const invalid = problems.response();
    if (invalid) return invalid;
    integrations.set(id, {
      ...item,
      ...(inbound ? { inboundConfig: { ...item.inboundConfig, mapAttributes: inbound } } : {}),
      ...(outbound ? { outboundConfig: { ...item.outboundConfig, mapAttributes: outbound } } : {}),
    });
    return ok([...(inbound ?? []), ...(outbound ?? [])].map(renderMapping));
  });

  api('GET', `${BASE}/installed/{installedIntgId}/mappingAttr`, 'get', (request) => {
    const item = integrations.get(request.params['installedIntgId'] ?? '');
    if (!item) return missing();
    const withMode = (mappings: readonly StoredMapping[] | undefined, mode: string) => (mappings ?? []).map((m) => renderMapping({ ...m, mode }));
    return ok([...withMode(item.inboundConfig?.mapAttributes, 'INBOUND'), ...withMode(item.outboundConfig?.mapAttributes, 'OUTBOUND')]);
  });

  api('GET', `${BASE}/available/search`, 'pagedGet', (request) => {
    const page = readPage(request, maxPageSize);
    if (!('filters' in page)) return page;
    const matching = OPSRAMP_CATALOGUE.filter((entry) =>
      page.filters.every(([key, value]) =>
        // Unknown: the catalogue's search keys; `name` (and `id`) match by substring.
        key === 'name' || key === 'id' ? entry.name.toLowerCase().includes(value) || entry.id.toLowerCase().includes(value) : true,
      ),
    );
    const sorted = [...matching].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    if (page.descending) sorted.reverse();
    return ok(pageOf(sorted, page, (entry) => ({ id: entry.id, name: entry.name })));
  });

  return {
    vendor: 'opsramp',
    server,
    installedIds: () => [...integrations.keys()],
    stored: (id) => {
      const item = integrations.get(id);
      return item === undefined ? undefined : structuredClone(item);
    },
    writes: () => recorded,
    tokensIssued: () => issued,
    expireTokens: () => {
      const at = now();
      for (const [token] of tokens) tokens.set(token, { expiresAt: at });
    },
  };
}
