import { InputValidationError } from '../../core/errors.js';
import { INPUT_LIMITS, InputChecks, optional, type BuiltRequest } from '../../core/input-check.js';
import { DATADOG_INTEGRATIONS, HTTP_CREDENTIAL_TYPE, HTTP_HEADER_NAME, HTTP_INTEGRATION_TYPE, HTTP_TOKEN_NAME, TAG, camel, type CredentialVariant, type IntegrationSpec } from './catalogue.js';

/*
 * The create and update inputs as GraphQL hands them over. schema/datadog/integration.ts generates
 * the integration inputs from the catalogue (catalogue.ts), so their TypeScript types are keyed by
 * string: which member an integration input carries, and which fields a credential input has, are
 * known at run time only. GraphQL still guarantees them (one member per `@oneOf`, the catalogue's
 * fields, `String!` where the catalogue says required on create); the builders look the member up in
 * the same catalogue and check only what GraphQL cannot know.
 */

/** `DatadogHttp{Header,Token,UrlParameter}{,Update}Input`; `value` is required on create, `deleted` exists on update. */
interface DatadogHttpItemInput {
  readonly name: string;
  readonly value?: string | null | undefined;
  readonly deleted?: boolean | null | undefined;
}

/** `DatadogHttpIntegrationInput` and its update form (`baseUrl` is `String!` on create only). */
interface DatadogHttpIntegrationInput {
  readonly baseUrl?: string | null | undefined;
  readonly headers?: readonly DatadogHttpItemInput[] | null | undefined;
  readonly tokens?: readonly DatadogHttpItemInput[] | null | undefined;
  readonly urlParameters?: readonly DatadogHttpItemInput[] | null | undefined;
  readonly body?: { readonly content?: string | null | undefined; readonly contentType?: string | null | undefined } | null | undefined;
}

/** One credential variant's fields, camelCase as in the catalogue, plus AWS's `generateNewExternalId` on update. */
type DatadogCredentialsInput = Readonly<Record<string, string | boolean | null | undefined>>;

/** An integration with several credential variants (Cloudflare): a `@oneOf` keyed by variant. */
type DatadogCredentialVariantsInput = Readonly<Record<string, DatadogCredentialsInput | null | undefined>>;

type DatadogIntegrationMemberInput = DatadogHttpIntegrationInput | DatadogCredentialsInput | DatadogCredentialVariantsInput;

/** `DatadogIntegrationInput` / `DatadogIntegrationUpdateInput`: a `@oneOf` keyed by the catalogue's `key`. */
type DatadogIntegrationInput = Readonly<Record<string, DatadogIntegrationMemberInput | null | undefined>>;

/** What `buildCreateBody` reads of `CreateDatadogActionConnectionInput`. */
export interface DatadogCreateInput {
  readonly name: string;
  readonly tags?: readonly string[] | null | undefined;
  readonly integration: DatadogIntegrationInput;
}

/** What `buildUpdateBody` reads of `UpdateDatadogActionConnectionInput`. */
export interface DatadogUpdateInput {
  readonly name?: string | null | undefined;
  readonly tags?: readonly string[] | null | undefined;
  readonly integration?: DatadogIntegrationInput | null | undefined;
}

/*
 * The JSON:API bodies (docs/vendors/datadog/CONTRACT.md, "Resource shape"): `ActionConnectionDataCreate`
 * and `ActionConnectionDataUpdate`, whose `*Update` credentials require only `type`.
 */

/** An HTTP header or URL parameter; `deleted` (update only) removes the one with this name. */
interface DatadogHttpNamedValueRequest {
  readonly name: string;
  readonly value?: string;
  readonly deleted?: true;
}

/** An HTTP token: always `type: SECRET`. */
interface DatadogHttpTokenRequest extends DatadogHttpNamedValueRequest {
  readonly type: 'SECRET';
}

interface DatadogHttpIntegrationRequest {
  readonly type: typeof HTTP_INTEGRATION_TYPE;
  readonly base_url?: string;
  readonly credentials: {
    readonly type: typeof HTTP_CREDENTIAL_TYPE;
    readonly headers?: readonly DatadogHttpNamedValueRequest[];
    readonly tokens?: readonly DatadogHttpTokenRequest[];
    readonly url_parameters?: readonly DatadogHttpNamedValueRequest[];
    readonly body?: { readonly content?: string; readonly content_type?: string };
  };
}

/**
 * Any other integration. Its credential fields are the catalogue's, by wire name, so their names
 * are known at run time only: strings, plus AWS's update-only `generate_new_external_id`.
 */
interface DatadogCatalogueIntegrationRequest {
  readonly type: string;
  readonly credentials: { readonly type: string; readonly [wireField: string]: string | boolean };
}

type DatadogIntegrationRequest = DatadogHttpIntegrationRequest | DatadogCatalogueIntegrationRequest;

/** `POST /api/v2/actions/connections`: name and integration required, tags optional. */
export interface DatadogCreateConnectionRequest {
  readonly data: {
    readonly type: 'action_connection';
    readonly attributes: { readonly name: string; readonly tags?: readonly string[]; readonly integration: DatadogIntegrationRequest };
  };
}

/** `PATCH /api/v2/actions/connections/{id}`: every attribute optional; omitted ones, secrets included, stay unchanged. */
export interface DatadogUpdateConnectionRequest {
  readonly data: {
    readonly type: 'action_connection';
    readonly attributes: { readonly name?: string; readonly tags?: readonly string[]; readonly integration?: DatadogIntegrationRequest };
  };
}

type Mode = 'create' | 'update';

/**
 * The one member a `@oneOf` input carries. GraphQL guarantees exactly one, and the catalogue that
 * generated the input type names it; anything else is a bug, not bad input.
 */
function member<T>(input: Readonly<Record<string, T | null | undefined>>, what: string): [string, T] {
  for (const [key, value] of Object.entries(input)) if (value !== null && value !== undefined) return [key, value];
  throw new Error(`a ${what} input without a member`);
}

/** Whether the member is the HTTP integration's (the catalogue key says which type GraphQL gave it). */
function isHttpMember(spec: IntegrationSpec, _member: DatadogIntegrationMemberInput): _member is DatadogHttpIntegrationInput {
  return spec.type === HTTP_INTEGRATION_TYPE;
}

/** Whether the member is a `@oneOf` of credential variants (the catalogue says so). */
function isVariantsMember(spec: IntegrationSpec, _member: DatadogIntegrationMemberInput): _member is DatadogCredentialVariantsInput {
  return spec.variants.length > 1;
}

function checkName(name: string, path: readonly string[], out: InputChecks): string {
  if (out.maxLength(name, path, INPUT_LIMITS.name) && name.trim() === '') out.fail(path, 'must not be empty');
  return name;
}

function checkTags(tags: readonly string[], path: readonly string[], out: InputChecks): readonly string[] {
  // One failure for a list that is too long, not one per tag of it.
  if (!out.maxItems(tags, path, INPUT_LIMITS.tags)) return tags;
  tags.forEach((tag, index) => {
    if (!out.maxLength(tag, [...path, String(index)], INPUT_LIMITS.tag)) return;
    if (!TAG.test(tag)) out.fail([...path, String(index)], 'must be key:value');
    else if (tag.split(':')[0]?.toLowerCase() === 'default') out.fail([...path, String(index)], 'the tag key "default" is reserved');
  });
  return tags;
}

function catalogueCredentials(variant: CredentialVariant, input: DatadogCredentialsInput, mode: Mode, path: readonly string[], out: InputChecks): DatadogCatalogueIntegrationRequest['credentials'] {
  const credentials: { type: string; [wireField: string]: string | boolean } = { type: variant.type };
  for (const field of variant.fields) {
    if (field.readOnly) continue;
    const name = camel(field.wire);
    const value = input[name];
    // Absent, or omitted on update (GraphQL makes the catalogue's required fields `String!` on create).
    if (typeof value !== 'string') continue;
    if (!out.maxLength(value, [...path, name], field.secret ? INPUT_LIMITS.secret : INPUT_LIMITS.text)) continue;
    if (value.trim() === '') {
      out.fail([...path, name], 'must be a non-empty string');
      continue;
    }
    if (field.pattern && !field.pattern.test(value)) {
      out.fail([...path, name], field.patternMessage ?? `must match ${field.pattern.source}`);
      continue;
    }
    // The hint map.ts reads back names the field in camelCase.
    if (field.secret) out.secret(name, value);
    credentials[field.wire] = value;
  }
  if (mode === 'update' && input['generateNewExternalId'] === true) credentials['generate_new_external_id'] = true;
  return credentials;
}

function httpItems<Item>(
  items: readonly DatadogHttpItemInput[] | null | undefined,
  kind: 'headers' | 'tokens' | 'urlParameters',
  mode: Mode,
  path: readonly string[],
  out: InputChecks,
  extra: (deleted: boolean) => Item,
): (Item & DatadogHttpNamedValueRequest)[] | undefined {
  if (items === null || items === undefined || !out.maxItems(items, path, INPUT_LIMITS.items)) return undefined;
  const pattern = kind === 'headers' ? HTTP_HEADER_NAME : HTTP_TOKEN_NAME;
  const seen = new Set<string>();
  return items.map((item, index) => {
    const itemPath = [...path, String(index)];
    const { name, value } = item;
    const deleted = mode === 'update' && item.deleted === true;
    // A name too long is refused as such, never quoted in the "given twice" message.
    if (out.maxLength(name, [...itemPath, 'name'], INPUT_LIMITS.name)) {
      if (!pattern.test(name)) out.fail([...itemPath, 'name'], `must match ${pattern.source}`);
      else if (seen.has(name)) out.fail([...itemPath, 'name'], `"${name}" is given twice`);
      else seen.add(name);
    }
    // GraphQL lets an empty string through where the value is required.
    const given = value !== null && value !== undefined && value !== '';
    if (given) {
      // Named `<list>.<name>` as the hint map.ts reads back (`headers.X-Api-Key`, `tokens.apiKey`, `urlParameters.key`);
      // a value sent with `deleted` is scrubbed all the same, but is not what the item holds afterwards.
      if (out.maxLength(value, [...itemPath, 'value'], INPUT_LIMITS.secret)) {
        if (deleted) out.sensitive.push(value);
        else out.secret(`${kind}.${name}`, value);
      }
    } else if (!deleted && (mode === 'create' || kind === 'tokens')) out.fail([...itemPath, 'value'], 'is required');
    return { name, ...optional('value', given ? value : undefined), ...extra(deleted) };
  });
}

function httpIntegration(input: DatadogHttpIntegrationInput, mode: Mode, path: readonly string[], out: InputChecks): DatadogHttpIntegrationRequest {
  const { baseUrl, body } = input;
  if (baseUrl !== null && baseUrl !== undefined && out.maxLength(baseUrl, [...path, 'baseUrl'], INPUT_LIMITS.url) && !isHttpUrl(baseUrl)) out.fail([...path, 'baseUrl'], 'must be an http(s) URL');
  const deletedMark = (deleted: boolean) => optional('deleted', deleted ? true : undefined);
  const headers = httpItems(input.headers, 'headers', mode, [...path, 'headers'], out, deletedMark);
  const tokens = httpItems(input.tokens, 'tokens', mode, [...path, 'tokens'], out, (deleted) => ({ type: 'SECRET' as const, ...deletedMark(deleted) }));
  const urlParameters = httpItems(input.urlParameters, 'urlParameters', mode, [...path, 'urlParameters'], out, deletedMark);
  const content = body?.content;
  if (content !== null && content !== undefined && out.maxLength(content, [...path, 'body', 'content'], INPUT_LIMITS.document)) out.secret('body.content', content);
  const contentType = body?.contentType;
  if (contentType !== null && contentType !== undefined) out.maxLength(contentType, [...path, 'body', 'contentType'], INPUT_LIMITS.name);
  return {
    type: HTTP_INTEGRATION_TYPE,
    ...optional('base_url', baseUrl),
    credentials: {
      type: HTTP_CREDENTIAL_TYPE,
      ...optional('headers', headers),
      ...optional('tokens', tokens),
      ...optional('url_parameters', urlParameters),
      ...optional('body', body && { ...optional('content', content), ...optional('content_type', body.contentType) }),
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The integration the input names, built from the catalogue entry of its one member. */
function integrationBody(input: DatadogIntegrationInput, mode: Mode, path: readonly string[], out: InputChecks): { spec: IntegrationSpec; wire: DatadogIntegrationRequest } {
  const [key, chosen] = member(input, 'Datadog integration');
  const spec = DATADOG_INTEGRATIONS.find((s) => s.key === key);
  if (!spec) throw new Error(`the Datadog integration input member ${key} is not in the catalogue`);
  const memberPath = [...path, key];
  if (isHttpMember(spec, chosen)) return { spec, wire: httpIntegration(chosen, mode, memberPath, out) };
  let variant: CredentialVariant | undefined;
  let fields: DatadogCredentialsInput;
  let fieldsPath = memberPath;
  if (isVariantsMember(spec, chosen)) {
    const [variantKey, variantFields] = member(chosen, `${spec.type} credentials`);
    variant = spec.variants.find((v) => v.key === variantKey);
    fields = variantFields;
    fieldsPath = [...memberPath, variantKey];
  } else {
    variant = spec.variants[0];
    fields = chosen;
  }
  if (!variant) throw new Error(`no ${spec.type} credential variant for ${fieldsPath.join('.')} in the catalogue`);
  return { spec, wire: { type: spec.type, credentials: catalogueCredentials(variant, fields, mode, fieldsPath, out) } };
}

/**
 * Checks a create input the way Datadog would (patterns, tags) and builds the JSON:API body.
 * Throws `InputValidationError` listing every problem; nothing is sent then.
 */
export function buildCreateBody(input: DatadogCreateInput): BuiltRequest<DatadogCreateConnectionRequest> {
  const out = new InputChecks();
  const name = checkName(input.name, ['name'], out);
  const tags = input.tags === null || input.tags === undefined ? undefined : checkTags(input.tags, ['tags'], out);
  const integration = integrationBody(input.integration, 'create', ['integration'], out);
  out.throwIfAny();
  return { body: { data: { type: 'action_connection', attributes: { name, ...optional('tags', tags), integration: integration.wire } } }, sensitive: out.sensitive, secrets: out.secrets };
}

/**
 * Checks an update. Omitted fields, including secrets, stay unchanged at Datadog; the
 * integration type cannot change (Datadog keys credentials by type; delete and create instead).
 */
export function buildUpdateBody(input: DatadogUpdateInput, currentType: string | null): BuiltRequest<DatadogUpdateConnectionRequest> {
  const out = new InputChecks();
  const name = input.name === null || input.name === undefined ? undefined : checkName(input.name, ['name'], out);
  const tags = input.tags === null || input.tags === undefined ? undefined : checkTags(input.tags, ['tags'], out);
  let integration: DatadogIntegrationRequest | undefined;
  if (input.integration !== null && input.integration !== undefined) {
    const built = integrationBody(input.integration, 'update', ['integration'], out);
    if (currentType !== null && built.spec.type !== currentType) {
      out.fail(['integration'], `this connection is a ${currentType} integration; its type cannot change`);
    }
    integration = built.wire;
  }
  if (name === undefined && tags === undefined && integration === undefined && out.errors.length === 0) {
    out.fail([], 'nothing to update: give name, tags or integration');
  }
  out.throwIfAny();
  return {
    body: { data: { type: 'action_connection', attributes: { ...optional('name', name), ...optional('tags', tags), ...optional('integration', integration) } } },
    sensitive: out.sensitive,
    secrets: out.secrets,
  };
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
