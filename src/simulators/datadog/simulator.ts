import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  HTTP_HEADER_NAME,
  HTTP_TOKEN_NAME,
  TAG,
  integrationSpec,
  type CredentialVariant,
  type IntegrationSpec,
} from '../../vendors/datadog/catalogue.js';
import { SimulatorServer, type SimRequest, type SimResponse, type Simulator } from '../base.js';
import { DATADOG_SEED_APP_KEY_IDS, datadogSeedConnections } from './seed.js';

/*
 * Faithful fake of Datadog's API v2 Action Connections and App Key Registrations.
 * Contract: ../shared/vendor-contracts/datadog/CONTRACT.md (spec + real recordings). Where the
 * contract lists an unknown, the choice made here is commented at the place it matters.
 */

/** One HTTP header or URL parameter of an HTTP connection. */
export interface HttpNameValue {
  readonly name: string;
  readonly value: string;
}

/** One HTTP token; `value` is a secret. */
export interface HttpToken {
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

/** The optional request body template of an HTTP connection. */
export interface HttpBody {
  readonly content?: string;
  readonly content_type?: string;
}

/** Stored credentials of every integration type except HTTP: flat wire fields, secrets included. */
export interface StoredFieldsIntegration {
  readonly kind: 'fields';
  readonly type: string;
  readonly credentialType: string;
  /** Wire name → value; empty optional fields are absent. AWS includes `external_id`, `principal_id`. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Stored HTTP integration (`HTTPTokenAuth`), token values included. */
export interface StoredHttpIntegration {
  readonly kind: 'http';
  readonly type: string;
  readonly credentialType: string;
  readonly baseUrl: string;
  readonly headers: readonly HttpNameValue[];
  readonly tokens: readonly HttpToken[];
  readonly urlParameters: readonly HttpNameValue[];
  readonly body?: HttpBody;
}

export type StoredIntegration = StoredFieldsIntegration | StoredHttpIntegration;

/** An action connection as the simulator holds it, secrets included (never sent by default). */
export interface StoredConnection {
  readonly id: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly integration: StoredIntegration;
}

/** Options of {@link createDatadogSimulator}. */
export interface DatadogSimulatorOptions {
  /** When set, only this `DD-API-KEY` is accepted; otherwise any non-empty value. */
  apiKey?: string;
  /** When set, only this `DD-APPLICATION-KEY` is accepted; otherwise any non-empty value. */
  appKey?: string;
  /** Return secret credential fields in responses. Datadog does not document either way. */
  echoSecrets?: boolean;
  /**
   * Refuse connection endpoints (403) while no app key registration exists. The real API requires
   * the *calling* key to be registered, but registrations are keyed by the app key's id, which the
   * simulator cannot derive from the key value, so "at least one registration" stands in for it.
   * Default false, so demo configs with made-up keys work.
   */
  requireAppKeyRegistration?: boolean;
}

/** A running Datadog simulator plus accessors for tests. */
export interface DatadogSimulator extends Simulator {
  readonly vendor: 'datadog';
  readonly server: SimulatorServer;
  /** Ids of the connections currently stored, in creation order. */
  connectionIds(): string[];
  /** A copy of the full stored connection, secrets included (tests only), or undefined. */
  storedConnection(id: string): StoredConnection | undefined;
  /** Ids of the app key registrations currently stored, in registration order. */
  appKeyRegistrationIds(): string[];
  /** Ids of the seeded connections (present after every reset unless deleted since). */
  readonly seedConnectionIds: readonly string[];
}

const JSON_API: Readonly<Record<string, string>> = { 'content-type': 'application/vnd.api+json' };
const CONNECTIONS = '/api/v2/actions/connections';
const APP_KEYS = '/api/v2/actions/app_key_registrations';
/** Datadog's AWS account that assumes customer roles; the same in every recording. */
const AWS_PRINCIPAL_ID = '464622532012';
const AWS_TYPE = 'AWS';
const HTTP_TYPE = 'HTTP';
const TOKEN_TYPE_SECRET = 'SECRET';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
// Any 8-4-4-4-12 hex string: the recorded 404 for `aaa11111-aa11-aa11-aaaa-aaaaaa111111` (not a
// valid RFC 4122 version) shows Datadog checks the shape only.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const nameValueWire = z.object({
  name: z.string(),
  value: z.string().optional(),
  deleted: z.boolean().optional(),
});
const tokenWire = z.object({
  name: z.string(),
  type: z.string().optional(),
  value: z.string().optional(),
  deleted: z.boolean().optional(),
});
const credentialsWire = z.looseObject({
  type: z.string().optional(),
  headers: z.array(nameValueWire).optional(),
  tokens: z.array(tokenWire).optional(),
  url_parameters: z.array(nameValueWire).optional(),
  body: z.object({ content: z.string().optional(), content_type: z.string().optional() }).optional(),
  generate_new_external_id: z.boolean().optional(),
});
const integrationWire = z.object({
  type: z.string().optional(),
  base_url: z.string().optional(),
  credentials: credentialsWire.optional(),
});
const requestWire = z.object({
  data: z.object({
    type: z.string().optional(),
    attributes: z.object({
      name: z.string().optional(),
      tags: z.array(z.string()).optional(),
      integration: integrationWire.optional(),
    }),
  }),
});
type AttributesWire = z.output<typeof requestWire>['data']['attributes'];
type CredentialsWire = z.output<typeof credentialsWire>;

type Verb = 'creating' | 'updating' | 'getting' | 'deleting';

/** A connection as requested, before validation (create input, or stored state merged with a patch). */
interface Candidate {
  readonly dataType: string | undefined;
  readonly name: string;
  readonly tags: readonly string[];
  readonly integrationType: string | undefined;
  readonly baseUrl: string | undefined;
  readonly credentials: CandidateCredentials | undefined;
}

interface CandidateCredentials {
  readonly type: string | undefined;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly headers: readonly { readonly name: string; readonly value: string | undefined }[];
  readonly tokens: readonly { readonly name: string; readonly type: string | undefined; readonly value: string | undefined }[];
  readonly urlParameters: readonly { readonly name: string; readonly value: string | undefined }[];
  readonly body: HttpBody | undefined;
}

/** One protoc-gen-validate style failure: the chain of nested messages down to the field. */
interface Violation {
  readonly chain: readonly string[];
  readonly reason: string;
}

type Validated =
  | { readonly ok: true; readonly name: string; readonly tags: readonly string[]; readonly integration: StoredIntegration }
  | { readonly ok: false; readonly response: SimResponse };

/**
 * Creates the Datadog simulator (not yet listening; call `server.listen()`).
 * State is in memory and starts from the demo seed (./seed.ts); `POST /__simulator/reset` restores it.
 */
export function createDatadogSimulator(options: DatadogSimulatorOptions = {}): DatadogSimulator {
  const connections = new Map<string, StoredConnection>();
  const appKeys = new Set<string>();
  const seed = datadogSeedConnections();
  const echoSecrets = options.echoSecrets ?? false;

  const reset = (): void => {
    connections.clear();
    for (const connection of datadogSeedConnections()) connections.set(connection.id, connection);
    appKeys.clear();
    for (const id of DATADOG_SEED_APP_KEY_IDS) appKeys.add(id);
  };

  const server = new SimulatorServer({
    vendor: 'datadog',
    reset,
    authenticate: (request) => {
      const apiKey = headerValue(request, 'dd-api-key');
      const appKey = headerValue(request, 'dd-application-key');
      const accepted =
        apiKey !== '' &&
        appKey !== '' &&
        (options.apiKey === undefined || apiKey === options.apiKey) &&
        (options.appKey === undefined || appKey === options.appKey);
      // Datadog's edge answers missing or bad keys with a 403 whose errors are plain strings.
      return accepted ? null : { status: 403, headers: { 'content-type': 'application/json' }, body: { errors: ['Forbidden'] } };
    },
    notFound: () => ({ status: 404, headers: { 'content-type': 'application/json' }, body: { errors: ['Not Found'] } }),
  });

  const registrationGate = (): SimResponse | null => {
    if (!options.requireAppKeyRegistration || appKeys.size > 0) return null;
    return jsonApi(403, {
      errors: [
        {
          status: '403',
          title: 'Forbidden',
          detail: 'this API requires a registered application key; register it with PUT /api/v2/actions/app_key_registrations/{app_key_id}',
        },
      ],
    });
  };

  const render = (connection: StoredConnection): SimResponse['body'] => ({ data: renderConnection(connection, echoSecrets) });

  server.route('POST', CONNECTIONS, (request) => {
    const gate = registrationGate();
    if (gate) return gate;
    const decoded = decodeBody(request);
    if (!decoded.ok) return decoded.response;
    const attributes = decoded.body.data.attributes;
    const candidate: Candidate = {
      dataType: decoded.body.data.type,
      name: attributes.name ?? '',
      tags: attributes.tags ?? [],
      integrationType: attributes.integration?.type,
      baseUrl: attributes.integration?.base_url,
      credentials: attributes.integration?.credentials ? candidateCredentials(attributes.integration.credentials) : undefined,
    };
    const validated = validate(candidate, 'creating');
    if (!validated.ok) return validated.response;
    const connection: StoredConnection = {
      id: randomUUID(),
      name: validated.name,
      tags: validated.tags,
      integration: withAwsIds(validated.integration, undefined, true),
    };
    connections.set(connection.id, connection);
    return jsonApi(201, render(connection));
  });

  server.route('GET', `${CONNECTIONS}/{connection_id}`, (request) => {
    const id = pathUuid(request.params['connection_id'], 'connectionId');
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    const connection = connections.get(id);
    return connection ? jsonApi(200, render(connection)) : connectionNotFound('getting');
  });

  server.route('PATCH', `${CONNECTIONS}/{connection_id}`, (request) => {
    const id = pathUuid(request.params['connection_id'], 'connectionId');
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    const decoded = decodeBody(request);
    if (!decoded.ok) return decoded.response;
    const stored = connections.get(id);
    if (!stored) return connectionNotFound('updating');
    const attributes = decoded.body.data.attributes;
    const requestedType = attributes.integration?.type;
    if (requestedType !== undefined && requestedType !== stored.integration.type) {
      // Unknown: Datadog's exact wording. Changing the integration type is not possible in the UI
      // either; a new connection is needed.
      return genericError(400, `error updating connection: rpc error: code = InvalidArgument desc = integration type cannot be changed from ${stored.integration.type} to ${requestedType}`);
    }
    const validated = validate(mergeCandidate(stored, decoded.body.data.type, attributes), 'updating');
    if (!validated.ok) return validated.response;
    const regenerate = attributes.integration?.credentials?.generate_new_external_id === true;
    const updated: StoredConnection = {
      id,
      name: validated.name,
      tags: validated.tags,
      integration: withAwsIds(validated.integration, stored.integration, regenerate),
    };
    connections.set(id, updated);
    return jsonApi(200, render(updated));
  });

  server.route('DELETE', `${CONNECTIONS}/{connection_id}`, (request) => {
    const id = pathUuid(request.params['connection_id'], 'connectionId');
    if (typeof id !== 'string') return id;
    const gate = registrationGate();
    if (gate) return gate;
    if (!connections.delete(id)) return connectionNotFound('deleting');
    return { status: 204 };
  });

  server.route('GET', APP_KEYS, (request) => {
    const size = pageParam(request, 'page[size]', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    if (typeof size !== 'number') return size;
    // Unknown: whether page[number] starts at 0 or 1; Datadog v2 paging is 0-based elsewhere.
    const number = pageParam(request, 'page[number]', 0, 0, Number.MAX_SAFE_INTEGER);
    if (typeof number !== 'number') return number;
    const all = [...appKeys];
    const page = all.slice(number * size, number * size + size);
    return jsonApi(200, {
      data: page.map((id) => ({ id, type: 'app_key_registration' })),
      meta: { total: all.length, total_filtered: all.length },
    });
  });

  server.route('PUT', `${APP_KEYS}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    // Unknown: re-registering a registered key. PUT is idempotent, so answer 201 again.
    appKeys.add(id);
    return jsonApi(201, { data: { id, type: 'app_key_registration' } });
  });

  server.route('GET', `${APP_KEYS}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    return appKeys.has(id) ? jsonApi(200, { data: { id, type: 'app_key_registration' } }) : appKeyNotFound();
  });

  server.route('DELETE', `${APP_KEYS}/{app_key_id}`, (request) => {
    const id = pathUuid(request.params['app_key_id'], 'appKeyId');
    if (typeof id !== 'string') return id;
    return appKeys.delete(id) ? { status: 204 } : appKeyNotFound();
  });

  return {
    vendor: 'datadog',
    server,
    connectionIds: () => [...connections.keys()],
    storedConnection: (id) => {
      const connection = connections.get(id);
      return connection === undefined ? undefined : structuredClone(connection);
    },
    appKeyRegistrationIds: () => [...appKeys],
    seedConnectionIds: seed.map((connection) => connection.id),
  };
}

function headerValue(request: SimRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function jsonApi(status: number, body: unknown): SimResponse {
  return { status, headers: JSON_API, body };
}

function genericError(status: number, detail: string): SimResponse {
  return jsonApi(status, { errors: [{ title: 'Generic Error', detail }] });
}

function connectionNotFound(verb: Verb): SimResponse {
  return genericError(404, `error ${verb} connection: rpc error: code = NotFound desc = connection not found`);
}

function appKeyNotFound(): SimResponse {
  return jsonApi(404, { errors: [{ detail: 'app key not found' }] });
}

function invalidParameter(detail: string): SimResponse {
  return jsonApi(400, { errors: [{ status: '400', title: 'Invalid Parameter', detail }] });
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
  if (value < min || value > max) {
    // Unknown: Datadog's limits and wording for this endpoint; 1..1000 matches its other v2 lists.
    return invalidParameter(`invalid parameter ${JSON.stringify(name)} in "query"; must be between ${min} and ${max}`);
  }
  return value;
}

type Decoded = { readonly ok: true; readonly body: z.output<typeof requestWire> } | { readonly ok: false; readonly response: SimResponse };

function decodeBody(request: SimRequest): Decoded {
  // Unknown: the exact body for an undecodable request. It is refused before the gRPC backend,
  // by the same front layer that answers "Invalid Parameter", so it gets that layer's shape.
  const refuse = (detail: string): Decoded => ({
    ok: false,
    response: jsonApi(400, { errors: [{ status: '400', title: 'Bad Request', detail }] }),
  });
  if (request.bodyInvalid || request.body === undefined) return refuse('request body is not valid JSON');
  const parsed = requestWire.safeParse(request.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : issue.path.join('.');
    return refuse(`invalid request body: ${where === '' ? 'expected an object' : `field "${where}" is missing or has the wrong type`}`);
  }
  return { ok: true, body: parsed.data };
}

function candidateCredentials(wire: CredentialsWire): CandidateCredentials {
  return {
    type: wire.type,
    fields: wire,
    headers: (wire.headers ?? []).map((h) => ({ name: h.name, value: h.value })),
    tokens: (wire.tokens ?? []).map((t) => ({ name: t.name, type: t.type, value: t.value })),
    urlParameters: (wire.url_parameters ?? []).map((p) => ({ name: p.name, value: p.value })),
    body: wire.body === undefined ? undefined : compactBody(wire.body),
  };
}

/**
 * Stored state with a PATCH applied: present values replace stored ones, absent ones stay (so a
 * secret can be left unchanged); HTTP list items are upserted by name or removed with `deleted`.
 */
function mergeCandidate(stored: StoredConnection, dataType: string | undefined, attributes: AttributesWire): Candidate {
  const patch = attributes.integration?.credentials;
  const current = stored.integration;
  const sameVariant = patch?.type === undefined || patch.type === current.credentialType;
  let credentials: CandidateCredentials;
  if (current.kind === 'http') {
    credentials = {
      type: patch?.type ?? current.credentialType,
      fields: {},
      headers: upsert(current.headers, patch?.headers, (item, old) => ({ name: item.name, value: item.value ?? old?.value })),
      tokens: upsert(current.tokens, patch?.tokens, (item, old) => ({
        name: item.name,
        type: item.type ?? old?.type,
        value: item.value ?? old?.value,
      })),
      urlParameters: upsert(current.urlParameters, patch?.url_parameters, (item, old) => ({ name: item.name, value: item.value ?? old?.value })),
      body: patch?.body === undefined ? current.body : compactBody(patch.body),
    };
  } else {
    // Switching variants (Cloudflare token ↔ global key) starts from an empty credential set.
    const kept = sameVariant ? current.fields : {};
    credentials = { type: patch?.type ?? current.credentialType, fields: { ...kept, ...patch }, headers: [], tokens: [], urlParameters: [], body: undefined };
  }
  return {
    dataType,
    name: attributes.name ?? stored.name,
    tags: attributes.tags ?? stored.tags,
    integrationType: current.type,
    baseUrl: attributes.integration?.base_url ?? (current.kind === 'http' ? current.baseUrl : undefined),
    credentials,
  };
}

function upsert<Old extends { readonly name: string }, Item extends { readonly name: string; readonly deleted?: boolean | undefined }, Out>(
  current: readonly Old[],
  items: readonly Item[] | undefined,
  build: (item: Item, old: Old | undefined) => Out,
): (Old | Out)[] {
  const result: (Old | Out)[] = [...current];
  const names: string[] = current.map((entry) => entry.name);
  for (const item of items ?? []) {
    const index = names.indexOf(item.name);
    if (item.deleted === true) {
      if (index >= 0) {
        result.splice(index, 1);
        names.splice(index, 1);
      }
      continue;
    }
    const next = build(item, index >= 0 ? current.find((entry) => entry.name === item.name) : undefined);
    if (index >= 0) result[index] = next;
    else {
      result.push(next);
      names.push(item.name);
    }
  }
  return result;
}

function compactBody(body: { content?: string | undefined; content_type?: string | undefined }): HttpBody | undefined {
  const out: { content?: string; content_type?: string } = {};
  if (body.content) out.content = body.content;
  if (body.content_type) out.content_type = body.content_type;
  return out.content === undefined && out.content_type === undefined ? undefined : out;
}

/** Adds AWS's server-generated ids: kept from `previous`, or a new external id when asked. */
function withAwsIds(integration: StoredIntegration, previous: StoredIntegration | undefined, newExternalId: boolean): StoredIntegration {
  if (integration.kind !== 'fields' || integration.type !== AWS_TYPE) return integration;
  const old = previous?.kind === 'fields' ? previous.fields : {};
  const externalId = newExternalId || old['external_id'] === undefined ? randomUUID().replace(/-/g, '') : old['external_id'];
  // The recorded external ids are v4 UUIDs without dashes.
  return { ...integration, fields: { ...integration.fields, external_id: externalId, principal_id: old['principal_id'] ?? AWS_PRINCIPAL_ID } };
}

// Validation mimics the gRPC backend behind the API: protoc-gen-validate messages chained through
// the nested proto messages, as in the recorded AWS account_id 400.
const REQUIRED_STRING = 'value length must be at least 1 runes';
const REQUIRED_MESSAGE = 'value is required';

function validate(candidate: Candidate, verb: 'creating' | 'updating'): Validated {
  const violations: Violation[] = [];
  if (candidate.dataType !== 'action_connection') {
    violations.push({ chain: ['CustomConnectionData.Type'], reason: 'value must be in list [action_connection]' });
  }
  if (candidate.name === '') violations.push({ chain: ['CustomConnectionData.Name'], reason: REQUIRED_STRING });
  candidate.tags.forEach((tag, index) => {
    const chain = [`CustomConnectionData.Tags[${index}]`];
    if (!TAG.test(tag)) violations.push({ chain, reason: `value does not match regex pattern ${JSON.stringify(TAG.source)}` });
    else if (tag.slice(0, tag.indexOf(':')).toLowerCase() === 'default') {
      violations.push({ chain, reason: 'value must not use the reserved tag key "default"' });
    }
  });
  const spec = candidate.integrationType === undefined ? undefined : integrationSpec(candidate.integrationType);
  let integration: StoredIntegration | undefined;
  if (spec === undefined) {
    violations.push({ chain: ['CustomConnectionData.Integration'], reason: REQUIRED_MESSAGE });
  } else {
    const decodeFailure = nonStringField(spec, candidate.credentials);
    if (decodeFailure !== undefined) {
      return {
        ok: false,
        response: jsonApi(400, {
          errors: [{ status: '400', title: 'Bad Request', detail: `invalid request body: field "data.attributes.integration.credentials.${decodeFailure}" has the wrong type` }],
        }),
      };
    }
    integration = validateIntegration(spec, candidate, violations);
  }
  if (violations.length > 0 || integration === undefined) {
    const root = verb === 'creating' ? 'CreateCustomConnectionRequest.Data' : 'UpdateCustomConnectionRequest.Data';
    return { ok: false, response: genericError(400, invalidArgumentDetail(verb, root, violations)) };
  }
  return { ok: true, name: candidate.name, tags: [...candidate.tags], integration };
}

function nonStringField(spec: IntegrationSpec, credentials: CandidateCredentials | undefined): string | undefined {
  const variant = spec.variants.find((v) => v.type === credentials?.type);
  if (variant === undefined || credentials === undefined) return undefined;
  return variant.fields.find((field) => {
    const value = credentials.fields[field.wire];
    return value !== undefined && typeof value !== 'string';
  })?.wire;
}

function validateIntegration(spec: IntegrationSpec, candidate: Candidate, violations: Violation[]): StoredIntegration | undefined {
  const integrationName = protoName(spec.type);
  const outer = `CustomConnectionData.${integrationName}`;
  const authData = `CustomConnectionData_${integrationName}AuthData`;
  const isHttp = spec.type === HTTP_TYPE;
  const before = violations.length;
  if (isHttp && !isHttpUrl(candidate.baseUrl)) {
    violations.push({
      chain: [outer, `${authData}.BaseUrl`],
      reason: candidate.baseUrl ? 'value must be an absolute http or https URL' : REQUIRED_STRING,
    });
  }
  const credentials = candidate.credentials;
  const variant: CredentialVariant | undefined = spec.variants.find((v) => v.type === credentials?.type);
  if (credentials === undefined || variant === undefined) {
    violations.push({ chain: [outer, `${authData}.Credentials`], reason: REQUIRED_MESSAGE });
    return undefined;
  }
  const variantName = protoName(variant.type.startsWith(spec.type) ? variant.type.slice(spec.type.length) : variant.type);
  const prefix = [outer, `${authData}.${variantName}`];
  const message = `${authData}_${variantName}`;
  if (isHttp) {
    const headers = validateNamedList(credentials.headers, prefix, message, 'Headers', 'Header', HTTP_HEADER_NAME, violations);
    const urlParameters = validateNamedList(credentials.urlParameters, prefix, message, 'UrlParameters', 'UrlParameter', HTTP_TOKEN_NAME, violations);
    const tokens: HttpToken[] = [];
    credentials.tokens.forEach((token, index) => {
      const chain = [...prefix, `${message}.Tokens[${index}]`];
      const item = `${message}_Token`;
      if (!HTTP_TOKEN_NAME.test(token.name)) violations.push({ chain: [...chain, `${item}.Name`], reason: patternReason(HTTP_TOKEN_NAME) });
      if (token.type !== TOKEN_TYPE_SECRET) violations.push({ chain: [...chain, `${item}.Type`], reason: 'value must be one of the defined enum values' });
      if (!token.value) violations.push({ chain: [...chain, `${item}.Value`], reason: REQUIRED_STRING });
      tokens.push({ name: token.name, type: TOKEN_TYPE_SECRET, value: token.value ?? '' });
    });
    if (violations.length > before) return undefined;
    const body = credentials.body;
    return {
      kind: 'http',
      type: spec.type,
      credentialType: variant.type,
      baseUrl: candidate.baseUrl ?? '',
      headers,
      tokens,
      urlParameters,
      ...(body === undefined ? {} : { body }),
    };
  }
  const fields: Record<string, string> = {};
  for (const field of variant.fields) {
    if (field.readOnly) continue;
    const raw = credentials.fields[field.wire];
    const value = typeof raw === 'string' ? raw : '';
    const chain = [...prefix, `${message}.${protoName(pascal(field.wire))}`];
    if (value === '') {
      if (field.required) violations.push({ chain, reason: REQUIRED_STRING });
      continue;
    }
    if (field.pattern && !field.pattern.test(value)) {
      violations.push({ chain, reason: patternReason(field.pattern) });
      continue;
    }
    fields[field.wire] = value;
  }
  if (violations.length > before) return undefined;
  return { kind: 'fields', type: spec.type, credentialType: variant.type, fields };
}

function validateNamedList(
  items: readonly { readonly name: string; readonly value: string | undefined }[],
  prefix: readonly string[],
  message: string,
  listName: string,
  itemName: string,
  namePattern: RegExp,
  violations: Violation[],
): HttpNameValue[] {
  return items.map((entry, index) => {
    const chain = [...prefix, `${message}.${listName}[${index}]`];
    const item = `${message}_${itemName}`;
    if (!namePattern.test(entry.name)) violations.push({ chain: [...chain, `${item}.Name`], reason: patternReason(namePattern) });
    if (!entry.value) violations.push({ chain: [...chain, `${item}.Value`], reason: REQUIRED_STRING });
    return { name: entry.name, value: entry.value ?? '' };
  });
}

function isHttpUrl(raw: string | undefined): boolean {
  if (!raw) return false;
  try {
    const url = new URL(raw);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Go's %q of the pattern, as PGV prints it (`"^\\d{12}$"`). */
function patternReason(pattern: RegExp): string {
  return `value does not match regex pattern ${JSON.stringify(pattern.source)}`;
}

/** Datadog-style wire names to proto Go names: `AWS` → `Aws`, `OpenAI` → `OpenAi`, `APIKey` → `ApiKey`. */
function protoName(name: string): string {
  return name.replace(/[A-Z]+(?![a-z])/g, (run) => run.charAt(0) + run.slice(1).toLowerCase());
}

function pascal(wire: string): string {
  return wire
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Formats violations like the recorded body: a hashicorp multierror inside the gRPC status text. */
function invalidArgumentDetail(verb: 'creating' | 'updating', root: string, violations: readonly Violation[]): string {
  const points = violations.map((violation) => {
    const links = [root, ...violation.chain].map((link, index, all) =>
      index < all.length - 1 ? `invalid ${link}: embedded message failed validation` : `invalid ${link}: ${violation.reason}`,
    );
    return `* [error_code=8]: ${links.join(' | caused by: ')}`;
  });
  const count = points.length === 1 ? '1 error occurred' : `${points.length} errors occurred`;
  return `error ${verb} connection: rpc error: code = InvalidArgument desc = multiple errors: ${count}:\n\t${points.join('\n\t')}\n\n`;
}

/** The wire `data` object. Secrets are left out unless `echoSecrets`; empty values are omitted (proto3 JSON). */
function renderConnection(connection: StoredConnection, echoSecrets: boolean): Record<string, unknown> {
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
    const secretFields = new Set(
      integrationSpec(integration.type)
        ?.variants.find((v) => v.type === integration.credentialType)
        ?.fields.filter((f) => f.secret)
        .map((f) => f.wire) ?? [],
    );
    credentials = { type: integration.credentialType };
    for (const [wire, value] of Object.entries(integration.fields)) {
      if (echoSecrets || !secretFields.has(wire)) credentials[wire] = value;
    }
  }
  const attributes: Record<string, unknown> = {
    integration: sortKeys({ ...base, credentials: sortKeys(credentials), type: integration.type }),
    name: connection.name,
  };
  if (connection.tags.length > 0) attributes['tags'] = [...connection.tags];
  return { id: connection.id, type: 'action_connection', attributes };
}

// The recorded credentials come back with keys in alphabetical order (Go map encoding).
function sortKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
