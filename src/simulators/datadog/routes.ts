import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse, SimulatorServer } from '../base.js';
import { APP_KEY_PAGE, APP_KEY_REGISTRATIONS_PATH, CONNECTIONS_PATH, UUID } from './contract.js';
import { appKeyNotFound, appKeyNotRegistered, appKeyRegistration, connectionNotFound, invalidParameter, jsonApi, renderConnection } from './render.js';
import type { DatadogState, StoredConnection } from './state.js';
import { decodeConnectionBody, validateCreate, validateUpdate, wantsNewExternalId, withAwsIds } from './validate.js';

/** What the routes need to know of the simulator's options. */
export interface DatadogRouteOptions {
  readonly echoSecrets: boolean;
  readonly requireAppKeyRegistration: boolean;
}

/**
 * The eight operations of CONTRACT.md, "Endpoints". There is no "list
 * connections": `GET /api/v2/actions/connections` falls through to the edge's 404.
 */
export function registerDatadogRoutes(server: SimulatorServer, state: DatadogState, options: DatadogRouteOptions): void {
  // "At least one registration" stands in for "the calling key is registered" (see the option).
  const registrationGate = (): SimResponse | null => (options.requireAppKeyRegistration && state.appKeys.size === 0 ? appKeyNotRegistered() : null);
  const answer = (status: number, connection: StoredConnection): SimResponse => jsonApi(status, { data: renderConnection(connection, options.echoSecrets) });

  server.route('POST', CONNECTIONS_PATH, (request) => {
    const gate = registrationGate();
    if (gate) return gate;
    const decoded = decodeConnectionBody(request);
    if (!decoded.ok) return decoded.response;
    const validated = validateCreate(decoded.body);
    if (!validated.ok) return validated.response;
    const connection: StoredConnection = {
      id: randomUUID(),
      name: validated.name,
      tags: validated.tags,
      integration: withAwsIds(validated.integration, undefined, true),
    };
    state.connections.set(connection.id, connection);
    return answer(201, connection);
  });

  server.route('GET', `${CONNECTIONS_PATH}/{connection_id}`, (request) => {
    const id = pathUuid(request.params['connection_id'], 'connectionId');
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    const connection = state.connections.get(id);
    return connection ? answer(200, connection) : connectionNotFound('getting');
  });

  server.route('PATCH', `${CONNECTIONS_PATH}/{connection_id}`, (request) => {
    const id = pathUuid(request.params['connection_id'], 'connectionId');
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    const decoded = decodeConnectionBody(request);
    if (!decoded.ok) return decoded.response;
    const stored = state.connections.get(id);
    if (!stored) return connectionNotFound('updating');
    const validated = validateUpdate(stored, decoded.body);
    if (!validated.ok) return validated.response;
    const updated: StoredConnection = {
      id,
      name: validated.name,
      tags: validated.tags,
      integration: withAwsIds(validated.integration, stored.integration, wantsNewExternalId(decoded.body)),
    };
    state.connections.set(id, updated);
    return answer(200, updated);
  });

  server.route('DELETE', `${CONNECTIONS_PATH}/{connection_id}`, (request) => {
    const id = pathUuid(request.params['connection_id'], 'connectionId');
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    if (!state.connections.delete(id)) return connectionNotFound('deleting');
    return { status: 204 };
  });

  server.route('GET', APP_KEY_REGISTRATIONS_PATH, (request) => {
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

  server.route('PUT', `${APP_KEY_REGISTRATIONS_PATH}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    // Unknown: re-registering a registered key. PUT is idempotent, so answer 201 again.
    state.appKeys.add(id);
    return jsonApi(201, { data: appKeyRegistration(id) });
  });

  server.route('GET', `${APP_KEY_REGISTRATIONS_PATH}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    return state.appKeys.has(id) ? jsonApi(200, { data: appKeyRegistration(id) }) : appKeyNotFound();
  });

  server.route('DELETE', `${APP_KEY_REGISTRATIONS_PATH}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    return state.appKeys.delete(id) ? { status: 204 } : appKeyNotFound();
  });
}

/** The lower-cased id, or the recorded 400 when it is not a UUID. */
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
