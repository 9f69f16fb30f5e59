import type { SimRequest, SimResponse, SimulatorServer } from '../base.js';
import { GROUP_ID, MONGODB_API_BASE_PATH, PAGE, PATH_TYPES, typeRules } from './contract.js';
import { breakWire, errorResponse, notConfigured, renderIntegration } from './render.js';
import { integrationKey, ordered, type MongoDbState, type StoredIntegration } from './state.js';
import { validateBody } from './validate.js';

/** What the routes need to know of the simulator's options and authentication. */
export interface MongoDbRouteOptions {
  /** Let the API create a Slack integration from nothing (the documented API cannot). */
  readonly allowSlackCreate: boolean;
  /** Accept the Atlas-only request fields (PagerDuty `region`, webhook templates) on writes. */
  readonly acceptAtlasFields: boolean;
  /** Headers a request earned at authentication (rate-limit counters), added to its answer. */
  readonly earnedHeaders: (request: SimRequest) => Readonly<Record<string, string>> | undefined;
}

interface Paging {
  readonly pageNum: number;
  readonly itemsPerPage: number;
}

/** The five operations of CONTRACT.md, "Endpoints", under the API's path prefix. */
export function registerMongoDbRoutes(server: SimulatorServer, state: MongoDbState, options: MongoDbRouteOptions): void {
  const route = (method: string, template: string, handler: (request: SimRequest) => SimResponse): void => {
    server.route(method, `${MONGODB_API_BASE_PATH}${template}`, (request) => {
      const response = handler(request);
      const extra = options.earnedHeaders(request);
      return extra ? { ...response, headers: { ...response.headers, ...extra } } : response;
    });
  };

  /** The wire object of one integration of `groupId`, with its id and the contract break a test asked for, if any. */
  const render = (groupId: string, integration: StoredIntegration): Record<string, unknown> =>
    breakWire(renderIntegration(integration, state.assignId(groupId, integration.type)), state.breaks.get(integrationKey(groupId, integration.type)));

  /** The project, or the vendor's error for a malformed or unknown id. */
  const project = (request: SimRequest): Map<string, StoredIntegration> | SimResponse => {
    const groupId = request.params['groupId'] ?? '';
    // Unknown: the status of a malformed id. Atlas's path pattern is lower-case hex; a 400 here.
    if (!GROUP_ID.test(groupId)) return errorResponse(400, 'INVALID_GROUP_ID', `An invalid group ID ${groupId} was specified.`, [groupId]);
    const found = state.groups.get(groupId);
    // The recorded text and header of this error.
    return found ?? { ...errorResponse(404, 'GROUP_NOT_FOUND', `No group with ID ${groupId} exists.`, [groupId]), headers: { 'X-Error-Code': 'GROUP_NOT_FOUND' } };
  };

  route('GET', '/groups/{groupId}/integrations', (request) => {
    const found = project(request);
    return found instanceof Map ? listPage(request, found, render) : found;
  });

  route('GET', '/groups/{groupId}/integrations/{integrationType}', (request) => {
    const found = project(request);
    if (!(found instanceof Map)) return found;
    const type = pathType(request);
    if (typeof type !== 'string') return type;
    const stored = found.get(type);
    const groupId = request.params['groupId'] ?? '';
    return stored ? { status: 200, body: render(groupId, stored) } : notConfigured(type, groupId);
  });

  const write = (request: SimRequest, mode: 'create' | 'upsert'): SimResponse => {
    const found = project(request);
    if (!(found instanceof Map)) return found;
    const type = pathType(request);
    if (typeof type !== 'string') return type;
    const rules = typeRules(type, options.acceptAtlasFields);
    // Unknown: how Cloud Manager refuses writing the end-of-life New Relic plugin integration.
    if (rules === undefined) return errorResponse(400, 'UNSUPPORTED_INTEGRATION_TYPE', `Integration type ${type} can no longer be configured.`, [type]);
    const validated = validateBody(request, type, rules);
    if ('status' in validated) return validated;
    const exists = found.has(type);
    if (mode === 'create' && exists) {
      // Unknown: the exact code; Atlas documents a 409 for "the type already exists".
      return errorResponse(409, 'INTEGRATION_ALREADY_CONFIGURED', `An integration of type ${type} is already configured for group ${request.params['groupId'] ?? ''}.`, [type]);
    }
    if (type === 'SLACK' && !exists && !options.allowSlackCreate) {
      // Documented: Slack must be set up in the UI (OAuth2); the API only reconfigures it. Code unknown.
      return errorResponse(400, 'SLACK_OAUTH_REQUIRED', 'Slack integrations must first be configured in the Cloud Manager UI; the API can only update them.', []);
    }
    // PUT replaces the whole configuration (CONTRACT.md): fields left out are gone afterwards.
    found.set(type, { type, fields: validated.fields });
    return listPage(request, found, render);
  };

  route('POST', '/groups/{groupId}/integrations/{integrationType}', (request) => write(request, 'create'));
  route('PUT', '/groups/{groupId}/integrations/{integrationType}', (request) => write(request, 'upsert'));

  route('DELETE', '/groups/{groupId}/integrations/{integrationType}', (request) => {
    const found = project(request);
    if (!(found instanceof Map)) return found;
    const type = pathType(request);
    if (typeof type !== 'string') return type;
    const groupId = request.params['groupId'] ?? '';
    if (!found.delete(type)) return notConfigured(type, groupId);
    state.dropId(groupId, type);
    // Unknown for Cloud Manager; Atlas answers 204 with no body (recorded).
    return { status: 204 };
  });
}

function pathType(request: SimRequest): string | SimResponse {
  const type = request.params['integrationType'] ?? '';
  return PATH_TYPES.has(type) ? type : errorResponse(400, 'INVALID_ENUM_VALUE', `An invalid enumeration value ${type} was specified.`, [type]);
}

function paging(request: SimRequest): Paging | SimResponse {
  const read = (name: string, fallback: number, max: number): number | SimResponse => {
    const raw = request.query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    // Unknown: the exact code for a bad paging value; the ApiError shape with a 400.
    if (!/^\d+$/.test(raw) || value < 1 || value > max) return errorResponse(400, 'INVALID_QUERY_PARAMETER', `Invalid value ${raw} for query parameter ${name}.`, [name, raw]);
    return value;
  };
  const pageNum = read('pageNum', 1, Number.MAX_SAFE_INTEGER);
  if (typeof pageNum !== 'number') return pageNum;
  const itemsPerPage = read('itemsPerPage', PAGE.defaultItems, PAGE.maxItems);
  if (typeof itemsPerPage !== 'number') return itemsPerPage;
  return { pageNum, itemsPerPage };
}

/** The `{links, results, totalCount}` page of a project, as list calls and writes answer. */
function listPage(request: SimRequest, integrations: ReadonlyMap<string, StoredIntegration>, render: (groupId: string, integration: StoredIntegration) => Record<string, unknown>): SimResponse {
  const page = paging(request);
  if ('status' in page) return page;
  const all = ordered(integrations);
  const start = (page.pageNum - 1) * page.itemsPerPage;
  const groupId = request.params['groupId'] ?? '';
  const results = all.slice(start, start + page.itemsPerPage).map((integration) => render(groupId, integration));
  const base = `http://${request.headers.host || '127.0.0.1'}${request.path}`;
  const href = (pageNum: number): string => `${base}?pageNum=${pageNum}&itemsPerPage=${page.itemsPerPage}`;
  const links = [{ href: href(page.pageNum), rel: 'self' }];
  if (page.pageNum > 1) links.push({ href: href(page.pageNum - 1), rel: 'previous' });
  if (start + page.itemsPerPage < all.length) links.push({ href: href(page.pageNum + 1), rel: 'next' });
  return { status: 200, body: { links, results, totalCount: all.length } };
}
