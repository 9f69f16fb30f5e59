import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SimRequest, SimResponse } from '../base.js';
import {
  ATTR_NAME_PREFIX,
  DEFAULT_PAGE_SIZE,
  ENTITY_TYPES,
  GRANT_TYPES,
  INBOUND_AUTH_TYPES,
  NOTIFIER_AUTH_TYPES,
  NOTIFIER_TYPES,
  PASSWORD_GRANT_NAMES,
  UNDOCUMENTED_REQUEST_FIELDS,
} from './contract.js';
import { error, type Page } from './render.js';
import type { StoredAuthentication, StoredInboundConfig, StoredKeyValue, StoredMapping, StoredNotifier, StoredOutboundConfig } from './state.js';

/*
 * How the integrations API reads and judges request bodies (CONTRACT.md, "Object model"). Requests
 * use the schema's names (`tenantAttrName`, `tenantEntityType`, `tenantAttrValue`,
 * `accessTokenURL`); the names only the examples show are refused (`decode`), the way a server
 * that rejects unknown properties answers.
 */

const text = z.string().nullish();
const mappingIn = z.looseObject({
  name: text,
  entityType: text,
  tenantAttrName: text,
  tenantEntityType: text,
  attrValues: z.array(z.looseObject({ attrValue: text, tenantAttrValue: text })).nullish(),
});
const keyValueIn = z.looseObject({ key: text, value: text });
/** `baseNotifier`. */
export const notifierIn = z.looseObject({
  type: text,
  baseURI: text,
  authType: text,
  grantType: text,
  userName: text,
  password: text,
  apiKey: text,
  apiSecret: text,
  accessTokenURL: text,
  tokenURL: text,
  tokenPayload: z.unknown().optional(),
  tokenHeaders: z.array(keyValueIn).nullish(),
  tokensPath: z.array(keyValueIn).nullish(),
  resourceAuthHeaders: z.array(keyValueIn).nullish(),
});
/** `inboundConfig.authentication`, also the body of `/inbound/authentication`. */
export const authenticationIn = z.looseObject({ authType: text, role: z.looseObject({ uniqueId: text }).nullish() });
const inboundIn = z.looseObject({
  authentication: authenticationIn.nullish(),
  mapAttributes: z.array(mappingIn).nullish(),
  dropAlerts: z.boolean().nullish(),
  entityTypes: z.array(z.string()).nullish(),
});
const outboundIn = z.looseObject({ mapAttributes: z.array(mappingIn).nullish(), baseNotifier: notifierIn.nullish() });
/** `integrationInstall` as an install or update body. */
export const installIn = z.looseObject({
  displayName: text,
  description: text,
  category: text,
  direction: text,
  alertSource: z.looseObject({ id: z.number().int().nullish() }).nullish(),
  parentIntg: z.looseObject({ id: text }).nullish(),
  inboundConfig: inboundIn.nullish(),
  outboundConfig: outboundIn.nullish(),
});
/** The body of `/mappingAttr`. */
export const mappingAttrIn = z.looseObject({
  inboundConfig: z.looseObject({ mapAttributes: z.array(mappingIn).nullish() }).nullish(),
  outboundConfig: z.looseObject({ mapAttributes: z.array(mappingIn).nullish() }).nullish(),
});
/** The JSON body DELETE requires. */
export const uninstallIn = z.looseObject({ uninstallReason: z.string().nullish() });

export type InstallIn = z.output<typeof installIn>;
type NotifierIn = z.output<typeof notifierIn>;
type MappingIn = z.output<typeof mappingIn>;

/** Collects validation failures; OpsRamp answers with the first, one message per 400. */
export class Problems {
  readonly messages: string[] = [];
  add(message: string): void {
    this.messages.push(message);
  }
  response(): SimResponse | null {
    const first = this.messages[0];
    return first === undefined ? null : error(400, 'invalid_request', first);
  }
}

/** The path of the first field of `value` that the API does not document (UNDOCUMENTED_REQUEST_FIELDS), if any. */
function undocumentedField(value: unknown, path: string): string | null {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = undocumentedField(item, `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (UNDOCUMENTED_REQUEST_FIELDS.has(key)) return at;
    const found = undocumentedField(item, at);
    if (found) return found;
  }
  return null;
}

/**
 * Parses a JSON body with `schema`, or answers the 400. An absent body reads as `{}`. A field the
 * API does not document among the names OpsRamp's own material disagrees on is refused before
 * anything else is judged.
 */
export function decode<T>(request: SimRequest, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: SimResponse } {
  if (request.bodyInvalid) return { ok: false, response: error(400, 'invalid_request', 'Malformed JSON request') };
  const undocumented = undocumentedField(request.body, '');
  if (undocumented) return { ok: false, response: error(400, 'invalid_request', `Unrecognized field "${undocumented}"`) };
  const parsed = schema.safeParse(request.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, response: error(400, 'invalid_request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`) };
  }
  return { ok: true, value: parsed.data };
}

export function inSet(values: readonly string[], value: string | null | undefined): boolean {
  return value !== null && value !== undefined && values.includes(value);
}

/** The response's `attrName` for a mapping (`incident.status.name`). */
function attrName(entityType: string, name: string): string {
  const words = name.trim().split(/\s+/);
  const camel = words.map((w, i) => (i === 0 ? w.toLowerCase() : `${w.charAt(0).toUpperCase()}${w.slice(1).toLowerCase()}`)).join('');
  return `${ATTR_NAME_PREFIX[entityType] ?? entityType.toLowerCase()}.${camel}.name`;
}

export function checkMappings(items: readonly MappingIn[] | null | undefined, where: string, problems: Problems): StoredMapping[] | undefined {
  if (!items) return undefined;
  return items.map((item, index) => {
    const at = `${where}.mapAttributes[${index}]`;
    const thirdPartyAttrName = item.tenantAttrName;
    const thirdPartyEntityType = item.tenantEntityType;
    if (!item.name) problems.add(`${at}.name is required`);
    if (!inSet(ENTITY_TYPES, item.entityType)) problems.add(`${at}.entityType must be one of ${ENTITY_TYPES.join(', ')}`);
    if (!thirdPartyAttrName) problems.add(`${at}.tenantAttrName is required`);
    if (!thirdPartyEntityType) problems.add(`${at}.tenantEntityType is required`);
    const attrValues = (item.attrValues ?? []).map((value, valueIndex) => {
      const third = value.tenantAttrValue;
      if (!value.attrValue || !third) problems.add(`${at}.attrValues[${valueIndex}] needs attrValue and tenantAttrValue`);
      return { attrValue: value.attrValue ?? '', thirdPartyAttrValue: third ?? '' };
    });
    const entityType = item.entityType ?? '';
    const name = item.name ?? '';
    return {
      name,
      attrName: attrName(entityType, name),
      entityType,
      thirdPartyAttrName: thirdPartyAttrName ?? '',
      thirdPartyEntityType: thirdPartyEntityType ?? '',
      attrValues,
    };
  });
}

function checkKeyValues(items: NotifierIn['tokenHeaders'], at: string, problems: Problems): StoredKeyValue[] | undefined {
  if (!items) return undefined;
  return items.map((item, index) => {
    if (!item.key || item.value === null || item.value === undefined) problems.add(`${at}[${index}] needs key and value`);
    return { key: item.key ?? '', value: item.value ?? '' };
  });
}

/** The spec's `notifier` rules: type, baseURI and authType always; the rest by auth type. */
export function checkNotifier(input: NotifierIn, problems: Problems): StoredNotifier {
  const at = 'outboundConfig.baseNotifier';
  if (!inSet(NOTIFIER_TYPES, input.type)) problems.add(`${at}.type must be one of ${NOTIFIER_TYPES.join(', ')}`);
  if (!input.baseURI) problems.add(`${at}.baseURI is required`);
  if (!inSet(NOTIFIER_AUTH_TYPES, input.authType)) problems.add(`${at}.authType must be one of ${NOTIFIER_AUTH_TYPES.join(', ')}`);
  const grantType = input.grantType && PASSWORD_GRANT_NAMES.has(input.grantType) ? 'PASSWORD' : input.grantType;
  const accessTokenURI = input.accessTokenURL;
  if (input.authType === 'OAUTH2') {
    if (!inSet(GRANT_TYPES, grantType)) problems.add(`${at}.grantType must be one of ${GRANT_TYPES.join(', ')}`);
    if (!input.apiKey) problems.add(`${at}.apiKey is mandatory for OAUTH2`);
    if (!input.apiSecret) problems.add(`${at}.apiSecret is mandatory for OAUTH2`);
    if (!accessTokenURI) problems.add(`${at}.accessTokenURL is mandatory for OAUTH2`);
    if ((grantType === 'PASSWORD' || grantType === 'REFRESH_TOKEN') && (!input.userName || !input.password)) {
      problems.add(`${at}.userName and password are mandatory for the ${grantType} grant`);
    }
  }
  // Unknown: BASIC's required fields; a user name and password is what basic auth needs.
  if (input.authType === 'BASIC' && (!input.userName || !input.password)) problems.add(`${at}.userName and password are mandatory for BASIC`);
  if (input.authType === 'JWT' && !input.tokenURL) problems.add(`${at}.tokenURL is mandatory for JWT`);
  const tokenHeaders = checkKeyValues(input.tokenHeaders, `${at}.tokenHeaders`, problems);
  const tokensPath = checkKeyValues(input.tokensPath, `${at}.tokensPath`, problems);
  const resourceAuthHeaders = checkKeyValues(input.resourceAuthHeaders, `${at}.resourceAuthHeaders`, problems);
  return {
    type: input.type ?? '',
    baseURI: input.baseURI ?? '',
    authType: input.authType ?? '',
    ...(grantType ? { grantType } : {}),
    ...(input.userName ? { userName: input.userName } : {}),
    ...(input.password ? { password: input.password } : {}),
    ...(input.apiKey ? { apiKey: input.apiKey } : {}),
    ...(input.apiSecret ? { apiSecret: input.apiSecret } : {}),
    ...(accessTokenURI ? { accessTokenURI } : {}),
    ...(input.tokenURL ? { tokenURL: input.tokenURL } : {}),
    ...(input.tokenPayload === undefined || input.tokenPayload === null ? {} : { tokenPayload: input.tokenPayload }),
    ...(tokenHeaders ? { tokenHeaders } : {}),
    ...(tokensPath ? { tokensPath } : {}),
    ...(resourceAuthHeaders ? { resourceAuthHeaders } : {}),
  };
}

function randomToken(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** New inbound credentials for an auth type: a webhook token, an OAuth2 key pair, or both. */
export function credentialsFor(authType: string): Pick<StoredAuthentication, 'token' | 'apiKeyPairs'> {
  const webhook = authType === 'WEBHOOK' || authType === 'ALL';
  const oauth = authType === 'OAUTH2' || authType === 'ALL';
  return {
    ...(webhook ? { token: randomToken() } : {}),
    ...(oauth ? { apiKeyPairs: [{ key: randomToken(), secret: randomToken(48) }] } : {}),
  };
}

/** Applies inbound changes; a changed auth type gets new credentials (shown once, by the caller). */
export function applyInbound(current: StoredInboundConfig | undefined, input: InstallIn['inboundConfig'], problems: Problems): { value: StoredInboundConfig | undefined; regenerated: boolean } {
  if (!input) return { value: current, regenerated: false };
  let authentication = current?.authentication;
  let regenerated = false;
  if (input.authentication) {
    const authType = input.authentication.authType;
    if (!inSet(INBOUND_AUTH_TYPES, authType)) problems.add(`inboundConfig.authentication.authType must be one of ${INBOUND_AUTH_TYPES.join(', ')}`);
    const roleId = input.authentication.role?.uniqueId;
    const role = roleId ? { uniqueId: roleId } : authentication?.role;
    const keep = authentication && authentication.authType === authType;
    regenerated = !keep;
    authentication = {
      authType: authType ?? '',
      ...(role ? { role } : {}),
      ...(keep
        ? { ...(authentication?.token ? { token: authentication.token } : {}), ...(authentication?.apiKeyPairs ? { apiKeyPairs: authentication.apiKeyPairs } : {}) }
        : credentialsFor(authType ?? '')),
    };
  }
  const mapAttributes = checkMappings(input.mapAttributes, 'inboundConfig', problems) ?? current?.mapAttributes;
  const entityTypes = input.entityTypes ?? current?.entityTypes;
  for (const entity of input.entityTypes ?? []) {
    if (!inSet(ENTITY_TYPES, entity)) problems.add(`inboundConfig.entityTypes: ${entity} is not an entity type`);
  }
  const dropAlerts = input.dropAlerts ?? current?.dropAlerts;
  return {
    value: {
      ...(authentication ? { authentication } : {}),
      ...(mapAttributes ? { mapAttributes } : {}),
      ...(dropAlerts === undefined ? {} : { dropAlerts }),
      ...(entityTypes ? { entityTypes } : {}),
    },
    regenerated,
  };
}

/** Applies outbound changes. */
export function applyOutbound(current: StoredOutboundConfig | undefined, input: InstallIn['outboundConfig'], problems: Problems): StoredOutboundConfig | undefined {
  if (!input) return current;
  const mapAttributes = checkMappings(input.mapAttributes, 'outboundConfig', problems) ?? current?.mapAttributes;
  // Unknown: whether a notifier in an update merges with the stored one. It is replaced whole,
  // so a notifier without its secrets fails validation instead of keeping old ones.
  const baseNotifier = input.baseNotifier ? checkNotifier(input.baseNotifier, problems) : current?.baseNotifier;
  return { ...(mapAttributes ? { mapAttributes } : {}), ...(baseNotifier ? { baseNotifier } : {}) };
}

/**
 * Reads the search parameters. `queryString` is `key:value` pairs joined with `+` (which the
 * caller URL-encodes); a pair without `:` is refused.
 */
export function readPage(request: SimRequest, maxPageSize: number): Page | SimResponse {
  const pageNo = request.query.get('pageNo') ?? '1';
  const pageSize = request.query.get('pageSize') ?? String(DEFAULT_PAGE_SIZE);
  if (!/^\d{1,9}$/.test(pageNo) || Number(pageNo) < 1) return error(400, 'invalid_request', 'pageNo must be a positive integer');
  if (!/^\d{1,9}$/.test(pageSize) || Number(pageSize) < 1) return error(400, 'invalid_request', 'pageSize must be a positive integer');
  const filters: [string, string][] = [];
  const queryString = request.query.get('queryString') ?? '';
  for (const pair of queryString.split('+').filter((p) => p.trim() !== '')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) return error(400, 'invalid_request', 'queryString must be key:value pairs joined with +');
    filters.push([
      pair.slice(0, colon).trim(),
      pair
        .slice(colon + 1)
        .trim()
        .toLowerCase(),
    ]);
  }
  return {
    pageNo: Number(pageNo),
    pageSize: Math.min(Number(pageSize), maxPageSize),
    descending: request.query.get('isDescendingOrder') === 'true',
    sortName: request.query.get('sortName') ?? 'name',
    filters,
  };
}
