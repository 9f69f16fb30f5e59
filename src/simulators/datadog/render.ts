import type { SimResponse } from '../base.js';
import { APP_KEY_REGISTRATION_DATA_TYPE, CONNECTION_DATA_TYPE, JSON_API_MEDIA_TYPE, SECRET_FIELD_NAMES } from './contract.js';
import type { StoredConnection } from './state.js';

/*
 * Datadog's wire shapes for answers (CONTRACT.md, "Resource shape" and
 * "Errors"), reproduced from the recordings.
 */

const JSON_API: Readonly<Record<string, string>> = { 'content-type': JSON_API_MEDIA_TYPE };
const PLAIN_JSON: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

/**
 * The verb Datadog's gRPC errors start with (`error getting connection: …`). The update handler
 * reuses the create wording: a PATCH's 404 and 400 both read `error creating connection: …` in the
 * recordings (CONTRACT.md, "Errors").
 */
export type Verb = 'creating' | 'getting' | 'deleting';

export function jsonApi(status: number, body: unknown): SimResponse {
  return { status, headers: JSON_API, body };
}

/** The connection endpoints' error: a `Generic Error` whose detail is gRPC status text. */
export function genericError(status: number, detail: string): SimResponse {
  return jsonApi(status, { errors: [{ title: 'Generic Error', detail }] });
}

export function connectionNotFound(verb: Verb): SimResponse {
  return genericError(404, `error ${verb} connection: rpc error: code = NotFound desc = connection not found`);
}

/** The recorded 400 for a connection id that is not a UUID (checked by the backend, not the front layer: the spec types the id as a plain string). */
export function connectionIdNotUuid(): SimResponse {
  return genericError(400, 'error connectionId not a valid UUID');
}

/** The recorded app key 404. */
export function appKeyNotFound(): SimResponse {
  return jsonApi(404, { errors: [{ detail: 'app key not found' }] });
}

/** The front layer's 400 for a path or query parameter, as recorded for a non-UUID app key id. */
export function invalidParameter(detail: string): SimResponse {
  return jsonApi(400, { errors: [{ status: '400', title: 'Invalid Parameter', detail }] });
}

/**
 * Unknown (CONTRACT.md): the exact body for an undecodable request. It is refused before the
 * gRPC backend, by the same front layer that answers "Invalid Parameter", so it gets that shape.
 */
export function badRequest(detail: string): SimResponse {
  return jsonApi(400, { errors: [{ status: '400', title: 'Bad Request', detail }] });
}

/** Datadog's edge answers missing or bad keys with a 403 whose errors are plain strings. */
export function forbiddenKeys(): SimResponse {
  return { status: 403, headers: PLAIN_JSON, body: { errors: ['Forbidden'] } };
}

/** The edge's answer for a path it does not route (there is no "list connections"). */
export function pathNotFound(): SimResponse {
  return { status: 404, headers: PLAIN_JSON, body: { errors: ['Not Found'] } };
}

/** The connection endpoints refuse an app key that is not registered (CONTRACT.md, authentication). */
export function appKeyNotRegistered(): SimResponse {
  return jsonApi(403, {
    errors: [
      {
        status: '403',
        title: 'Forbidden',
        detail: 'this API requires a registered application key; register it with PUT /api/v2/actions/app_key_registrations/{app_key_id}',
      },
    ],
  });
}

export function appKeyRegistration(id: string): { readonly id: string; readonly type: string } {
  return { id, type: APP_KEY_REGISTRATION_DATA_TYPE };
}

/** How a connection is rendered in one answer. */
interface RenderOptions {
  readonly echoSecrets: boolean;
  /**
   * Add what GET and PATCH answers carry beyond the spec: `created_at`, `last_updated`,
   * `acting_user_can_resolve` and `relationships.created_by` (the recorded create answer has none).
   */
  readonly withRecord: boolean;
  /** The value of `acting_user_can_resolve` (the recordings show `false`). */
  readonly actingUserCanResolve: boolean;
}

/**
 * The wire `data` object. Secrets are left out unless `echoSecrets`; empty values are omitted
 * (proto3 JSON); `malformed` (a test knob) lays raw attribute values over the rendered ones.
 */
export function renderConnection(connection: StoredConnection, options: RenderOptions, malformed?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const echoSecrets = options.echoSecrets;
  const integration = connection.integration;
  let credentials: Record<string, unknown>;
  let base: Record<string, unknown> = {};
  if (integration.kind === 'http') {
    base = { base_url: integration.baseUrl };
    credentials = { type: integration.credentialType };
    if (integration.body) credentials['body'] = { ...integration.body };
    if (integration.headers.length > 0) credentials['headers'] = integration.headers.map((h) => ({ name: h.name, value: h.value }));
    if (integration.tokens.length > 0) {
      credentials['tokens'] = integration.tokens.map((t) => (echoSecrets ? { name: t.name, type: t.type, value: t.value } : { name: t.name, type: t.type }));
    }
    if (integration.urlParameters.length > 0) credentials['url_parameters'] = integration.urlParameters.map((p) => ({ name: p.name, value: p.value }));
  } else {
    credentials = { type: integration.credentialType };
    for (const [wire, value] of Object.entries(integration.fields)) {
      if (echoSecrets || !SECRET_FIELD_NAMES.has(wire)) credentials[wire] = value;
    }
  }
  const attributes: Record<string, unknown> = {
    integration: sortKeys({ ...base, credentials: sortKeys(credentials), type: integration.type }),
    name: connection.name,
  };
  if (connection.tags.length > 0) attributes['tags'] = [...connection.tags];
  if (!options.withRecord) return { id: connection.id, type: CONNECTION_DATA_TYPE, attributes: sortKeys({ ...attributes, ...malformed }) };
  attributes['acting_user_can_resolve'] = options.actingUserCanResolve;
  attributes['created_at'] = goTime(connection.createdAt);
  attributes['last_updated'] = goTime(connection.updatedAt);
  return {
    id: connection.id,
    type: CONNECTION_DATA_TYPE,
    attributes: sortKeys({ ...attributes, ...malformed }),
    // Recorded with the relationship's name as its type, not JSON:API's `users`.
    relationships: { created_by: { data: { id: connection.createdBy, type: 'created_by' } } },
  };
}

/**
 * A time as Datadog's Go backend prints it (`time.Time.String()` in UTC):
 * `2024-12-11 20:32:27.173761 +0000 UTC`, the fraction trimmed of trailing zeros and left out
 * when zero. The simulator keeps milliseconds, so at most three digits follow the point.
 */
function goTime(epochMillis: number): string {
  const iso = new Date(epochMillis).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`} +0000 UTC`;
}

// The recorded credentials come back with keys in alphabetical order (Go map encoding).
function sortKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
