import { InputValidationError } from '../../core/errors.js';
import { InputChecks, isRecord, type InputRecord } from '../../core/input-check.js';
import {
  DATADOG_INTEGRATIONS,
  HTTP_CREDENTIAL_TYPE,
  HTTP_HEADER_NAME,
  HTTP_INTEGRATION_TYPE,
  HTTP_TOKEN_NAME,
  TAG,
  camel,
  type CredentialVariant,
  type IntegrationSpec,
} from './catalogue.js';


/** A request body for Datadog plus the secret values it carries (to scrub from vendor errors). */
export interface BuiltBody {
  readonly body: Record<string, unknown>;
  readonly sensitive: readonly string[];
}

type Mode = 'create' | 'update';



/** The single member set on a `@oneOf` input, or a validation failure. */
function oneOf(value: InputRecord, path: readonly string[], out: InputChecks): [string, InputRecord] | null {
  const set = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
  if (set.length !== 1) {
    out.fail(path, `exactly one of ${Object.keys(value).join(', ') || 'its fields'} must be given`);
    return null;
  }
  const [key, member] = set[0] as [string, unknown];
  if (!isRecord(member)) {
    out.fail([...path, key], 'must be an object');
    return null;
  }
  return [key, member];
}

function checkName(name: unknown, path: readonly string[], out: InputChecks): string | undefined {
  if (name === undefined || name === null) return undefined;
  if (typeof name !== 'string' || name.trim() === '') {
    out.fail(path, 'must not be empty');
    return undefined;
  }
  return name;
}

function checkTags(tags: unknown, path: readonly string[], out: InputChecks): string[] | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (!Array.isArray(tags)) {
    out.fail(path, 'must be a list of key:value strings');
    return undefined;
  }
  tags.forEach((tag, index) => {
    if (typeof tag !== 'string' || !TAG.test(tag)) out.fail([...path, String(index)], 'must be key:value');
    else if (tag.split(':')[0]?.toLowerCase() === 'default') out.fail([...path, String(index)], 'the tag key "default" is reserved');
  });
  return tags.filter((t): t is string => typeof t === 'string');
}

function flatCredentials(variant: CredentialVariant, input: InputRecord, mode: Mode, path: readonly string[], out: InputChecks): Record<string, unknown> {
  const credentials: Record<string, unknown> = { type: variant.type };
  const known = new Set(variant.fields.filter((f) => !f.readOnly).map((f) => camel(f.wire)));
  for (const key of Object.keys(input)) {
    if (!known.has(key) && !(mode === 'update' && key === 'generateNewExternalId' && variant.type === 'AWSAssumeRole')) {
      out.fail([...path, key], 'is not a field of this credential type');
    }
  }
  for (const field of variant.fields) {
    if (field.readOnly) continue;
    const name = camel(field.wire);
    const value = input[name];
    if (value === undefined || value === null) {
      if (mode === 'create' && field.required) out.fail([...path, name], 'is required');
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      out.fail([...path, name], 'must be a non-empty string');
      continue;
    }
    if (field.pattern && !field.pattern.test(value)) {
      out.fail([...path, name], field.patternMessage ?? `must match ${field.pattern.source}`);
      continue;
    }
    if (field.secret) out.sensitive.push(value);
    credentials[field.wire] = value;
  }
  if (mode === 'update' && input['generateNewExternalId'] === true) credentials['generate_new_external_id'] = true;
  return credentials;
}

function httpItems(
  value: unknown,
  kind: 'headers' | 'tokens' | 'urlParameters',
  mode: Mode,
  path: readonly string[],
  out: InputChecks,
): Record<string, unknown>[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    out.fail(path, 'must be a list');
    return undefined;
  }
  const pattern = kind === 'headers' ? HTTP_HEADER_NAME : HTTP_TOKEN_NAME;
  const seen = new Set<string>();
  return value.map((raw, index) => {
    const itemPath = [...path, String(index)];
    const item = isRecord(raw) ? raw : {};
    const name = item['name'];
    const deleted = mode === 'update' && item['deleted'] === true;
    const wire: Record<string, unknown> = {};
    if (typeof name !== 'string' || !pattern.test(name)) {
      out.fail([...itemPath, 'name'], `must match ${pattern.source}`);
    } else if (seen.has(name)) {
      out.fail([...itemPath, 'name'], `"${name}" is given twice`);
    } else {
      seen.add(name);
      wire['name'] = name;
    }
    const itemValue = item['value'];
    if (typeof itemValue === 'string' && itemValue !== '') {
      out.sensitive.push(itemValue);
      wire['value'] = itemValue;
    } else if (!deleted && (mode === 'create' || kind === 'tokens')) {
      out.fail([...itemPath, 'value'], 'is required');
    }
    if (kind === 'tokens') wire['type'] = 'SECRET';
    if (deleted) wire['deleted'] = true;
    return wire;
  });
}

function httpIntegration(input: InputRecord, mode: Mode, path: readonly string[], out: InputChecks): Record<string, unknown> {
  const allowed = new Set(['baseUrl', 'headers', 'tokens', 'urlParameters', 'body']);
  for (const key of Object.keys(input)) if (!allowed.has(key)) out.fail([...path, key], 'is not a field of the HTTP integration');
  const integration: Record<string, unknown> = { type: HTTP_INTEGRATION_TYPE };
  const baseUrl = input['baseUrl'];
  if (baseUrl === undefined || baseUrl === null) {
    if (mode === 'create') out.fail([...path, 'baseUrl'], 'is required');
  } else if (typeof baseUrl !== 'string' || !isHttpUrl(baseUrl)) {
    out.fail([...path, 'baseUrl'], 'must be an http(s) URL');
  } else {
    integration['base_url'] = baseUrl;
  }
  const credentials: Record<string, unknown> = { type: HTTP_CREDENTIAL_TYPE };
  const headers = httpItems(input['headers'], 'headers', mode, [...path, 'headers'], out);
  const tokens = httpItems(input['tokens'], 'tokens', mode, [...path, 'tokens'], out);
  const urlParameters = httpItems(input['urlParameters'], 'urlParameters', mode, [...path, 'urlParameters'], out);
  if (headers) credentials['headers'] = headers;
  if (tokens) credentials['tokens'] = tokens;
  if (urlParameters) credentials['url_parameters'] = urlParameters;
  const body = input['body'];
  if (isRecord(body)) {
    const wireBody: Record<string, unknown> = {};
    if (typeof body['content'] === 'string') {
      out.sensitive.push(body['content']);
      wireBody['content'] = body['content'];
    }
    if (typeof body['contentType'] === 'string') wireBody['content_type'] = body['contentType'];
    credentials['body'] = wireBody;
  }
  integration['credentials'] = credentials;
  return integration;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function integrationBody(input: InputRecord, mode: Mode, path: readonly string[], out: InputChecks): { spec: IntegrationSpec; wire: Record<string, unknown> } | null {
  const chosen = oneOf(input, path, out);
  if (!chosen) return null;
  const [key, member] = chosen;
  const spec = DATADOG_INTEGRATIONS.find((s) => s.key === key);
  if (!spec) {
    out.fail([...path, key], 'is not a Datadog integration type');
    return null;
  }
  const memberPath = [...path, key];
  if (spec.type === HTTP_INTEGRATION_TYPE) return { spec, wire: httpIntegration(member, mode, memberPath, out) };
  let variant: CredentialVariant | undefined;
  let fields: InputRecord = member;
  let fieldsPath = memberPath;
  if (spec.variants.length > 1) {
    const inner = oneOf(member, memberPath, out);
    if (!inner) return null;
    variant = spec.variants.find((v) => v.key === inner[0]);
    fields = inner[1];
    fieldsPath = [...memberPath, inner[0]];
  } else {
    variant = spec.variants[0];
  }
  if (!variant) {
    out.fail(memberPath, 'unknown credential type');
    return null;
  }
  return { spec, wire: { type: spec.type, credentials: flatCredentials(variant, fields, mode, fieldsPath, out) } };
}

/**
 * Validates a create input the way Datadog would (patterns, required fields, tags) and builds the
 * JSON:API body. Throws `InputValidationError` listing every problem; nothing is sent then.
 */
export function buildCreateBody(input: { name: unknown; tags?: unknown; integration: unknown }): BuiltBody {
  const out = new InputChecks();
  const name = checkName(input.name, ['name'], out);
  if (name === undefined && !out.errors.length) out.fail(['name'], 'is required');
  const tags = checkTags(input.tags, ['tags'], out);
  const integration = isRecord(input.integration) ? integrationBody(input.integration, 'create', ['integration'], out) : null;
  if (!isRecord(input.integration)) out.fail(['integration'], 'is required');
  out.throwIfAny();
  const attributes: Record<string, unknown> = { name, integration: integration?.wire };
  if (tags) attributes['tags'] = tags;
  return { body: { data: { type: 'action_connection', attributes } }, sensitive: out.sensitive };
}

/**
 * Validates an update. Omitted fields, including secrets, stay unchanged at Datadog; the
 * integration type cannot change (Datadog keys credentials by type; delete and create instead).
 */
export function buildUpdateBody(
  input: { name?: unknown; tags?: unknown; integration?: unknown },
  currentType: string | null,
): BuiltBody {
  const out = new InputChecks();
  const name = checkName(input.name, ['name'], out);
  const tags = checkTags(input.tags, ['tags'], out);
  let integration: Record<string, unknown> | undefined;
  if (input.integration !== undefined && input.integration !== null) {
    if (!isRecord(input.integration)) out.fail(['integration'], 'must be an object');
    else {
      const built = integrationBody(input.integration, 'update', ['integration'], out);
      if (built && currentType !== null && built.spec.type !== currentType) {
        out.fail(['integration'], `this connection is a ${currentType} integration; its type cannot change`);
      }
      integration = built?.wire;
    }
  }
  if (name === undefined && tags === undefined && integration === undefined && out.errors.length === 0) {
    out.fail([], 'nothing to update: give name, tags or integration');
  }
  out.throwIfAny();
  const attributes: Record<string, unknown> = {};
  if (name !== undefined) attributes['name'] = name;
  if (tags !== undefined) attributes['tags'] = tags;
  if (integration !== undefined) attributes['integration'] = integration;
  return { body: { data: { type: 'action_connection', attributes } }, sensitive: out.sensitive };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value has the shape of a Datadog id (a UUID). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Datadog ids are UUIDs; anything else is refused before a call is made. */
export function checkUuid(value: string, path: readonly string[]): void {
  if (!isUuid(value)) throw InputValidationError.single(path, 'must be a UUID');
}
