import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse, SimulatorServer } from '../base.js';
import {
  CATALOGUE,
  CATEGORIES,
  CLIENT_CREDENTIALS_GRANT,
  DEFAULT_COLLABORATION_DIRECTION,
  DEPLOYED_STATE,
  DIRECTIONS,
  INBOUND_AUTH_TYPES,
  INITIAL_VERSION,
  INTEGRATIONS_PATH,
  TOKEN_SCOPE,
  offeredIntegration,
  type OpsRampRateLimits,
} from './contract.js';
import { error, installedNotFound, ok, opsRampTime, type OpsRampRenderer } from './render.js';
import type { OpsRampState, StoredAuthentication, StoredIntegration, StoredMapping } from './state.js';
import {
  Problems,
  applyInbound,
  applyOutbound,
  authenticationIn,
  checkMappings,
  checkNotifier,
  credentialsFor,
  decode,
  inSet,
  installIn,
  mappingAttrIn,
  notifierIn,
  readPage,
  uninstallIn,
} from './validate.js';

/** What the routes need to know of the simulator's options. */
export interface OpsRampRouteOptions {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly ttlMs: number;
  readonly limits: OpsRampRateLimits | false;
  readonly maxPageSize: number;
  /** The token paths this instance serves; the other answers 404. */
  readonly tokenPaths: readonly string[];
  readonly now: () => number;
  readonly render: OpsRampRenderer;
}

/** The API user every change made through the API is attributed to. */
const API_USER = 'opsramp_api_user';

/** The token endpoint and the installed-integrations operations of CONTRACT.md, "Endpoints". */
export function registerOpsRampRoutes(server: SimulatorServer, state: OpsRampState, options: OpsRampRouteOptions): void {
  const { now, render } = options;

  /** Throttles per tenant and per request class, and adds the X-RateLimit-* headers. */
  const throttle = (request: SimRequest, cls: keyof OpsRampRateLimits): { headers: Record<string, string>; refused: SimResponse | null } => {
    if (options.limits === false) return { headers: {}, refused: null };
    const limit = options.limits[cls];
    const window = Math.floor(now() / 60_000);
    const key = `${request.params['tenantId'] ?? ''}\u0000${cls}`;
    const current = state.windows.get(key);
    const counter = current && current.window === window ? current : { window, count: 0 };
    counter.count += 1;
    state.windows.set(key, counter);
    const headers = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - counter.count)),
      'X-RateLimit-Reset': String((window + 1) * 60),
    };
    return { headers, refused: counter.count > limit ? error(429, 'throttled', 'Too Many Requests', headers) : null };
  };

  /** Registers an API route behind the throttle; writes are recorded for tests. */
  const api = (method: string, template: string, cls: keyof OpsRampRateLimits, handler: (request: SimRequest) => SimResponse): void => {
    server.route(method, template, (request) => {
      const { headers, refused } = throttle(request, cls);
      if (refused) return refused;
      if (method !== 'GET') state.writes.push({ method, path: request.path, body: request.body === undefined ? undefined : structuredClone(request.body) });
      const response = handler(request);
      return { ...response, headers: { ...response.headers, ...headers } };
    });
  };

  /** Marks a change: the current platform records who changed an integration, and when. */
  const changed = (item: StoredIntegration): StoredIntegration => ({ ...item, updatedBy: API_USER, updatedTime: opsRampTime(now()) });

  const issueToken = (request: SimRequest): SimResponse => {
    // Spring reads the token request from form parameters only; a JSON body has no grant type.
    const contentType = request.headers['content-type'] ?? '';
    const form =
      contentType.includes('application/x-www-form-urlencoded') && typeof request.body === 'object' && request.body !== null ? new Map(Object.entries(request.body)) : new Map<string, unknown>();
    const field = (name: string): string => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const grantType = field('grant_type');
    if (grantType === '') return error(400, 'invalid_request', 'Missing grant type');
    if (grantType !== CLIENT_CREDENTIALS_GRANT) return error(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType.slice(0, 40)}`);
    const clientId = field('client_id');
    const clientSecret = field('client_secret');
    const accepted =
      clientId !== '' && clientSecret !== '' && (options.clientId === undefined || clientId === options.clientId) && (options.clientSecret === undefined || clientSecret === options.clientSecret);
    if (!accepted) return error(401, 'unauthorized', 'Bad API credentials');
    const token = randomUUID();
    state.tokens.set(token, { expiresAt: now() + options.ttlMs });
    state.tokensIssued += 1;
    // The schema types expires_in as a string; the example (and this simulator) send a number.
    return ok({ access_token: token, token_type: 'bearer', expires_in: Math.floor(options.ttlMs / 1000), scope: TOKEN_SCOPE });
  };
  for (const path of options.tokenPaths) server.route('POST', path, issueToken);

  api('POST', `${INTEGRATIONS_PATH}/install/{integrationId}`, 'write', (request) => {
    const tenant = request.params['tenantId'] ?? '';
    const entry = offeredIntegration(request.params['integrationId']);
    // Unknown: the answer for an integration id the catalogue lacks; 404 names the missing resource.
    if (!entry) return error(404, 'not_found', 'Integration not found');
    const decoded = decode(request, installIn);
    if (!decoded.ok) return decoded.response;
    const input = decoded.value;
    const problems = new Problems();
    if (entry.custom && !input.displayName) problems.add('displayName is required');
    if (entry.custom && !inSet(CATEGORIES, input.category)) problems.add(`category must be one of ${CATEGORIES.join(', ')}`);
    if (input.direction && !inSet(DIRECTIONS, input.direction)) problems.add(`direction must be one of ${DIRECTIONS.join(', ')}`);
    if (entry.custom && input.category === 'Custom' && !input.inboundConfig?.authentication?.role?.uniqueId) {
      problems.add('inboundConfig.authentication.role.uniqueId is mandatory for the Custom category');
    }
    if (!entry.multipleInstallations && [...state.integrations.values()].some((i) => i.integration.id === entry.id)) {
      return error(409, 'conflict', `${entry.name} is already installed and allows one installation`);
    }
    const inbound = applyInbound(undefined, input.inboundConfig, problems);
    const outbound = applyOutbound(undefined, input.outboundConfig, problems);
    const invalid = problems.response();
    if (invalid) return invalid;
    const category = entry.custom ? (input.category ?? undefined) : undefined;
    const direction = category === 'Collaboration' ? (input.direction ?? DEFAULT_COLLABORATION_DIRECTION) : undefined;
    const alertSourceId = input.alertSource?.id;
    const installedTime = opsRampTime(now());
    const stored: StoredIntegration = {
      id: `INTG-${randomUUID()}`,
      ...(input.displayName ? { displayName: input.displayName } : {}),
      ...(input.description ? { description: input.description } : {}),
      integration: { id: entry.id, name: entry.name, multipleInstallations: entry.multipleInstallations },
      ...(category ? { category } : {}),
      ...(direction ? { direction } : {}),
      status: 'enabled',
      installedBy: API_USER,
      installedTime,
      createdBy: API_USER,
      createdTime: installedTime,
      updatedBy: API_USER,
      updatedTime: installedTime,
      state: DEPLOYED_STATE,
      version: INITIAL_VERSION,
      updateAvailable: false,
      ...(category === 'Monitoring' ? { alertSource: { id: alertSourceId ?? 30, name: 'Custom', displayName: 'Custom', techUid: 'CUSTOM' } } : {}),
      ...(input.parentIntg?.id ? { parentIntg: { id: input.parentIntg.id } } : {}),
      ...(inbound.value ? { inboundConfig: inbound.value } : {}),
      ...(outbound ? { outboundConfig: outbound } : {}),
    };
    state.integrations.set(stored.id, stored);
    return ok(render.integration(stored, tenant, true));
  });

  api('GET', `${INTEGRATIONS_PATH}/installed/search`, 'pagedGet', (request) => {
    const page = readPage(request, options.maxPageSize);
    if (!('filters' in page)) return page;
    const matching = [...state.integrations.values()].filter((item) =>
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
    const sortKey = (item: StoredIntegration): string => (page.sortName === 'installedTime' ? item.installedTime : (item.displayName ?? item.integration.name).toLowerCase());
    const sorted = matching.sort((a, b) => sortKey(a).localeCompare(sortKey(b)) || a.id.localeCompare(b.id));
    if (page.descending) sorted.reverse();
    return ok(render.page(sorted, page, (item) => render.integration(item, request.params['tenantId'] ?? '')));
  });

  api('GET', `${INTEGRATIONS_PATH}/installed/{installedIntgId}`, 'get', (request) => {
    const item = state.integrations.get(request.params['installedIntgId'] ?? '');
    return item ? ok(render.integration(item, request.params['tenantId'] ?? '')) : installedNotFound();
  });

  api('POST', `${INTEGRATIONS_PATH}/installed/{installedIntgId}`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    const item = state.integrations.get(id);
    if (!item) return installedNotFound();
    const decoded = decode(request, installIn);
    if (!decoded.ok) return decoded.response;
    const input = decoded.value;
    const problems = new Problems();
    const inbound = applyInbound(item.inboundConfig, input.inboundConfig, problems);
    const outbound = applyOutbound(item.outboundConfig, input.outboundConfig, problems);
    const invalid = problems.response();
    if (invalid) return invalid;
    const updated: StoredIntegration = {
      ...changed(item),
      ...(input.displayName ? { displayName: input.displayName } : {}),
      ...(input.description ? { description: input.description } : {}),
      ...(inbound.value ? { inboundConfig: inbound.value } : {}),
      ...(outbound ? { outboundConfig: outbound } : {}),
    };
    state.integrations.set(id, updated);
    return ok(render.integration(updated, request.params['tenantId'] ?? '', inbound.regenerated));
  });

  api('DELETE', `${INTEGRATIONS_PATH}/installed/{installedIntgId}`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    if (!state.integrations.has(id)) return installedNotFound();
    const decoded = decode(request, uninstallIn);
    if (!decoded.ok) return decoded.response;
    if (!decoded.value.uninstallReason?.trim()) return error(400, 'invalid_request', 'uninstallReason is required');
    state.integrations.delete(id);
    return { status: 200 };
  });

  for (const [action, status] of [
    ['enable', 'enabled'],
    ['disable', 'disabled'],
  ] as const) {
    api('POST', `${INTEGRATIONS_PATH}/installed/{installedIntgId}/${action}`, 'write', (request) => {
      const id = request.params['installedIntgId'] ?? '';
      const item = state.integrations.get(id);
      if (!item) return installedNotFound();
      state.integrations.set(id, { ...changed(item), status });
      return { status: 200 };
    });
  }

  api('POST', `${INTEGRATIONS_PATH}/installed/{installedIntgId}/notifier`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    const item = state.integrations.get(id);
    if (!item) return installedNotFound();
    const decoded = decode(request, notifierIn);
    if (!decoded.ok) return decoded.response;
    const problems = new Problems();
    const baseNotifier = checkNotifier(decoded.value, problems);
    const invalid = problems.response();
    if (invalid) return invalid;
    state.integrations.set(id, { ...changed(item), outboundConfig: { ...item.outboundConfig, baseNotifier } });
    return ok(render.notifier(baseNotifier));
  });

  api('POST', `${INTEGRATIONS_PATH}/installed/{installedIntgId}/inbound/authentication`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    const item = state.integrations.get(id);
    if (!item) return installedNotFound();
    const decoded = decode(request, authenticationIn);
    if (!decoded.ok) return decoded.response;
    const authType = decoded.value.authType;
    if (!inSet(INBOUND_AUTH_TYPES, authType)) return error(400, 'invalid_request', `authType must be one of ${INBOUND_AUTH_TYPES.join(', ')}`);
    const role = decoded.value.role?.uniqueId ? { uniqueId: decoded.value.role.uniqueId } : item.inboundConfig?.authentication?.role;
    const authentication: StoredAuthentication = { authType: authType ?? '', ...(role ? { role } : {}), ...credentialsFor(authType ?? '') };
    state.integrations.set(id, { ...changed(item), inboundConfig: { ...item.inboundConfig, authentication } });
    // As the spec's example: the key pair's key only, or the webhook token.
    return ok({
      authType: authentication.authType,
      ...(authentication.apiKeyPairs ? { apiKeyPairs: authentication.apiKeyPairs.map((p) => ({ key: p.key })) } : {}),
      ...(authentication.token ? { token: authentication.token } : {}),
    });
  });

  api('POST', `${INTEGRATIONS_PATH}/installed/{installedIntgId}/mappingAttr`, 'write', (request) => {
    const id = request.params['installedIntgId'] ?? '';
    const item = state.integrations.get(id);
    if (!item) return installedNotFound();
    const decoded = decode(request, mappingAttrIn);
    if (!decoded.ok) return decoded.response;
    const problems = new Problems();
    const inbound = checkMappings(decoded.value.inboundConfig?.mapAttributes, 'inboundConfig', problems);
    const outbound = checkMappings(decoded.value.outboundConfig?.mapAttributes, 'outboundConfig', problems);
    const invalid = problems.response();
    if (invalid) return invalid;
    state.integrations.set(id, {
      ...changed(item),
      ...(inbound ? { inboundConfig: { ...item.inboundConfig, mapAttributes: inbound } } : {}),
      ...(outbound ? { outboundConfig: { ...item.outboundConfig, mapAttributes: outbound } } : {}),
    });
    return ok([...(inbound ?? []), ...(outbound ?? [])].map((m) => render.mapping(m)));
  });

  api('GET', `${INTEGRATIONS_PATH}/installed/{installedIntgId}/mappingAttr`, 'get', (request) => {
    const item = state.integrations.get(request.params['installedIntgId'] ?? '');
    if (!item) return installedNotFound();
    const withMode = (mappings: readonly StoredMapping[] | undefined, mode: string) => (mappings ?? []).map((m) => render.mapping({ ...m, mode }));
    return ok([...withMode(item.inboundConfig?.mapAttributes, 'INBOUND'), ...withMode(item.outboundConfig?.mapAttributes, 'OUTBOUND')]);
  });

  api('GET', `${INTEGRATIONS_PATH}/available/search`, 'pagedGet', (request) => {
    const page = readPage(request, options.maxPageSize);
    if (!('filters' in page)) return page;
    const matching = CATALOGUE.filter((entry) =>
      page.filters.every(([key, value]) =>
        // Unknown: the catalogue's search keys; `name` (and `id`) match by substring.
        key === 'name' || key === 'id' ? entry.name.toLowerCase().includes(value) || entry.id.toLowerCase().includes(value) : true,
      ),
    );
    const sorted = [...matching].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    if (page.descending) sorted.reverse();
    return ok(render.page(sorted, page, (entry) => render.catalogueEntry(entry)));
  });
}
