import { z } from 'zod';
import {
  CHRONOSPHERE_BLOCKS,
  CHRONOSPHERE_CONNECTION_TYPES,
  CLOUDFLARE_TOKEN_PREFIXES,
  CONNECTION_TYPE_OF_BLOCK,
  DATADOG_SITE,
  REDACTED,
  SLUG,
  VENDOR_REDACTED_PATHS,
  isHttpUrl,
  slugFromName,
  type ChronosphereBlock,
  type ChronosphereConnectionType,
} from '../../vendors/chronosphere/catalogue.js';
import { SimulatorServer, type SimRequest, type SimResponse, type Simulator } from '../base.js';
import { CHRONOSPHERE_SEED_POLICIES, chronosphereSeedConnections } from './seed.js';

/*
 * Faithful fake of Chronosphere's Config API v1 external connections (a grpc-gateway in front of
 * proto messages). Contract: ../shared/vendor-contracts/chronosphere/CONTRACT.md and the swagger
 * beside it. Where the contract lists an unknown, the choice made here is commented where it matters.
 */

/** JSON values a stored type block holds (wire names, secrets in clear). */
export type BlockConfig = { readonly [key: string]: string | boolean | BlockConfig };

/** An external connection as the simulator holds it, secrets included (never sent back). */
export interface StoredConnection {
  readonly slug: string;
  readonly name: string;
  /** RFC 3339. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly block: ChronosphereBlock;
  /** The type block in wire form; empty strings are never stored (proto3: empty is unset). */
  readonly config: BlockConfig;
}

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
}

const CONNECTIONS = '/api/v1/config/external-connections';

// gRPC status codes the grpc-gateway puts in `apiError.code`.
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;
const UNAUTHENTICATED = 16;

const str = z.string().nullish();
const httpConfigRequest = z.strictObject({
  basic_auth: z.strictObject({ username: str, password: str }).nullish(),
  bearer_token: str,
  tls_config: z.strictObject({ insecure_skip_verify: z.boolean().nullish() }).nullish(),
});
const blockRequests = {
  slack: z.strictObject({ api_url: str, token: str }),
  pagerduty: z.strictObject({
    events: z.strictObject({ api_key: str, version: z.enum(['PAGERDUTY_EVENTS_VERSION_V1', 'PAGERDUTY_EVENTS_VERSION_V2']).nullish() }).nullish(),
    rest: z.strictObject({ api_key: str }).nullish(),
  }),
  webhook: z.strictObject({ url: str, http_config: httpConfigRequest.nullish() }),
  victor_ops: z.strictObject({ api_key: str, api_url: str }),
  ops_genie: z.strictObject({ api_key: str, api_url: str, http_config: httpConfigRequest.nullish() }),
  cloudflare: z.strictObject({ api_token: str }),
  mongodb_atlas: z.strictObject({ client_id: str, client_secret: str }),
  sendgrid: z.strictObject({ api_key: str }),
  datadog: z.strictObject({ api_key: str, app_key: str, site: str }),
} as const;
// protojson rejects unknown fields; read-only timestamps are accepted and ignored.
const connectionRequest = z.strictObject({
  slug: str,
  name: str,
  created_at: str,
  updated_at: str,
  slack: blockRequests.slack.nullish(),
  pagerduty: blockRequests.pagerduty.nullish(),
  webhook: blockRequests.webhook.nullish(),
  victor_ops: blockRequests.victor_ops.nullish(),
  ops_genie: blockRequests.ops_genie.nullish(),
  cloudflare: blockRequests.cloudflare.nullish(),
  mongodb_atlas: blockRequests.mongodb_atlas.nullish(),
  sendgrid: blockRequests.sendgrid.nullish(),
  datadog: blockRequests.datadog.nullish(),
});
type ConnectionRequest = z.output<typeof connectionRequest>;
const createRequest = z.strictObject({ external_connection: connectionRequest.nullish(), dry_run: z.boolean().nullish() });
const updateRequest = z.strictObject({
  external_connection: connectionRequest.nullish(),
  create_if_missing: z.boolean().nullish(),
  dry_run: z.boolean().nullish(),
});

/**
 * Creates the Chronosphere simulator (not yet listening; call `server.listen()`).
 * State is in memory and starts from the demo seed (./seed.ts); `POST /__simulator/reset` restores it.
 */
export function createChronosphereSimulator(options: ChronosphereSimulatorOptions = {}): ChronosphereSimulator {
  const connections = new Map<string, StoredConnection>();
  const policies = new Map<string, Set<string>>();
  const defaultPageSize = options.defaultPageSize ?? 50;
  const maxPageSize = options.maxPageSize ?? 200;
  const now = options.now ?? (() => new Date());
  let placeholderWrites = 0;

  const reset = (): void => {
    connections.clear();
    policies.clear();
    for (const connection of chronosphereSeedConnections()) connections.set(connection.slug, connection);
    for (const [slug, names] of Object.entries(CHRONOSPHERE_SEED_POLICIES)) policies.set(slug, new Set(names));
    placeholderWrites = 0;
  };

  const server = new SimulatorServer({
    vendor: 'chronosphere',
    reset,
    authenticate: (request) => {
      const token = headerValue(request, 'api-token');
      // Unknown: the auth layer's exact answer. It is outside the swagger's `apiError` statuses
      // (so `genericError`); gRPC Unauthenticated through grpc-gateway is the most likely shape.
      if (token === '') return apiError(401, UNAUTHENTICATED, 'missing API token: set the API-Token header');
      if (options.apiToken !== undefined && token !== options.apiToken) return apiError(401, UNAUTHENTICATED, 'invalid API token');
      return null;
    },
    notFound: () => apiError(404, NOT_FOUND, 'Not Found'),
  });

  const sorted = (): StoredConnection[] => [...connections.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  const timestamp = (): string => formatTime(now());

  /** Secrets given as the placeholder keep the stored value when there is one (as for ClientCertificate.private_key). */
  const resolvePlaceholders = (checked: { block: ChronosphereBlock; config: BlockConfig }, existing: StoredConnection | undefined): string[] => {
    const problems: string[] = [];
    let config = checked.config;
    for (const path of VENDOR_REDACTED_PATHS[checked.block]) {
      if (getPath(config, path) !== REDACTED) continue;
      placeholderWrites += 1;
      const kept = existing && existing.block === checked.block ? getPath(existing.config, path) : undefined;
      // CONTRACT.md: that the placeholder keeps the stored secret is assumed; it can only keep one that exists.
      if (typeof kept === 'string') config = setPath(config, path, kept);
      else problems.push(`${checked.block}.${path}: ${REDACTED} can only keep an existing secret`);
    }
    checked.config = config;
    return problems;
  };

  server.route('GET', CONNECTIONS, (request) => {
    const size = pageSize(request.query.get('page.max_size'), defaultPageSize, maxPageSize);
    if (typeof size !== 'number') return size;
    const tokenParam = request.query.get('page.token') ?? '';
    let after: string | null = null;
    if (tokenParam !== '') {
      after = decodePageToken(tokenParam);
      if (after === null) return apiError(400, INVALID_ARGUMENT, 'invalid page token');
    }
    const types: ChronosphereConnectionType[] = [];
    for (const value of request.query.getAll('connection_types')) {
      if (!(CHRONOSPHERE_CONNECTION_TYPES as readonly string[]).includes(value)) {
        return apiError(400, INVALID_ARGUMENT, `type mismatch, parameter: connection_types, error: ${JSON.stringify(value)} is not a valid ConnectionType`);
      }
      types.push(value as ChronosphereConnectionType);
    }
    const slugs = request.query.getAll('slugs');
    const names = request.query.getAll('names');
    const matching = sorted().filter(
      (c) =>
        (slugs.length === 0 || slugs.includes(c.slug)) &&
        (names.length === 0 || names.includes(c.name)) &&
        (types.length === 0 || types.includes(CONNECTION_TYPE_OF_BLOCK[c.block])),
    );
    // Keyset paging on the slug: a token names the last slug served, so pages stay exact while items change.
    const remaining = after === null ? matching : matching.filter((c) => c.slug > (after as string));
    const page = remaining.slice(0, size);
    const last = page[page.length - 1];
    const more = remaining.length > page.length && last !== undefined;
    return ok(
      protoJson({
        external_connections: page.map(render),
        page: { next_token: more ? encodePageToken(last.slug) : '' },
      }),
    );
  });

  server.route('GET', `${CONNECTIONS}/{slug}`, (request) => {
    const slug = request.params['slug'] ?? '';
    const connection = connections.get(slug);
    return connection ? ok({ external_connection: render(connection) }) : notFound(slug);
  });

  server.route('POST', CONNECTIONS, (request) => {
    const decoded = decode(request, createRequest);
    if (!decoded.ok) return decoded.response;
    const input = decoded.value.external_connection;
    if (!input) return invalid(['external_connection is required']);
    const problems: string[] = [];
    const name = input.name?.trim() ? input.name : '';
    if (name === '') problems.push('name is required');
    let slug = input.slug ?? '';
    if (slug !== '' && !SLUG.test(slug)) problems.push(`slug ${JSON.stringify(slug)} is not valid`);
    // The swagger: a slug is generated from the name when none is given.
    if (slug === '' && name !== '') {
      slug = slugFromName(name);
      if (slug === '') problems.push('a slug cannot be generated from this name; give one');
    }
    const checked = checkBlock(input, problems);
    if (checked) problems.push(...resolvePlaceholders(checked, undefined));
    if (problems.length > 0 || !checked) return invalid(problems);
    // Unknown: whether a generated slug that is taken gets a suffix. The swagger's 409 ("conflict
    // with an existing ExternalConnection") is answered for both given and generated slugs.
    if (connections.has(slug)) return apiError(409, ALREADY_EXISTS, `external connection with slug ${JSON.stringify(slug)} already exists`);
    if (decoded.value.dry_run === true) return ok({});
    const at = timestamp();
    const connection: StoredConnection = { slug, name, createdAt: at, updatedAt: at, block: checked.block, config: checked.config };
    connections.set(slug, connection);
    return ok({ external_connection: render(connection) });
  });

  server.route('PUT', `${CONNECTIONS}/{slug}`, (request) => {
    const slug = request.params['slug'] ?? '';
    const decoded = decode(request, updateRequest);
    if (!decoded.ok) return decoded.response;
    const input = decoded.value.external_connection;
    if (!input) return invalid(['external_connection is required']);
    const problems: string[] = [];
    if (input.slug && input.slug !== slug) problems.push(`slug ${JSON.stringify(input.slug)} in the body does not match ${JSON.stringify(slug)} in the path; slugs cannot change`);
    const name = input.name?.trim() ? input.name : '';
    if (name === '') problems.push('name is required');
    const existing = connections.get(slug);
    const createIfMissing = decoded.value.create_if_missing === true;
    if (!existing && createIfMissing && !SLUG.test(slug)) problems.push(`slug ${JSON.stringify(slug)} is not valid`);
    const checked = checkBlock(input, problems);
    // PUT replaces the whole object (there is no PATCH): what the body leaves out is gone afterwards.
    if (checked) problems.push(...resolvePlaceholders(checked, existing));
    if (problems.length > 0 || !checked) return invalid(problems);
    if (!existing && !createIfMissing) return notFound(slug);
    // Unknown: when PUT answers its declared 409. Changing the type block is allowed (the proto
    // oneof permits it), so the simulator never produces 409 on its own; tests inject it as a fault.
    if (decoded.value.dry_run === true) return ok({});
    const at = timestamp();
    const connection: StoredConnection = { slug, name, createdAt: existing?.createdAt ?? at, updatedAt: at, block: checked.block, config: checked.config };
    connections.set(slug, connection);
    return ok({ external_connection: render(connection) });
  });

  server.route('DELETE', `${CONNECTIONS}/{slug}`, (request) => {
    const slug = request.params['slug'] ?? '';
    if (!connections.has(slug)) return notFound(slug);
    const users = [...(policies.get(slug) ?? [])].sort();
    if (users.length > 0) {
      // The swagger: 400 "Cannot delete the ExternalConnection because it is in use".
      const list = users.map((p) => JSON.stringify(p)).join(', ');
      return apiError(400, FAILED_PRECONDITION, `cannot delete external connection ${JSON.stringify(slug)}: it is in use by notification polic${users.length === 1 ? 'y' : 'ies'} ${list}`);
    }
    connections.delete(slug);
    policies.delete(slug);
    return ok({});
  });

  return {
    vendor: 'chronosphere',
    server,
    slugs: () => sorted().map((c) => c.slug),
    stored: (slug) => {
      const connection = connections.get(slug);
      return connection === undefined ? undefined : structuredClone(connection);
    },
    policiesUsing: (slug) => [...(policies.get(slug) ?? [])].sort(),
    usePolicy: (slug, policy) => {
      const set = policies.get(slug) ?? new Set<string>();
      set.add(policy);
      policies.set(slug, set);
    },
    releasePolicies: (slug) => {
      policies.delete(slug);
    },
    redactedPlaceholderWrites: () => placeholderWrites,
  };
}

function headerValue(request: SimRequest, name: string): string {
  const value = request.headers[name];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
}

function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

/** The swagger's `apiError`: `{code, message}`, `code` being the gRPC status code. */
function apiError(status: number, code: number, message: string): SimResponse {
  return { status, body: { code, message } };
}

function invalid(problems: readonly string[]): SimResponse {
  return apiError(400, INVALID_ARGUMENT, `invalid external connection: ${problems.join('; ')}`);
}

function notFound(slug: string): SimResponse {
  return apiError(404, NOT_FOUND, `external connection ${JSON.stringify(slug)} not found`);
}

function formatTime(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

function pageSize(raw: string | null, fallback: number, max: number): number | SimResponse {
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) {
    return apiError(400, INVALID_ARGUMENT, `type mismatch, parameter: page.max_size, error: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  const value = Number(raw);
  if (value < 0) return apiError(400, INVALID_ARGUMENT, 'page.max_size must not be negative');
  if (value === 0) return fallback;
  return Math.min(value, max);
}

// Opaque to clients; here it names the last slug of the page served.
function encodePageToken(slug: string): string {
  return Buffer.from(`ec1:${slug}`, 'utf8').toString('base64url');
}

function decodePageToken(token: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return text.startsWith('ec1:') && text.length > 4 ? text.slice(4) : null;
}

type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: SimResponse };

function decode<T>(request: SimRequest, schema: z.ZodType<T>): Decoded<T> {
  if (request.bodyInvalid || request.body === undefined) {
    return { ok: false, response: apiError(400, INVALID_ARGUMENT, 'proto: syntax error: the request body is not valid JSON') };
  }
  const parsed = schema.safeParse(request.body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue ? issue.path.map(String).join('.') : '';
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const message =
    unknownKey !== undefined
      ? `proto: unknown field ${JSON.stringify(where === '' ? unknownKey : `${where}.${unknownKey}`)}`
      : `proto: invalid value for field ${JSON.stringify(where)}`;
  return { ok: false, response: apiError(400, INVALID_ARGUMENT, message) };
}

/** Drops nulls and empty strings (proto3: unset), keeping `false` and empty objects. */
function clean(value: Record<string, unknown>): BlockConfig {
  const out: Record<string, string | boolean | BlockConfig> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === null || member === undefined || member === '') continue;
    if (typeof member === 'string' || typeof member === 'boolean') out[key] = member;
    else if (typeof member === 'object' && !Array.isArray(member)) out[key] = clean(member as Record<string, unknown>);
  }
  return out;
}

function getPath(config: BlockConfig, path: string): string | boolean | BlockConfig | undefined {
  let current: string | boolean | BlockConfig | undefined = config;
  for (const part of path.split('.')) {
    if (typeof current !== 'object') return undefined;
    current = current[part];
  }
  return current;
}

function setPath(config: BlockConfig, path: string, value: string): BlockConfig {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return config;
  if (rest.length === 0) return { ...config, [head]: value };
  const child = config[head];
  return { ...config, [head]: setPath(typeof child === 'object' ? child : {}, rest.join('.'), value) };
}

function text(config: BlockConfig, path: string): string | undefined {
  const value = getPath(config, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Validates the single type block the way the API does; pushes problems and returns the block. */
function checkBlock(input: ConnectionRequest, problems: string[]): { block: ChronosphereBlock; config: BlockConfig } | null {
  const set = CHRONOSPHERE_BLOCKS.filter((block) => input[block] !== null && input[block] !== undefined);
  if (set.length !== 1) {
    problems.push(set.length === 0 ? 'exactly one connection type must be set; none is' : `exactly one connection type must be set; got ${set.join(', ')}`);
    return null;
  }
  const block = set[0] as ChronosphereBlock;
  const config = clean(input[block] as Record<string, unknown>);
  const before = problems.length;
  const need = (path: string): void => {
    if (text(config, path) === undefined) problems.push(`${block}.${path} is required`);
  };
  const urlAt = (path: string, required: boolean): void => {
    const value = text(config, path);
    if (value === undefined) {
      if (required) problems.push(`${block}.${path} is required`);
    } else if (value !== REDACTED && !isHttpUrl(value)) {
      problems.push(`${block}.${path} must be an absolute http or https URL`);
    }
  };
  const httpConfig = (): void => {
    const basic = getPath(config, 'http_config.basic_auth');
    const bearer = text(config, 'http_config.bearer_token');
    if (typeof basic === 'object') {
      if (bearer !== undefined) problems.push(`${block}.http_config: basic_auth and bearer_token are mutually exclusive`);
      need('http_config.basic_auth.username');
      need('http_config.basic_auth.password');
    }
  };
  switch (block) {
    case 'slack':
      if (text(config, 'api_url') === undefined && text(config, 'token') === undefined) problems.push('slack: api_url or token is required');
      urlAt('api_url', false);
      break;
    case 'pagerduty': {
      const events = typeof getPath(config, 'events') === 'object';
      const rest = typeof getPath(config, 'rest') === 'object';
      if (events === rest) problems.push('pagerduty: exactly one of events and rest must be set');
      else if (events) {
        need('events.api_key');
        // The swagger: V2 is the default version.
        if (problems.length === before && text(config, 'events.version') === undefined) {
          return { block, config: setPath(config, 'events.version', 'PAGERDUTY_EVENTS_VERSION_V2') };
        }
      } else need('rest.api_key');
      break;
    }
    case 'webhook':
      urlAt('url', true);
      httpConfig();
      break;
    case 'victor_ops':
      need('api_key');
      urlAt('api_url', false);
      break;
    case 'ops_genie':
      need('api_key');
      urlAt('api_url', false);
      httpConfig();
      break;
    case 'cloudflare': {
      need('api_token');
      const token = text(config, 'api_token');
      // The swagger accepts user (cfut_) and account (cfat_) tokens; anything else is refused.
      if (token !== undefined && token !== REDACTED && !CLOUDFLARE_TOKEN_PREFIXES.some((prefix) => token.startsWith(prefix))) {
        problems.push('cloudflare.api_token must be a user (cfut_) or account (cfat_) API token');
      }
      break;
    }
    case 'mongodb_atlas':
      need('client_id');
      need('client_secret');
      break;
    case 'sendgrid':
      need('api_key');
      break;
    case 'datadog': {
      need('api_key');
      need('app_key');
      const site = text(config, 'site');
      if (site !== undefined && !DATADOG_SITE.test(site)) problems.push('datadog.site must be a Datadog site such as datadoghq.com');
      break;
    }
    default: {
      const unreachable: never = block;
      throw new Error(`unknown block ${String(unreachable)}`);
    }
  }
  return problems.length === before ? { block, config } : null;
}

/** The wire object: secrets replaced by `**REDACTED**`, then proto3 JSON (empty values left out). */
function render(connection: StoredConnection): Record<string, unknown> {
  let config = connection.config;
  for (const path of VENDOR_REDACTED_PATHS[connection.block]) {
    if (text(config, path) !== undefined) config = setPath(config, path, REDACTED);
  }
  return protoJson({
    slug: connection.slug,
    name: connection.name,
    created_at: connection.createdAt,
    updated_at: connection.updatedAt,
    [connection.block]: config,
  });
}

/** proto3 JSON leaves out empty strings, `false` and empty lists, but keeps set messages (even empty). */
function protoJson(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === '' || member === false || member === null || member === undefined) continue;
    if (Array.isArray(member)) {
      if (member.length > 0) out[key] = member;
    } else if (typeof member === 'object') {
      out[key] = protoJson(member as Record<string, unknown>);
    } else {
      out[key] = member;
    }
  }
  return out;
}
