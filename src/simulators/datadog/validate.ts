import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SimRequest, SimResponse } from '../base.js';
import {
  AWS_INTEGRATION_TYPE,
  AWS_PRINCIPAL_ID,
  CONNECTION_DATA_TYPE,
  GENERATE_NEW_EXTERNAL_ID,
  HTTP_CREDENTIAL_MEMBERS,
  HTTP_HEADER_NAME,
  HTTP_INTEGRATION_TYPE,
  HTTP_TOKEN_NAME,
  HTTP_TOKEN_TYPE,
  RESERVED_TAG_KEY,
  TAG,
  contractIntegration,
  type ContractCredentials,
  type ContractIntegration,
} from './contract.js';
import { badRequest, genericError } from './render.js';
import type { HttpBody, HttpNameValue, HttpToken, StoredConnection, StoredIntegration } from './state.js';

/*
 * How the API judges a connection body (CONTRACT.md, "Resource shape" and
 * "Errors"): a JSON decoding layer first, then the gRPC backend's protoc-gen-validate rules,
 * whose messages chain through the nested proto messages as in the recorded AWS account_id 400.
 */

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

/** A decoded create or update body. */
export type ConnectionRequest = z.output<typeof requestWire>;
type AttributesWire = ConnectionRequest['data']['attributes'];
type CredentialsWire = z.output<typeof credentialsWire>;

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

/** A valid connection's content, or the answer refusing it. */
export type Validated =
  | { readonly ok: true; readonly name: string; readonly tags: readonly string[]; readonly integration: StoredIntegration }
  | { readonly ok: false; readonly response: SimResponse };

type Decoded = { readonly ok: true; readonly body: ConnectionRequest } | { readonly ok: false; readonly response: SimResponse };

const REQUIRED_STRING = 'value length must be at least 1 runes';
const REQUIRED_MESSAGE = 'value is required';

/** Decodes a create or update body, or answers the front layer's 400. */
export function decodeConnectionBody(request: SimRequest): Decoded {
  const refuse = (detail: string): Decoded => ({ ok: false, response: badRequest(detail) });
  if (request.bodyInvalid || request.body === undefined) return refuse('request body is not valid JSON');
  const parsed = requestWire.safeParse(request.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : issue.path.join('.');
    return refuse(`invalid request body: ${where === '' ? 'expected an object' : `field "${where}" is missing or has the wrong type`}`);
  }
  return { ok: true, body: parsed.data };
}

/** Validates a create body into the connection to store. */
export function validateCreate(body: ConnectionRequest): Validated {
  const attributes = body.data.attributes;
  const integration = attributes.integration;
  const credentials = integration?.credentials;
  const unknown = unknownCredentialMember(integration?.type, credentials, credentials?.type, 'create');
  if (unknown !== undefined) return { ok: false, response: unknownField(unknown) };
  return validate(
    {
      dataType: body.data.type,
      name: attributes.name ?? '',
      tags: attributes.tags ?? [],
      integrationType: integration?.type,
      baseUrl: integration?.base_url,
      credentials: credentials ? candidateCredentials(credentials) : undefined,
    },
    'create',
  );
}

/**
 * Validates a PATCH against the stored connection: present values replace stored ones, absent ones
 * stay (so a secret can be left unchanged); HTTP list items are upserted by name or removed with
 * `deleted`. The integration type cannot change.
 */
export function validateUpdate(stored: StoredConnection, body: ConnectionRequest): Validated {
  const attributes = body.data.attributes;
  const requestedType = attributes.integration?.type;
  if (requestedType !== undefined && requestedType !== stored.integration.type) {
    // Unknown: Datadog's exact wording. Changing the integration type is not possible in the UI
    // either; a new connection is needed.
    return {
      ok: false,
      response: genericError(400, `error creating connection: rpc error: code = InvalidArgument desc = integration type cannot be changed from ${stored.integration.type} to ${requestedType}`),
    };
  }
  const patch = attributes.integration?.credentials;
  const unknown = unknownCredentialMember(stored.integration.type, patch, patch?.type ?? stored.integration.credentialType, 'update');
  if (unknown !== undefined) return { ok: false, response: unknownField(unknown) };
  return validate(mergeCandidate(stored, body.data.type, attributes), 'update');
}

/** Whether a PATCH asks for a new AWS external id. */
export function wantsNewExternalId(body: ConnectionRequest): boolean {
  return body.data.attributes.integration?.credentials?.generate_new_external_id === true;
}

/** Adds AWS's server-generated ids: kept from `previous`, or a new external id when asked. */
export function withAwsIds(integration: StoredIntegration, previous: StoredIntegration | undefined, newExternalId: boolean): StoredIntegration {
  if (integration.kind !== 'fields' || integration.type !== AWS_INTEGRATION_TYPE) return integration;
  const old = previous?.kind === 'fields' ? previous.fields : {};
  // The recorded external ids are v4 UUIDs without dashes.
  const externalId = newExternalId || old['external_id'] === undefined ? randomUUID().replace(/-/g, '') : old['external_id'];
  return { ...integration, fields: { ...integration.fields, external_id: externalId, principal_id: old['principal_id'] ?? AWS_PRINCIPAL_ID } };
}

/**
 * A credentials member the contract does not list for the integration, or undefined. Unknown
 * (CONTRACT.md): Datadog's answer to one; its backend decodes with protojson, which refuses unknown
 * fields, so the simulator refuses them too and a client that misnames a field fails loudly.
 */
function unknownCredentialMember(integrationType: string | undefined, credentials: CredentialsWire | undefined, credentialsType: string | undefined, mode: 'create' | 'update'): string | undefined {
  const integration = contractIntegration(integrationType);
  if (integration === undefined || credentials === undefined) return undefined;
  const variant = integration.credentials.find((v) => v.type === credentialsType);
  if (variant === undefined) return undefined;
  const known = new Set<string>(['type', ...variant.fields.map((field) => field.name)]);
  if (integration.type === HTTP_INTEGRATION_TYPE) for (const member of HTTP_CREDENTIAL_MEMBERS) known.add(member);
  // CONTRACT.md, "Update-only fields".
  if (mode === 'update' && integration.type === AWS_INTEGRATION_TYPE) known.add(GENERATE_NEW_EXTERNAL_ID);
  return Object.keys(credentials).find((member) => !known.has(member));
}

function unknownField(member: string): SimResponse {
  return badRequest(`invalid request body: unknown field "data.attributes.integration.credentials.${member}"`);
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

/**
 * The proto messages a request is validated as. The recorded PATCH 400 names the update messages
 * (`UpdateCustomConnectionRequest.DataUpdate`, `CustomConnectionDataUpdate_AwsAuth`) where the
 * create names `CreateCustomConnectionRequest.Data` and `CustomConnectionData_AwsAuthData`.
 */
interface Messages {
  readonly root: string;
  readonly data: string;
  /** The suffix of an integration's auth message (`AuthData` or `Auth`). */
  readonly auth: string;
}

const MESSAGES: Readonly<Record<'create' | 'update', Messages>> = {
  create: { root: 'CreateCustomConnectionRequest.Data', data: 'CustomConnectionData', auth: 'AuthData' },
  update: { root: 'UpdateCustomConnectionRequest.DataUpdate', data: 'CustomConnectionDataUpdate', auth: 'Auth' },
};

function validate(candidate: Candidate, mode: 'create' | 'update'): Validated {
  const messages = MESSAGES[mode];
  const violations: Violation[] = [];
  if (candidate.dataType !== CONNECTION_DATA_TYPE) {
    violations.push({ chain: [`${messages.data}.Type`], reason: `value must be in list [${CONNECTION_DATA_TYPE}]` });
  }
  if (candidate.name === '') violations.push({ chain: [`${messages.data}.Name`], reason: REQUIRED_STRING });
  candidate.tags.forEach((tag, index) => {
    const chain = [`${messages.data}.Tags[${index}]`];
    if (!TAG.test(tag)) violations.push({ chain, reason: patternReason(TAG) });
    else if (tag.slice(0, tag.indexOf(':')).toLowerCase() === RESERVED_TAG_KEY) {
      violations.push({ chain, reason: `value must not use the reserved tag key "${RESERVED_TAG_KEY}"` });
    }
  });
  const integration = contractIntegration(candidate.integrationType);
  let stored: StoredIntegration | undefined;
  if (integration === undefined) {
    violations.push({ chain: [`${messages.data}.Integration`], reason: REQUIRED_MESSAGE });
  } else {
    const decodeFailure = nonStringField(integration, candidate.credentials);
    if (decodeFailure !== undefined) {
      return { ok: false, response: badRequest(`invalid request body: field "data.attributes.integration.credentials.${decodeFailure}" has the wrong type`) };
    }
    stored = validateIntegration(integration, candidate, messages, violations);
  }
  if (violations.length > 0 || stored === undefined) {
    return { ok: false, response: genericError(400, invalidArgumentDetail(messages.root, violations)) };
  }
  return { ok: true, name: candidate.name, tags: [...candidate.tags], integration: stored };
}

function nonStringField(integration: ContractIntegration, credentials: CandidateCredentials | undefined): string | undefined {
  const variant = integration.credentials.find((v) => v.type === credentials?.type);
  if (variant === undefined || credentials === undefined) return undefined;
  return variant.fields.find((field) => {
    const value = credentials.fields[field.name];
    return value !== undefined && typeof value !== 'string';
  })?.name;
}

function validateIntegration(integration: ContractIntegration, candidate: Candidate, messages: Messages, violations: Violation[]): StoredIntegration | undefined {
  const integrationName = protoName(integration.type);
  const outer = `${messages.data}.${integrationName}`;
  const authData = `${messages.data}_${integrationName}${messages.auth}`;
  const isHttp = integration.type === HTTP_INTEGRATION_TYPE;
  const before = violations.length;
  if (isHttp && !isHttpUrl(candidate.baseUrl)) {
    violations.push({
      chain: [outer, `${authData}.BaseUrl`],
      reason: candidate.baseUrl ? 'value must be an absolute http or https URL' : REQUIRED_STRING,
    });
  }
  const credentials = candidate.credentials;
  const variant: ContractCredentials | undefined = integration.credentials.find((v) => v.type === credentials?.type);
  if (credentials === undefined || variant === undefined) {
    violations.push({ chain: [outer, `${authData}.Credentials`], reason: REQUIRED_MESSAGE });
    return undefined;
  }
  const variantName = protoName(variant.type.startsWith(integration.type) ? variant.type.slice(integration.type.length) : variant.type);
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
      if (token.type !== HTTP_TOKEN_TYPE) violations.push({ chain: [...chain, `${item}.Type`], reason: 'value must be one of the defined enum values' });
      if (!token.value) violations.push({ chain: [...chain, `${item}.Value`], reason: REQUIRED_STRING });
      tokens.push({ name: token.name, type: HTTP_TOKEN_TYPE, value: token.value ?? '' });
    });
    if (violations.length > before) return undefined;
    const body = credentials.body;
    return {
      kind: 'http',
      type: integration.type,
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
    if (field.serverGenerated) continue;
    const raw = credentials.fields[field.name];
    const value = typeof raw === 'string' ? raw : '';
    const chain = [...prefix, `${message}.${protoName(pascal(field.name))}`];
    if (value === '') {
      if (field.required) violations.push({ chain, reason: REQUIRED_STRING });
      continue;
    }
    if (field.pattern && !field.pattern.test(value)) {
      violations.push({ chain, reason: patternReason(field.pattern) });
      continue;
    }
    fields[field.name] = value;
  }
  if (violations.length > before) return undefined;
  return { kind: 'fields', type: integration.type, credentialType: variant.type, fields };
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

/**
 * Formats violations like the recorded bodies: a hashicorp multierror inside the gRPC status text.
 * Creates and updates alike start `error creating connection` (both are recorded that way).
 */
function invalidArgumentDetail(root: string, violations: readonly Violation[]): string {
  const points = violations.map((violation) => {
    const links = [root, ...violation.chain].map((link, index, all) => (index < all.length - 1 ? `invalid ${link}: embedded message failed validation` : `invalid ${link}: ${violation.reason}`));
    return `* [error_code=8]: ${links.join(' | caused by: ')}`;
  });
  const count = points.length === 1 ? '1 error occurred' : `${points.length} errors occurred`;
  return `error creating connection: rpc error: code = InvalidArgument desc = multiple errors: ${count}:\n\t${points.join('\n\t')}\n\n`;
}
