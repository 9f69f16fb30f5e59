import { InputValidationError } from '../../core/errors.js';
import { InputChecks, isRecord, type InputRecord } from '../../core/input-check.js';
import {
  OPSRAMP_CATEGORIES,
  OPSRAMP_DIRECTIONS,
  OPSRAMP_ENTITY_TYPES,
  OPSRAMP_GRANT_TYPES,
  OPSRAMP_INBOUND_AUTH_TYPES,
  OPSRAMP_NOTIFIER_AUTH_TYPES,
  OPSRAMP_NOTIFIER_TYPES,
  catalogueEntry,
} from './catalogue.js';

/*
 * GraphQL input → OpsRamp request bodies, validated first the way OpsRamp validates them
 * (CONTRACT.md, "Object model"; the spec's field descriptions say which fields each auth type
 * needs). Every problem is collected, then reported at once as `InputValidationError`; nothing
 * is sent then. Bodies use the names OpsRamp's examples use: `thirdParty*`, `accessTokenURI`,
 * `grantType: PASSWORD`.
 */


/** A request body for OpsRamp plus the secret values it carries (to scrub from vendor errors). */
export interface BuiltBody {
  readonly body: Record<string, unknown>;
  readonly sensitive: readonly string[];
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

/** A plain text field: optional unless `required`, non-empty, one line, bounded. */
function textField(value: unknown, path: readonly string[], out: InputChecks, required = false, max = MAX_TEXT): string | undefined {
  if (absent(value)) {
    if (required) out.fail(path, 'is required');
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    out.fail(path, 'must not be empty');
    return undefined;
  }
  if (value.length > max) {
    out.fail(path, `must be at most ${max} characters`);
    return undefined;
  }
  if (CONTROL.test(value)) {
    out.fail(path, 'must not contain control characters');
    return undefined;
  }
  return value;
}

/**
 * A secret: sent, remembered as sensitive, never returned. A value made only of asterisks is what
 * OpsRamp's own examples show for a masked secret; sending it back would overwrite the real one.
 */
function secretField(value: unknown, path: readonly string[], out: InputChecks, required: boolean): string | undefined {
  const secret = textField(value, path, out, required, 4096);
  if (secret === undefined) return undefined;
  if (/^\*+$/.test(secret)) {
    out.fail(path, 'looks like a masked value; send the real secret');
    return undefined;
  }
  out.sensitive.push(secret);
  return secret;
}

function enumField<T extends string>(values: readonly T[], value: unknown, path: readonly string[], out: InputChecks, required = false): T | undefined {
  if (absent(value)) {
    if (required) out.fail(path, 'is required');
    return undefined;
  }
  const found = values.find((v) => v === value);
  if (found === undefined) out.fail(path, `must be one of ${values.join(', ')}`);
  return found;
}

function list(value: unknown, path: readonly string[], out: InputChecks, max: number): readonly unknown[] | undefined {
  if (absent(value)) return undefined;
  if (!Array.isArray(value)) {
    out.fail(path, 'must be a list');
    return undefined;
  }
  if (value.length > max) {
    out.fail(path, `must have at most ${max} items`);
    return undefined;
  }
  return value;
}

function mapAttributes(value: unknown, path: readonly string[], out: InputChecks): Record<string, unknown>[] | undefined {
  const items = list(value, path, out, MAX_MAPPINGS);
  if (!items) return undefined;
  return items.map((raw, index) => {
    const at = [...path, String(index)];
    const item = isRecord(raw) ? raw : {};
    const values = list(item['attrValues'], [...at, 'attrValues'], out, MAX_VALUES) ?? [];
    if (absent(item['attrValues'])) out.fail([...at, 'attrValues'], 'is required');
    return {
      name: textField(item['name'], [...at, 'name'], out, true),
      thirdPartyAttrName: textField(item['thirdPartyAttrName'], [...at, 'thirdPartyAttrName'], out, true),
      entityType: enumField(OPSRAMP_ENTITY_TYPES, item['entityType'], [...at, 'entityType'], out, true),
      thirdPartyEntityType: textField(item['thirdPartyEntityType'], [...at, 'thirdPartyEntityType'], out, true),
      attrValues: values.map((rawValue, valueIndex) => {
        const vAt = [...at, 'attrValues', String(valueIndex)];
        const v = isRecord(rawValue) ? rawValue : {};
        return {
          attrValue: textField(v['attrValue'], [...vAt, 'attrValue'], out, true),
          thirdPartyAttrValue: textField(v['thirdPartyAttrValue'], [...vAt, 'thirdPartyAttrValue'], out, true),
        };
      }),
    };
  });
}

function keyValues(value: unknown, path: readonly string[], out: InputChecks, secretValues: boolean): Record<string, unknown>[] | undefined {
  const items = list(value, path, out, MAX_KEY_VALUES);
  if (!items) return undefined;
  return items.map((raw, index) => {
    const at = [...path, String(index)];
    const item = isRecord(raw) ? raw : {};
    return {
      key: textField(item['key'], [...at, 'key'], out, true),
      value: secretValues ? secretField(item['value'], [...at, 'value'], out, true) : textField(item['value'], [...at, 'value'], out, true, 1024),
    };
  });
}

/** Which notifier fields each auth type takes (the spec's `notifier` descriptions). */
const NOTIFIER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  NONE: [],
  BASIC: ['userName', 'password'],
  OAUTH2: ['grantType', 'userName', 'password', 'accessTokenUri', 'apiKey', 'apiSecret'],
  JWT: ['userName', 'password', 'tokenUrl', 'tokenPayload', 'tokenHeaders', 'tokensPath', 'resourceAuthHeaders'],
};
const NOTIFIER_CREDENTIAL_FIELDS = ['grantType', 'userName', 'password', 'accessTokenUri', 'apiKey', 'apiSecret', 'tokenUrl', 'tokenPayload', 'tokenHeaders', 'tokensPath', 'resourceAuthHeaders'];

function notifier(input: InputRecord, path: readonly string[], out: InputChecks): Record<string, unknown> {
  const type = enumField(OPSRAMP_NOTIFIER_TYPES, input['type'], [...path, 'type'], out, true);
  const baseUri = textField(input['baseUri'], [...path, 'baseUri'], out, true, 2048);
  if (baseUri !== undefined && /\s/.test(baseUri)) out.fail([...path, 'baseUri'], 'must not contain spaces');
  const authType = enumField(OPSRAMP_NOTIFIER_AUTH_TYPES, input['authType'], [...path, 'authType'], out, true);
  const wire: Record<string, unknown> = { type, baseURI: baseUri, authType };
  if (authType === undefined) return wire;
  const allowed = new Set(NOTIFIER_FIELDS[authType] ?? []);
  for (const field of NOTIFIER_CREDENTIAL_FIELDS) {
    if (!allowed.has(field) && !absent(input[field])) out.fail([...path, field], `does not apply to authType ${authType}`);
  }
  if (authType === 'BASIC') {
    wire['userName'] = textField(input['userName'], [...path, 'userName'], out, true);
    wire['password'] = secretField(input['password'], [...path, 'password'], out, true);
  } else if (authType === 'OAUTH2') {
    const grantType = enumField(OPSRAMP_GRANT_TYPES, input['grantType'], [...path, 'grantType'], out, true);
    const needsUser = grantType === 'PASSWORD' || grantType === 'REFRESH_TOKEN';
    if (grantType === 'CLIENT_CREDENTIALS') {
      for (const field of ['userName', 'password']) {
        if (!absent(input[field])) out.fail([...path, field], 'applies only to the PASSWORD and REFRESH_TOKEN grants');
      }
    }
    wire['grantType'] = grantType;
    wire['userName'] = needsUser ? textField(input['userName'], [...path, 'userName'], out, true) : undefined;
    wire['password'] = needsUser ? secretField(input['password'], [...path, 'password'], out, true) : undefined;
    wire['accessTokenURI'] = textField(input['accessTokenUri'], [...path, 'accessTokenUri'], out, true, 2048);
    wire['apiKey'] = secretField(input['apiKey'], [...path, 'apiKey'], out, true);
    wire['apiSecret'] = secretField(input['apiSecret'], [...path, 'apiSecret'], out, true);
  } else if (authType === 'JWT') {
    wire['userName'] = textField(input['userName'], [...path, 'userName'], out);
    wire['password'] = secretField(input['password'], [...path, 'password'], out, false);
    wire['tokenURL'] = textField(input['tokenUrl'], [...path, 'tokenUrl'], out, true, 2048);
    const payload = input['tokenPayload'];
    if (!absent(payload)) {
      const parsed = typeof payload === 'string' ? parseJsonObject(payload) : undefined;
      if (parsed === undefined) out.fail([...path, 'tokenPayload'], 'must be a JSON object');
      else {
        out.sensitive.push(payload as string);
        wire['tokenPayload'] = parsed;
      }
    }
    wire['tokenHeaders'] = keyValues(input['tokenHeaders'], [...path, 'tokenHeaders'], out, true);
    wire['tokensPath'] = keyValues(input['tokensPath'], [...path, 'tokensPath'], out, false);
    wire['resourceAuthHeaders'] = keyValues(input['resourceAuthHeaders'], [...path, 'resourceAuthHeaders'], out, true);
  }
  return wire;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? { ...value } : undefined;
  } catch {
    return undefined;
  }
}

function inboundConfig(input: unknown, path: readonly string[], out: InputChecks, roleRequired: boolean): Record<string, unknown> | undefined {
  if (absent(input)) {
    if (roleRequired) out.fail([...path, 'authentication', 'roleUniqueId'], 'is required for a Custom-category install');
    return undefined;
  }
  if (!isRecord(input)) {
    out.fail(path, 'must be an object');
    return undefined;
  }
  const wire: Record<string, unknown> = {};
  const auth = input['authentication'];
  if (isRecord(auth)) {
    const authPath = [...path, 'authentication'];
    const authType = enumField(OPSRAMP_INBOUND_AUTH_TYPES, auth['authType'], [...authPath, 'authType'], out, true);
    const role = textField(auth['roleUniqueId'], [...authPath, 'roleUniqueId'], out, roleRequired);
    wire['authentication'] = { authType, ...(role === undefined ? {} : { role: { uniqueId: role } }) };
  } else if (roleRequired) {
    out.fail([...path, 'authentication', 'roleUniqueId'], 'is required for a Custom-category install');
  }
  const mappings = mapAttributes(input['mapAttributes'], [...path, 'mapAttributes'], out);
  if (mappings) wire['mapAttributes'] = mappings;
  if (!absent(input['dropAlerts'])) wire['dropAlerts'] = input['dropAlerts'] === true;
  const entityTypes = list(input['entityTypes'], [...path, 'entityTypes'], out, OPSRAMP_ENTITY_TYPES.length);
  if (entityTypes) wire['entityTypes'] = entityTypes.map((t, i) => enumField(OPSRAMP_ENTITY_TYPES, t, [...path, 'entityTypes', String(i)], out, true));
  if (Object.keys(wire).length === 0) out.fail(path, 'must set at least one field');
  return wire;
}

function outboundConfig(input: unknown, path: readonly string[], out: InputChecks): Record<string, unknown> | undefined {
  if (absent(input)) return undefined;
  if (!isRecord(input)) {
    out.fail(path, 'must be an object');
    return undefined;
  }
  const wire: Record<string, unknown> = {};
  const mappings = mapAttributes(input['mapAttributes'], [...path, 'mapAttributes'], out);
  if (mappings) wire['mapAttributes'] = mappings;
  if (isRecord(input['baseNotifier'])) wire['baseNotifier'] = notifier(input['baseNotifier'], [...path, 'baseNotifier'], out);
  if (Object.keys(wire).length === 0) out.fail(path, 'must set at least one field');
  return wire;
}

/** Drops undefined members (recursively) so the JSON sent has only what the input set. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, compact(v)]));
  }
  return value;
}

/** What `installOpsRampIntegration` receives. */
export interface InstallInput {
  readonly integrationId: unknown;
  readonly displayName?: unknown;
  readonly description?: unknown;
  readonly category?: unknown;
  readonly direction?: unknown;
  readonly alertSourceId?: unknown;
  readonly parentIntegrationId?: unknown;
  readonly inboundConfig?: unknown;
  readonly outboundConfig?: unknown;
}

/**
 * Validates an install and builds its body. Category, direction and alert source apply only to
 * CUSTOM installs (direction to Collaboration, alert source to Monitoring); a Custom-category
 * install needs a role for its inbound user (the spec's `authentication.role`).
 */
export function buildInstallBody(input: InstallInput): { integrationId: string; built: BuiltBody } {
  const out = new InputChecks();
  const integrationId = textField(input.integrationId, ['integrationId'], out, true, 64);
  if (integrationId !== undefined && !INTEGRATION_ID.test(integrationId)) out.fail(['integrationId'], 'must be an OpsRamp integration id such as CUSTOM or SLACK');
  const isCustom = catalogueEntry(integrationId)?.kind === 'CUSTOM';
  let category: (typeof OPSRAMP_CATEGORIES)[number] | undefined;
  if (isCustom) category = enumField(OPSRAMP_CATEGORIES, input.category, ['category'], out, true);
  else if (!absent(input.category)) out.fail(['category'], 'applies only to CUSTOM installs');
  const displayName = textField(input.displayName, ['displayName'], out, isCustom);
  const direction = enumField(OPSRAMP_DIRECTIONS, input.direction, ['direction'], out);
  if (direction !== undefined && category !== 'Collaboration') out.fail(['direction'], 'applies only to the Collaboration category');
  let alertSource: Record<string, unknown> | undefined;
  if (!absent(input.alertSourceId)) {
    if (typeof input.alertSourceId !== 'number' || !Number.isInteger(input.alertSourceId) || input.alertSourceId <= 0) out.fail(['alertSourceId'], 'must be a positive integer');
    else if (category !== 'Monitoring') out.fail(['alertSourceId'], 'applies only to the Monitoring category');
    else alertSource = { id: input.alertSourceId };
  }
  const parent = textField(input.parentIntegrationId, ['parentIntegrationId'], out, false, 128);
  if (parent !== undefined && !INSTALLED_ID.test(parent)) out.fail(['parentIntegrationId'], 'is not an installed-integration id');
  const body = {
    displayName,
    description: textField(input.description, ['description'], out, false, 1024),
    category,
    direction,
    alertSource,
    parentIntg: parent === undefined ? undefined : { id: parent },
    inboundConfig: inboundConfig(input.inboundConfig, ['inboundConfig'], out, category === 'Custom'),
    outboundConfig: outboundConfig(input.outboundConfig, ['outboundConfig'], out),
  };
  out.throwIfAny();
  return { integrationId: integrationId as string, built: { body: compact(body) as Record<string, unknown>, sensitive: out.sensitive } };
}

/** What `updateOpsRampInstalledIntegration` receives (besides the id). */
export interface UpdateInput {
  readonly displayName?: unknown;
  readonly description?: unknown;
  readonly inboundConfig?: unknown;
  readonly outboundConfig?: unknown;
}

/**
 * Validates an update (OpsRamp's POST with a partial body). What the input leaves out stays as it
 * is at OpsRamp; a notifier is replaced whole, so it must carry its secrets again: Patchbay never
 * fills them in from what it read.
 */
export function buildUpdateBody(input: UpdateInput): BuiltBody {
  const out = new InputChecks();
  const body = {
    displayName: textField(input.displayName, ['displayName'], out),
    description: textField(input.description, ['description'], out, false, 1024),
    inboundConfig: inboundConfig(input.inboundConfig, ['inboundConfig'], out, false),
    outboundConfig: outboundConfig(input.outboundConfig, ['outboundConfig'], out),
  };
  const compacted = compact(body) as Record<string, unknown>;
  if (out.errors.length === 0 && Object.keys(compacted).length === 0) out.fail([], 'nothing to change: set at least one field besides id');
  out.throwIfAny();
  return { body: compacted, sensitive: out.sensitive };
}

/** Checks an installed-integration id taken from a global id. */
export function checkInstalledId(id: string, path: readonly string[]): void {
  if (!INSTALLED_ID.test(id)) throw InputValidationError.single(path, 'is not an OpsRamp installed-integration id');
}

/** Checks the uninstall reason OpsRamp requires in the DELETE body. */
export function checkUninstallReason(reason: unknown, path: readonly string[] = ['reason']): string {
  const out = new InputChecks();
  const value = textField(reason, path, out, true, MAX_REASON);
  out.throwIfAny();
  return value as string;
}

/**
 * Builds the catalogue search's `queryString` (`key:value` pairs joined with `+`). `+` and `:`
 * are OpsRamp's separators, so a search term may not contain them.
 */
export function availableQueryString(search: unknown, path: readonly string[] = ['search']): string | undefined {
  const out = new InputChecks();
  const value = textField(search, path, out, false, MAX_SEARCH);
  if (value !== undefined && /[+:]/.test(value)) out.fail(path, 'must not contain "+" or ":"');
  out.throwIfAny();
  return value === undefined ? undefined : `name:${value.trim()}`;
}
