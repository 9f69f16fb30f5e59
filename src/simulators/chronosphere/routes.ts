import type { SimResponse, SimulatorServer } from '../base.js';
import { CONNECTIONS_PATH, FILTER_TYPE, FILTER_TYPES, GRPC_CODE, REDACTED, REDACTED_PATHS, SLUG, slugFromName } from './contract.js';
import { apiError, breakWire, formatTime, invalid, notFound, ok, protoJson, renderConnection } from './render.js';
import { getPath, setPath, type ChronosphereState, type StoredConnection } from './state.js';
import { checkBlock, createRequest, decode, updateRequest, type CheckedBlock } from './validate.js';

/** What the routes need to know of the simulator's options. */
export interface ChronosphereRouteOptions {
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  readonly now: () => Date;
}

/** The five operations of CONTRACT.md, "Endpoints". */
export function registerChronosphereRoutes(server: SimulatorServer, state: ChronosphereState, options: ChronosphereRouteOptions): void {
  const timestamp = (): string => formatTime(options.now());
  /** The wire object of a connection, with the contract break a test asked for, if any. */
  const render = (connection: StoredConnection): Record<string, unknown> => breakWire(renderConnection(connection), state.breaks.get(connection.slug));

  /**
   * Secrets given as the placeholder keep the stored value when there is one (as the swagger says
   * of `ClientCertificate.private_key`). CONTRACT.md: that external connections behave the same is
   * assumed; the placeholder can only keep a secret that exists.
   */
  const resolvePlaceholders = (checked: CheckedBlock, existing: StoredConnection | undefined): string[] => {
    const problems: string[] = [];
    let config = checked.config;
    for (const path of REDACTED_PATHS[checked.block]) {
      if (getPath(config, path) !== REDACTED) continue;
      state.placeholderWrites += 1;
      const kept = existing && existing.block === checked.block ? getPath(existing.config, path) : undefined;
      if (typeof kept === 'string') config = setPath(config, path, kept);
      else problems.push(`${checked.block}.${path}: ${REDACTED} can only keep an existing secret`);
    }
    checked.config = config;
    return problems;
  };

  server.route('GET', CONNECTIONS_PATH, (request) => {
    const size = pageSize(request.query.get('page.max_size'), options.defaultPageSize, options.maxPageSize);
    if (typeof size !== 'number') return size;
    const tokenParam = request.query.get('page.token') ?? '';
    let after: string | null = null;
    if (tokenParam !== '') {
      after = decodePageToken(tokenParam);
      if (after === null) return apiError(400, GRPC_CODE.invalidArgument, 'invalid page token');
    }
    const types: string[] = [];
    for (const value of request.query.getAll('connection_types')) {
      if (!FILTER_TYPES.has(value)) {
        return apiError(400, GRPC_CODE.invalidArgument, `type mismatch, parameter: connection_types, error: ${JSON.stringify(value)} is not a valid ConnectionType`);
      }
      types.push(value);
    }
    const slugs = request.query.getAll('slugs');
    const names = request.query.getAll('names');
    const matching = state
      .sorted()
      .filter((c) => (slugs.length === 0 || slugs.includes(c.slug)) && (names.length === 0 || names.includes(c.name)) && (types.length === 0 || types.includes(FILTER_TYPE[c.block])));
    // Keyset paging on the slug: a token names the last slug served, so pages stay exact while items change.
    const remaining = after === null ? matching : matching.filter((c) => after !== null && c.slug > after);
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

  server.route('GET', `${CONNECTIONS_PATH}/{slug}`, (request) => {
    const slug = request.params['slug'] ?? '';
    const connection = state.connections.get(slug);
    return connection ? ok({ external_connection: render(connection) }) : notFound(slug);
  });

  server.route('POST', CONNECTIONS_PATH, (request) => {
    state.noteWrite(request.method, request.path, request.body);
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
    if (state.connections.has(slug)) return apiError(409, GRPC_CODE.alreadyExists, `external connection with slug ${JSON.stringify(slug)} already exists`);
    if (decoded.value.dry_run === true) return ok({});
    const at = timestamp();
    const connection: StoredConnection = { slug, name, createdAt: at, updatedAt: at, block: checked.block, config: checked.config };
    state.connections.set(slug, connection);
    return ok({ external_connection: render(connection) });
  });

  server.route('PUT', `${CONNECTIONS_PATH}/{slug}`, (request) => {
    state.noteWrite(request.method, request.path, request.body);
    const slug = request.params['slug'] ?? '';
    const decoded = decode(request, updateRequest);
    if (!decoded.ok) return decoded.response;
    const input = decoded.value.external_connection;
    if (!input) return invalid(['external_connection is required']);
    const problems: string[] = [];
    if (input.slug && input.slug !== slug) problems.push(`slug ${JSON.stringify(input.slug)} in the body does not match ${JSON.stringify(slug)} in the path; slugs cannot change`);
    const name = input.name?.trim() ? input.name : '';
    if (name === '') problems.push('name is required');
    const existing = state.connections.get(slug);
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
    state.connections.set(slug, connection);
    return ok({ external_connection: render(connection) });
  });

  server.route('DELETE', `${CONNECTIONS_PATH}/{slug}`, (request) => {
    state.noteWrite(request.method, request.path, request.body);
    const slug = request.params['slug'] ?? '';
    if (!state.connections.has(slug)) return notFound(slug);
    const users = state.policiesUsing(slug);
    if (users.length > 0) {
      // The swagger: 400 "Cannot delete the ExternalConnection because it is in use".
      const list = users.map((p) => JSON.stringify(p)).join(', ');
      return apiError(400, GRPC_CODE.failedPrecondition, `cannot delete external connection ${JSON.stringify(slug)}: it is in use by notification polic${users.length === 1 ? 'y' : 'ies'} ${list}`);
    }
    state.connections.delete(slug);
    state.policies.delete(slug);
    return ok({});
  });
}

function pageSize(raw: string | null, fallback: number, max: number): number | SimResponse {
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) {
    return apiError(400, GRPC_CODE.invalidArgument, `type mismatch, parameter: page.max_size, error: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  const value = Number(raw);
  if (value < 0) return apiError(400, GRPC_CODE.invalidArgument, 'page.max_size must not be negative');
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
