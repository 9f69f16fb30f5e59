import { randomUUID } from 'node:crypto';
import type { SimHandler, SimRequest, SimResponse, SimulatorServer } from '../base.js';
import { APP_KEY_PAGE, APP_KEY_REGISTRATIONS_PATH, CONNECTIONS_PATH, UUID } from './contract.js';
import { appKeyNotFound, appKeyNotRegistered, appKeyRegistration, connectionIdNotUuid, connectionNotFound, invalidParameter, jsonApi, renderConnection } from './render.js';
import type { DatadogRateLimit } from './rate-limit.js';
import type { DatadogState, StoredConnection } from './state.js';
import { decodeConnectionBody, validateCreate, validateUpdate, wantsNewExternalId, withAwsIds } from './validate.js';

/** What the routes need to know of the simulator's options. */
export interface DatadogRouteOptions {
  readonly echoSecrets: boolean;
  readonly requireAppKeyRegistration: boolean;
  /** `acting_user_can_resolve` in GET and PATCH answers. */
  readonly actingUserCanResolve: boolean;
  /** The user the calling keys belong to: the creator of connections made through the simulator. */
  readonly userId: string;
  /** The simulator's clock (creation and change times). */
  readonly now: () => number;
  /** When set, every route counts against this budget and answers with its headers. */
  readonly rateLimit: DatadogRateLimit | null;
}

/**
 * The eight operations of CONTRACT.md, "Endpoints". There is no "list
 * connections": `GET /api/v2/actions/connections` falls through to the edge's 404.
 */
export function registerDatadogRoutes(server: SimulatorServer, state: DatadogState, options: DatadogRouteOptions): void {
  const route = (method: string, path: string, handler: SimHandler): void => {
    server.route(method, path, options.rateLimit ? options.rateLimit.wrap(handler) : handler);
  };
  // "At least one registration" stands in for "the calling key is registered" (see the option).
  const registrationGate = (): SimResponse | null => (options.requireAppKeyRegistration && state.appKeys.size === 0 ? appKeyNotRegistered() : null);
  // The recorded create answer carries no times, creator or `acting_user_can_resolve`; GET and PATCH answers do.
  const answer = (status: number, connection: StoredConnection, withRecord: boolean): SimResponse =>
    jsonApi(status, {
      data: renderConnection(connection, { echoSecrets: options.echoSecrets, withRecord, actingUserCanResolve: options.actingUserCanResolve }, state.malformed.get(connection.id)),
    });

  route('POST', CONNECTIONS_PATH, (request) => {
    const gate = registrationGate();
    if (gate) return gate;
    const decoded = decodeConnectionBody(request);
    if (!decoded.ok) return decoded.response;
    const validated = validateCreate(decoded.body);
    if (!validated.ok) return validated.response;
    const now = options.now();
    const connection: StoredConnection = {
      id: randomUUID(),
      name: validated.name,
      tags: validated.tags,
      integration: withAwsIds(validated.integration, undefined, true),
      createdAt: now,
      updatedAt: now,
      createdBy: options.userId,
    };
    state.connections.set(connection.id, connection);
    return answer(201, connection, false);
  });

  route('GET', `${CONNECTIONS_PATH}/{connection_id}`, (request) => {
    const id = connectionIdOf(request.params['connection_id']);
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    const connection = state.connections.get(id);
    return connection ? answer(200, connection, true) : connectionNotFound('getting');
  });

  route('PATCH', `${CONNECTIONS_PATH}/{connection_id}`, (request) => {
    const id = connectionIdOf(request.params['connection_id']);
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    const decoded = decodeConnectionBody(request);
    if (!decoded.ok) return decoded.response;
    const stored = state.connections.get(id);
    if (!stored) return connectionNotFound('creating');
    const validated = validateUpdate(stored, decoded.body);
    if (!validated.ok) return validated.response;
    const updated: StoredConnection = {
      ...stored,
      name: validated.name,
      tags: validated.tags,
      integration: withAwsIds(validated.integration, stored.integration, wantsNewExternalId(decoded.body)),
      updatedAt: Math.max(options.now(), stored.updatedAt),
    };
    state.connections.set(id, updated);
    return answer(200, updated, true);
  });

  route('DELETE', `${CONNECTIONS_PATH}/{connection_id}`, (request) => {
    const id = connectionIdOf(request.params['connection_id']);
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    if (!state.connections.delete(id)) return connectionNotFound('deleting');
    return { status: 204 };
  });

  route('GET', APP_KEY_REGISTRATIONS_PATH, (request) => {
    const size = pageParam(request, 'page[size]', APP_KEY_PAGE.defaultSize, 1, APP_KEY_PAGE.maxSize);
    if (typeof size !== 'number') return size;
    const number = pageParam(request, 'page[number]', APP_KEY_PAGE.firstNumber, APP_KEY_PAGE.firstNumber, Number.MAX_SAFE_INTEGER);
    if (typeof number !== 'number') return number;
    const all = [...state.appKeys];
    const offset = (number - APP_KEY_PAGE.firstNumber) * size;
    return jsonApi(200, {
      data: all.slice(offset, offset + size).map(appKeyRegistration),
      meta: { total: all.length, total_filtered: all.length },
    });
  });

  route('PUT', `${APP_KEY_REGISTRATIONS_PATH}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    // Unknown: re-registering a registered key. PUT is idempotent, so answer 201 again.
    state.appKeys.add(id);
    return jsonApi(201, { data: appKeyRegistration(id) });
  });

  route('GET', `${APP_KEY_REGISTRATIONS_PATH}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    return state.appKeys.has(id) ? jsonApi(200, { data: appKeyRegistration(id) }) : appKeyNotFound();
  });

  route('DELETE', `${APP_KEY_REGISTRATIONS_PATH}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    return state.appKeys.delete(id) ? { status: 204 } : appKeyNotFound();
  });
}

/** The lower-cased connection id, or the backend's recorded 400 when it is not a UUID. */
function connectionIdOf(raw: string | undefined): string | SimResponse {
  return raw !== undefined && UUID.test(raw) ? raw.toLowerCase() : connectionIdNotUuid();
}

/** The lower-cased app key id, or the front layer's recorded 400 when it is not a UUID (the spec types it `format: uuid`). */
function pathUuid(raw: string | undefined, name: string): string | SimResponse {
  if (raw !== undefined && UUID.test(raw)) return raw.toLowerCase();
  return invalidParameter(`invalid parameter ${JSON.stringify(name)} in "path"; expected type "uuid"`);
}

function pageParam(request: SimRequest, name: string, fallback: number, min: number, max: number): number | SimResponse {
  const raw = request.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) return invalidParameter(`invalid parameter ${JSON.stringify(name)} in "query"; expected type "int64"`);
  const value = Number(raw);
  if (value < min || value > max) return invalidParameter(`invalid parameter ${JSON.stringify(name)} in "query"; must be between ${min} and ${max}`);
  return value;
}
