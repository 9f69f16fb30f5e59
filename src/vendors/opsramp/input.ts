import { InputValidationError } from '../../core/errors.js';
import { INPUT_LIMITS, InputChecks, optional, type BuiltRequest } from '../../core/input-check.js';
import {
  OPSRAMP_CATEGORIES,
  OPSRAMP_DIRECTIONS,
  OPSRAMP_ENTITY_TYPES,
  OPSRAMP_GRANT_TYPES,
  OPSRAMP_INBOUND_AUTH_TYPES,
  OPSRAMP_NOTIFIER_AUTH_TYPES,
  OPSRAMP_NOTIFIER_TYPES,
  catalogueEntry,
  type OpsRampCategory,
  type OpsRampDirection,
  type OpsRampEntityType,
  type OpsRampGrantType,
  type OpsRampInboundAuthType,
  type OpsRampNotifierAuthType,
  type OpsRampNotifierType,
  type Unknown,
} from './catalogue.js';

/*
 * GraphQL input → OpsRamp request bodies, checked first the way OpsRamp checks them
 * (docs/vendors/opsramp/CONTRACT.md, "Object model"; the spec's field descriptions say which fields
 * each auth type needs). GraphQL already guarantees the shapes, the required fields and the enum
 * members, except that every enum's `UNKNOWN` (an output-only member, schema/opsramp/enums.ts) gets
 * through and is refused here. Every problem is collected, then reported at once as
 * `InputValidationError`; nothing is sent then. Bodies use the names of the spec's schema
 * (`tenantAttrName`, `tenantEntityType`, `tenantAttrValue`, `accessTokenURL`, `grantType:
 * PASSWORD`), not the ones its examples show (`thirdParty*`, `accessTokenURI`): the schema is what
 * the API documents (CONTRACT.md, "Inconsistencies"). The GraphQL input keeps the clearer
 * `thirdParty*` / `accessTokenUri` names; the builders rename.
 */

/** An enum value as GraphQL delivers it: a known value or the output-only `UNKNOWN`. */
type OrUnknown<T extends string> = T | Unknown;

interface OpsRampMapAttributeInput {
  readonly name: string;
  readonly entityType: OrUnknown<OpsRampEntityType>;
  readonly thirdPartyAttrName: string;
  readonly thirdPartyEntityType: string;
  readonly attrValues: readonly { readonly attrValue: string; readonly thirdPartyAttrValue: string }[];
}

interface OpsRampInboundConfigInput {
  readonly authentication?: { readonly authType: OrUnknown<OpsRampInboundAuthType>; readonly roleUniqueId?: string | null | undefined } | null | undefined;
  readonly mapAttributes?: readonly OpsRampMapAttributeInput[] | null | undefined;
  readonly dropAlerts?: boolean | null | undefined;
  readonly entityTypes?: readonly OrUnknown<OpsRampEntityType>[] | null | undefined;
}

export interface OpsRampKeyValueInput {
  readonly key: string;
  readonly value: string;
}

export interface OpsRampNotifierInput {
  readonly type: OrUnknown<OpsRampNotifierType>;
  readonly baseUri: string;
  readonly authType: OrUnknown<OpsRampNotifierAuthType>;
  readonly grantType?: OrUnknown<OpsRampGrantType> | null | undefined;
  readonly userName?: string | null | undefined;
  readonly password?: string | null | undefined;
  readonly accessTokenUri?: string | null | undefined;
  readonly apiKey?: string | null | undefined;
  readonly apiSecret?: string | null | undefined;
  readonly tokenUrl?: string | null | undefined;
  readonly tokenPayload?: string | null | undefined;
  readonly tokenHeaders?: readonly OpsRampKeyValueInput[] | null | undefined;
  readonly tokensPath?: readonly OpsRampKeyValueInput[] | null | undefined;
  readonly resourceAuthHeaders?: readonly OpsRampKeyValueInput[] | null | undefined;
}

interface OpsRampOutboundConfigInput {
  readonly mapAttributes?: readonly OpsRampMapAttributeInput[] | null | undefined;
  readonly baseNotifier?: OpsRampNotifierInput | null | undefined;
}

/** What `updateOpsRampInstalledIntegration` hands the builder (besides the id). */
export interface OpsRampUpdateInput {
  readonly displayName?: string | null | undefined;
  readonly description?: string | null | undefined;
  readonly inboundConfig?: OpsRampInboundConfigInput | null | undefined;
  readonly outboundConfig?: OpsRampOutboundConfigInput | null | undefined;
}

/** What `installOpsRampIntegration` hands the builder. */
export interface OpsRampInstallInput extends OpsRampUpdateInput {
  readonly integrationId: string;
  readonly category?: OrUnknown<OpsRampCategory> | null | undefined;
  readonly direction?: OrUnknown<OpsRampDirection> | null | undefined;
  readonly alertSourceId?: number | null | undefined;
  readonly parentIntegrationId?: string | null | undefined;
}

/*
 * The request bodies (CONTRACT.md, "Endpoints" and "Object model"): only the fields the input set.
 */

/** A mapping attribute with the schema's names: `tenant*` is the third party's side. */
interface OpsRampMapAttributeRequest {
  readonly name: string;
  readonly tenantAttrName: string;
  readonly entityType: OpsRampEntityType;
  readonly tenantEntityType: string;
  readonly attrValues: readonly { readonly attrValue: string; readonly tenantAttrValue: string }[];
}

interface OpsRampInboundConfigRequest {
  readonly authentication?: { readonly authType: OpsRampInboundAuthType; readonly role?: { readonly uniqueId: string } };
  readonly mapAttributes?: readonly OpsRampMapAttributeRequest[];
  readonly dropAlerts?: boolean;
  readonly entityTypes?: readonly OpsRampEntityType[];
}

interface OpsRampKeyValueRequest {
  readonly key: string;
  readonly value: string;
}

/** The user's JWT login payload, a JSON object sent as given. */
type JsonObject = { readonly [key: string]: unknown };

/** `baseNotifier`: which credentials it carries depends on `authType`. */
type OpsRampNotifierRequest = { readonly type: OpsRampNotifierType; readonly baseURI: string } & (
  | { readonly authType: 'NONE' }
  | { readonly authType: 'BASIC'; readonly userName: string; readonly password: string }
  | {
      readonly authType: 'OAUTH2';
      readonly grantType: OpsRampGrantType;
      readonly userName?: string;
      readonly password?: string;
      readonly accessTokenURL: string;
      readonly apiKey: string;
      readonly apiSecret: string;
    }
  | {
      readonly authType: 'JWT';
      readonly userName?: string;
      readonly password?: string;
      readonly tokenURL: string;
      readonly tokenPayload?: JsonObject;
      readonly tokenHeaders?: readonly OpsRampKeyValueRequest[];
      readonly tokensPath?: readonly OpsRampKeyValueRequest[];
      readonly resourceAuthHeaders?: readonly OpsRampKeyValueRequest[];
    }
);

interface OpsRampOutboundConfigRequest {
  readonly mapAttributes?: readonly OpsRampMapAttributeRequest[];
  readonly baseNotifier?: OpsRampNotifierRequest;
}

/** `POST /installed/{id}`: a partial `integrationInstall`; what it leaves out stays as it is. */
export interface OpsRampUpdateRequest {
  readonly displayName?: string;
  readonly description?: string;
  readonly inboundConfig?: OpsRampInboundConfigRequest;
  readonly outboundConfig?: OpsRampOutboundConfigRequest;
}

/** `POST /install/{integrationId}`: an `integrationInstall`. */
export interface OpsRampInstallRequest extends OpsRampUpdateRequest {
  readonly category?: OpsRampCategory;
  readonly direction?: OpsRampDirection;
  readonly alertSource?: { readonly id: number };
  readonly parentIntg?: { readonly id: string };
}

/** `DELETE /installed/{id}`: OpsRamp requires the reason in a JSON body. */
export interface OpsRampUninstallRequest {
  readonly uninstallReason: string;
}

const MAX_TEXT = 255;
const MAX_MAPPINGS = 100;
const MAX_VALUES = 200;
const MAX_KEY_VALUES = 50;
const MAX_REASON = 500;
const MAX_SEARCH = 100;
const INTEGRATION_ID = /^[A-Za-z0-9_][A-Za-z0-9_ .-]{0,63}$/;
const INSTALLED_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Inputs are single-line printable text; control characters are refused outright. */
const CONTROL = /[\u0000-\u001f\u007f]/;

const absent = (value: unknown): value is null | undefined => value === null || value === undefined;

/*
 * The checks below record what is wrong and return what to send. When anything was recorded the
 * builders throw before a body leaves, so what a check returns for a refused or missing value (the
 * value as given, or a stand-in) is never sent.
 */

/** Whether a given text is usable: not blank, bounded, one line. */
function checkText(value: string, path: readonly string[], out: InputChecks, max = MAX_TEXT): boolean {
  if (value.trim() === '') {
    out.fail(path, 'must not be empty');
    return false;
  }
  if (!out.maxLength(value, path, max)) return false;
  if (CONTROL.test(value)) {
    out.fail(path, 'must not contain control characters');
    return false;
  }
  return true;
}

function text(value: string, path: readonly string[], out: InputChecks, max = MAX_TEXT): string {
  checkText(value, path, out, max);
  return value;
}

function optionalText(value: string | null | undefined, path: readonly string[], out: InputChecks, max = MAX_TEXT): string | undefined {
  return absent(value) ? undefined : text(value, path, out, max);
}

/** A text GraphQL lets be null but OpsRamp needs here. */
function requiredText(value: string | null | undefined, path: readonly string[], out: InputChecks, max = MAX_TEXT): string {
  if (!absent(value)) return text(value, path, out, max);
  out.fail(path, 'is required');
  return '';
}

/**
 * A secret: sent, remembered as sensitive (and by its hint field, for key custody), never
 * returned. Its input path is the field its `SecretHint` names on read (map.ts), e.g.
 * `outboundConfig.baseNotifier.tokenHeaders.0.value`. A value made only of asterisks is what
 * OpsRamp's own examples show for a masked secret; sending it back would overwrite the real one.
 */
function secret(value: string, path: readonly string[], out: InputChecks): string {
  if (!checkText(value, path, out, INPUT_LIMITS.secret)) return value;
  if (/^\*+$/.test(value)) out.fail(path, 'looks like a masked value; send the real secret');
  else out.secret(path.join('.'), value);
  return value;
}

function optionalSecret(value: string | null | undefined, path: readonly string[], out: InputChecks): string | undefined {
  return absent(value) ? undefined : secret(value, path, out);
}

function requiredSecret(value: string | null | undefined, path: readonly string[], out: InputChecks): string {
  if (!absent(value)) return secret(value, path, out);
  out.fail(path, 'is required');
  return '';
}

/** The value among `values`; `UNKNOWN`, which GraphQL lets through, is refused. */
function known<T extends string>(values: readonly T[], value: OrUnknown<T>, path: readonly string[], out: InputChecks): T | undefined {
  const found = values.find((v) => v === value);
  if (found === undefined) out.fail(path, `must be one of ${values.join(', ')}`);
  return found;
}

/** Like {@link known}, for a value GraphQL lets be null but OpsRamp needs here. */
function requiredKnown<T extends string>(values: readonly T[], value: OrUnknown<T> | null | undefined, path: readonly string[], out: InputChecks): T | undefined {
  if (!absent(value)) return known(values, value, path, out);
  out.fail(path, 'is required');
  return undefined;
}

/** Like {@link known}, for a value the body cannot go without: `standIn` stands for a refused one. */
function knownOr<T extends string>(values: readonly T[], value: OrUnknown<T>, path: readonly string[], out: InputChecks, standIn: T): T {
  return known(values, value, path, out) ?? standIn;
}

/** Whether a list is within bounds. */
function checkLength(items: readonly unknown[], path: readonly string[], out: InputChecks, max: number): boolean {
  return out.maxItems(items, path, max);
}

function mapAttributes(items: readonly OpsRampMapAttributeInput[] | null | undefined, path: readonly string[], out: InputChecks): OpsRampMapAttributeRequest[] | undefined {
  if (absent(items) || !checkLength(items, path, out, MAX_MAPPINGS)) return undefined;
  return items.map((item, index) => {
    const at = [...path, String(index)];
    const values = checkLength(item.attrValues, [...at, 'attrValues'], out, MAX_VALUES) ? item.attrValues : [];
    return {
      name: text(item.name, [...at, 'name'], out),
      tenantAttrName: text(item.thirdPartyAttrName, [...at, 'thirdPartyAttrName'], out),
      entityType: knownOr(OPSRAMP_ENTITY_TYPES, item.entityType, [...at, 'entityType'], out, 'ALERT'),
      tenantEntityType: text(item.thirdPartyEntityType, [...at, 'thirdPartyEntityType'], out),
      attrValues: values.map((value, valueIndex) => {
        const vAt = [...at, 'attrValues', String(valueIndex)];
        return {
          attrValue: text(value.attrValue, [...vAt, 'attrValue'], out),
          tenantAttrValue: text(value.thirdPartyAttrValue, [...vAt, 'thirdPartyAttrValue'], out),
        };
      }),
    };
  });
}

function keyValues(items: readonly OpsRampKeyValueInput[] | null | undefined, path: readonly string[], out: InputChecks, secretValues: boolean): OpsRampKeyValueRequest[] | undefined {
  if (absent(items) || !checkLength(items, path, out, MAX_KEY_VALUES)) return undefined;
  return items.map((item, index) => {
    const at = [...path, String(index)];
    return {
      key: text(item.key, [...at, 'key'], out),
      value: secretValues ? secret(item.value, [...at, 'value'], out) : text(item.value, [...at, 'value'], out, INPUT_LIMITS.text),
    };
  });
}

type NotifierCredentialField = Exclude<keyof OpsRampNotifierInput, 'type' | 'baseUri' | 'authType'>;

/** Which notifier fields each auth type takes (the spec's `notifier` descriptions). */
const NOTIFIER_FIELDS: Readonly<Record<OpsRampNotifierAuthType, readonly NotifierCredentialField[]>> = {
  NONE: [],
  BASIC: ['userName', 'password'],
  OAUTH2: ['grantType', 'userName', 'password', 'accessTokenUri', 'apiKey', 'apiSecret'],
  JWT: ['userName', 'password', 'tokenUrl', 'tokenPayload', 'tokenHeaders', 'tokensPath', 'resourceAuthHeaders'],
};
const NOTIFIER_CREDENTIAL_FIELDS: readonly NotifierCredentialField[] = [
  'grantType',
  'userName',
  'password',
  'accessTokenUri',
  'apiKey',
  'apiSecret',
  'tokenUrl',
  'tokenPayload',
  'tokenHeaders',
  'tokensPath',
  'resourceAuthHeaders',
];

function notifier(input: OpsRampNotifierInput, path: readonly string[], out: InputChecks): OpsRampNotifierRequest {
  const type = knownOr(OPSRAMP_NOTIFIER_TYPES, input.type, [...path, 'type'], out, 'REST_API');
  const baseURI = input.baseUri;
  if (checkText(baseURI, [...path, 'baseUri'], out, INPUT_LIMITS.url) && /\s/.test(baseURI)) out.fail([...path, 'baseUri'], 'must not contain spaces');
  const authType = known(OPSRAMP_NOTIFIER_AUTH_TYPES, input.authType, [...path, 'authType'], out);
  if (authType === undefined) return { type, baseURI, authType: 'NONE' };
  const allowed = NOTIFIER_FIELDS[authType];
  for (const field of NOTIFIER_CREDENTIAL_FIELDS) {
    if (!allowed.includes(field) && !absent(input[field])) out.fail([...path, field], `does not apply to authType ${authType}`);
  }
  const at = (field: NotifierCredentialField): readonly string[] => [...path, field];
  switch (authType) {
    case 'NONE':
      return { type, baseURI, authType };
    case 'BASIC':
      return { type, baseURI, authType, userName: requiredText(input.userName, at('userName'), out), password: requiredSecret(input.password, at('password'), out) };
    case 'OAUTH2': {
      const grantType = requiredKnown(OPSRAMP_GRANT_TYPES, input.grantType, at('grantType'), out);
      const needsUser = grantType === 'PASSWORD' || grantType === 'REFRESH_TOKEN';
      if (grantType === 'CLIENT_CREDENTIALS') {
        for (const field of ['userName', 'password'] as const) {
          if (!absent(input[field])) out.fail(at(field), 'applies only to the PASSWORD and REFRESH_TOKEN grants');
        }
      }
      return {
        type,
        baseURI,
        authType,
        grantType: grantType ?? 'CLIENT_CREDENTIALS',
        ...optional('userName', needsUser ? requiredText(input.userName, at('userName'), out) : undefined),
        ...optional('password', needsUser ? requiredSecret(input.password, at('password'), out) : undefined),
        accessTokenURL: requiredText(input.accessTokenUri, at('accessTokenUri'), out, INPUT_LIMITS.url),
        apiKey: requiredSecret(input.apiKey, at('apiKey'), out),
        apiSecret: requiredSecret(input.apiSecret, at('apiSecret'), out),
      };
    }
    case 'JWT': {
      const userName = optionalText(input.userName, at('userName'), out);
      const password = optionalSecret(input.password, at('password'), out);
      const tokenURL = requiredText(input.tokenUrl, at('tokenUrl'), out, INPUT_LIMITS.url);
      const payload = input.tokenPayload;
      let tokenPayload: JsonObject | undefined;
      if (!absent(payload) && out.maxLength(payload, at('tokenPayload'), INPUT_LIMITS.document)) {
        tokenPayload = parseJsonObject(payload);
        if (tokenPayload === undefined) out.fail(at('tokenPayload'), 'must be a JSON object');
        else {
          // Fingerprinted as the text given (its hint field is the payload's); the payload is sent as JSON, so OpsRamp sees (and may quote) its values one by one.
          out.secret(at('tokenPayload').join('.'), payload);
          out.sensitive.push(...jsonLeaves(tokenPayload));
        }
      }
      return {
        type,
        baseURI,
        authType,
        ...optional('userName', userName),
        ...optional('password', password),
        tokenURL,
        ...optional('tokenPayload', tokenPayload),
        ...optional('tokenHeaders', keyValues(input.tokenHeaders, at('tokenHeaders'), out, true)),
        ...optional('tokensPath', keyValues(input.tokensPath, at('tokensPath'), out, false)),
        ...optional('resourceAuthHeaders', keyValues(input.resourceAuthHeaders, at('resourceAuthHeaders'), out, true)),
      };
    }
    default: {
      const unreachable: never = authType;
      throw new Error(`unknown notifier authType ${String(unreachable)}`);
    }
  }
}

function parseJsonObject(json: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Every string and number inside a JSON value, as text: what a login payload's secrets look like on the wire. */
function jsonLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(jsonLeaves);
  if (isJsonObject(value)) return Object.values(value).flatMap(jsonLeaves);
  return [];
}

/** Whether a value `JSON.parse` returned is an object (its members are JSON, whatever they are). */
function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ROLE_REQUIRED = 'is required for a Custom-category install';

function inboundConfig(input: OpsRampInboundConfigInput | null | undefined, path: readonly string[], out: InputChecks, roleRequired: boolean): OpsRampInboundConfigRequest | undefined {
  if (absent(input)) {
    if (roleRequired) out.fail([...path, 'authentication', 'roleUniqueId'], ROLE_REQUIRED);
    return undefined;
  }
  const { authentication: auth, entityTypes } = input;
  let authentication: OpsRampInboundConfigRequest['authentication'];
  if (!absent(auth)) {
    const authPath = [...path, 'authentication'];
    const authType = knownOr(OPSRAMP_INBOUND_AUTH_TYPES, auth.authType, [...authPath, 'authType'], out, 'WEBHOOK');
    const role = roleRequired ? requiredText(auth.roleUniqueId, [...authPath, 'roleUniqueId'], out) : optionalText(auth.roleUniqueId, [...authPath, 'roleUniqueId'], out);
    authentication = { authType, ...optional('role', role === undefined ? undefined : { uniqueId: role }) };
  } else if (roleRequired) {
    out.fail([...path, 'authentication', 'roleUniqueId'], ROLE_REQUIRED);
  }
  const wire: OpsRampInboundConfigRequest = {
    ...optional('authentication', authentication),
    ...optional('mapAttributes', mapAttributes(input.mapAttributes, [...path, 'mapAttributes'], out)),
    ...optional('dropAlerts', input.dropAlerts),
    ...optional(
      'entityTypes',
      !absent(entityTypes) && checkLength(entityTypes, [...path, 'entityTypes'], out, OPSRAMP_ENTITY_TYPES.length)
        ? entityTypes.map((t, i) => knownOr(OPSRAMP_ENTITY_TYPES, t, [...path, 'entityTypes', String(i)], out, 'ALERT'))
        : undefined,
    ),
  };
  if (Object.keys(wire).length === 0) out.fail(path, 'must set at least one field');
  return wire;
}

function outboundConfig(input: OpsRampOutboundConfigInput | null | undefined, path: readonly string[], out: InputChecks): OpsRampOutboundConfigRequest | undefined {
  if (absent(input)) return undefined;
  const wire: OpsRampOutboundConfigRequest = {
    ...optional('mapAttributes', mapAttributes(input.mapAttributes, [...path, 'mapAttributes'], out)),
    ...optional('baseNotifier', absent(input.baseNotifier) ? undefined : notifier(input.baseNotifier, [...path, 'baseNotifier'], out)),
  };
  if (Object.keys(wire).length === 0) out.fail(path, 'must set at least one field');
  return wire;
}

/** The body of an install, the catalogue id it goes to, and the secrets it carries. */
export interface BuiltInstall {
  readonly integrationId: string;
  readonly built: BuiltRequest<OpsRampInstallRequest>;
}

/**
 * Checks an install and builds its body. Category, direction and alert source apply only to
 * CUSTOM installs (direction to Collaboration, alert source to Monitoring); a Custom-category
 * install needs a role for its inbound user (the spec's `authentication.role`).
 */
export function buildInstallBody(input: OpsRampInstallInput): BuiltInstall {
  const out = new InputChecks();
  const { integrationId } = input;
  const idOk = checkText(integrationId, ['integrationId'], out, 64);
  if (idOk && !INTEGRATION_ID.test(integrationId)) out.fail(['integrationId'], 'must be an OpsRamp integration id such as CUSTOM or SLACK');
  const isCustom = idOk && catalogueEntry(integrationId)?.kind === 'CUSTOM';
  let category: OpsRampCategory | undefined;
  if (isCustom) category = requiredKnown(OPSRAMP_CATEGORIES, input.category, ['category'], out);
  else if (!absent(input.category)) out.fail(['category'], 'applies only to CUSTOM installs');
  const displayName = isCustom ? requiredText(input.displayName, ['displayName'], out) : optionalText(input.displayName, ['displayName'], out);
  const direction = absent(input.direction) ? undefined : known(OPSRAMP_DIRECTIONS, input.direction, ['direction'], out);
  if (direction !== undefined && category !== 'Collaboration') out.fail(['direction'], 'applies only to the Collaboration category');
  let alertSource: { readonly id: number } | undefined;
  if (!absent(input.alertSourceId)) {
    // GraphQL's Int guarantees an integer; OpsRamp's ids are positive.
    if (input.alertSourceId <= 0) out.fail(['alertSourceId'], 'must be a positive integer');
    else if (category !== 'Monitoring') out.fail(['alertSourceId'], 'applies only to the Monitoring category');
    else alertSource = { id: input.alertSourceId };
  }
  const parent = optionalText(input.parentIntegrationId, ['parentIntegrationId'], out, 128);
  if (parent !== undefined && !INSTALLED_ID.test(parent)) out.fail(['parentIntegrationId'], 'is not an installed-integration id');
  const body: OpsRampInstallRequest = {
    ...optional('displayName', displayName),
    ...optional('description', optionalText(input.description, ['description'], out, INPUT_LIMITS.text)),
    ...optional('category', category),
    ...optional('direction', direction),
    ...optional('alertSource', alertSource),
    ...optional('parentIntg', parent === undefined ? undefined : { id: parent }),
    ...optional('inboundConfig', inboundConfig(input.inboundConfig, ['inboundConfig'], out, category === 'Custom')),
    ...optional('outboundConfig', outboundConfig(input.outboundConfig, ['outboundConfig'], out)),
  };
  out.throwIfAny();
  return { integrationId, built: { body, sensitive: out.sensitive, secrets: out.secrets } };
}

/**
 * Checks an update (OpsRamp's POST with a partial body). What the input leaves out stays as it
 * is at OpsRamp; a notifier is replaced whole, so it must carry its secrets again: Patchbay never
 * fills them in from what it read.
 */
export function buildUpdateBody(input: OpsRampUpdateInput): BuiltRequest<OpsRampUpdateRequest> {
  const out = new InputChecks();
  const body: OpsRampUpdateRequest = {
    ...optional('displayName', optionalText(input.displayName, ['displayName'], out)),
    ...optional('description', optionalText(input.description, ['description'], out, INPUT_LIMITS.text)),
    ...optional('inboundConfig', inboundConfig(input.inboundConfig, ['inboundConfig'], out, false)),
    ...optional('outboundConfig', outboundConfig(input.outboundConfig, ['outboundConfig'], out)),
  };
  if (out.errors.length === 0 && Object.keys(body).length === 0) out.fail([], 'nothing to change: set at least one field besides id');
  out.throwIfAny();
  return { body, sensitive: out.sensitive, secrets: out.secrets };
}

/** Checks an installed-integration id taken from a global id. */
export function checkInstalledId(id: string, path: readonly string[]): void {
  if (!INSTALLED_ID.test(id)) throw InputValidationError.single(path, 'is not an OpsRamp installed-integration id');
}

/** Checks the uninstall reason OpsRamp requires in the DELETE body. */
export function checkUninstallReason(reason: string, path: readonly string[] = ['reason']): string {
  const out = new InputChecks();
  text(reason, path, out, MAX_REASON);
  out.throwIfAny();
  return reason;
}

/**
 * Builds the catalogue search's `queryString` (`key:value` pairs joined with `+`). `+` and `:`
 * are OpsRamp's separators, so a search term may not contain them.
 */
export function availableQueryString(search: string | null | undefined, path: readonly string[] = ['search']): string | undefined {
  const out = new InputChecks();
  const value = absent(search) ? undefined : checkText(search, path, out, MAX_SEARCH) ? search : undefined;
  if (value !== undefined && /[+:]/.test(value)) out.fail(path, 'must not contain "+" or ":"');
  out.throwIfAny();
  return value === undefined ? undefined : `name:${value.trim()}`;
}
