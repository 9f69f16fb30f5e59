import { InputValidationError } from '../../core/errors.js';
import { InputChecks, isRecord, type InputRecord } from '../../core/input-check.js';
import { GROUP_ID_PATTERN, INPUT_KEYS, MONGODB_INTEGRATION_TYPES, REQUEST_FIELDS, type MongoDbIntegrationType } from './catalogue.js';


/** A POST/PUT body for one integration type plus the secret values it carries. */
export interface BuiltIntegration {
  readonly type: MongoDbIntegrationType;
  readonly body: Readonly<Record<string, unknown>>;
  /** Scrubbed from anything the vendor says back. */
  readonly sensitive: readonly string[];
}

const MAX_SECRET = 1024;
const MAX_URL = 2048;
const MAX_TEXT = 256;
/** Slack's channel name limits (Atlas spec: 1 to 80 characters). */
const MAX_CHANNEL = 80;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** What a value read back from Cloud Manager looks like: a run of `*` before its last characters. */
const MASKED = /\*{4,}/;

const SECRET_REQUIRED =
  'is required: Cloud Manager replaces the whole integration on every write and Patchbay never sends back a secret it read, so the secret must be given again';



interface TextRule {
  readonly required?: boolean;
  readonly secret?: boolean;
  readonly max?: number;
  readonly min?: number;
}

/** Reads one string field; returns it when valid, undefined otherwise (with the error noted). */
function text(member: InputRecord, name: string, path: readonly string[], out: InputChecks, rule: TextRule): string | undefined {
  const value = member[name];
  const at = [...path, name];
  if (value === undefined || value === null) {
    if (rule.required) out.fail(at, rule.secret ? SECRET_REQUIRED : 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    out.fail(at, 'must be a string');
    return undefined;
  }
  // The value itself never goes into a message: it may be a secret.
  if (value.trim() === '') {
    out.fail(at, 'must not be empty');
    return undefined;
  }
  if (CONTROL.test(value)) {
    out.fail(at, 'must not contain control characters');
    return undefined;
  }
  const max = rule.max ?? (rule.secret ? MAX_SECRET : MAX_TEXT);
  if (value.length > max || value.length < (rule.min ?? 1)) {
    out.fail(at, `must be ${rule.min ?? 1} to ${max} characters`);
    return undefined;
  }
  if (rule.secret && MASKED.test(value)) {
    out.fail(at, 'looks like a masked value read back from Cloud Manager (e.g. ******7890); give the real secret');
    return undefined;
  }
  if (rule.secret) out.sensitive.push(value);
  return value;
}

function httpUrl(member: InputRecord, name: string, path: readonly string[], out: InputChecks, required: boolean): string | undefined {
  const value = text(member, name, path, out, { required, secret: true, max: MAX_URL });
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return value;
  } catch {
    // reported below
  }
  out.fail([...path, name], 'must be an absolute http(s) URL');
  return undefined;
}

function oneOfValue(member: InputRecord, name: string, allowed: readonly string[], path: readonly string[], out: InputChecks, fallback?: string): string | undefined {
  const value = member[name];
  if (value === undefined || value === null) {
    if (fallback === undefined) out.fail([...path, name], 'is required');
    return fallback;
  }
  if (typeof value !== 'string' || !allowed.includes(value)) {
    out.fail([...path, name], `must be one of ${allowed.join(', ')}`);
    return undefined;
  }
  return value;
}

/** `host:port` or `[ipv6]:port`, as Cloud Manager's Prometheus `listenAddress`. */
const LISTEN_ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function fields(type: MongoDbIntegrationType, member: InputRecord, path: readonly string[], out: InputChecks): Record<string, unknown> {
  const body: Record<string, unknown> = { type };
  const put = (name: string, value: unknown): void => {
    if (value !== undefined) body[name] = value;
  };
  switch (type) {
    case 'PAGER_DUTY':
      put('serviceKey', text(member, 'serviceKey', path, out, { required: true, secret: true }));
      break;
    case 'SLACK':
      put('apiToken', text(member, 'apiToken', path, out, { required: true, secret: true }));
      put('teamName', text(member, 'teamName', path, out, { required: true }));
      put('channelName', text(member, 'channelName', path, out, { max: MAX_CHANNEL }));
      break;
    case 'OPS_GENIE':
      put('apiKey', text(member, 'apiKey', path, out, { required: true, secret: true }));
      // Required by Cloud Manager with a documented default of US: send it explicitly.
      put('region', oneOfValue(member, 'region', ['US', 'EU'], path, out, 'US'));
      break;
    case 'VICTOR_OPS':
      put('apiKey', text(member, 'apiKey', path, out, { required: true, secret: true }));
      put('routingKey', text(member, 'routingKey', path, out, {}));
      break;
    case 'WEBHOOK':
      put('url', httpUrl(member, 'url', path, out, true));
      put('secret', text(member, 'secret', path, out, { secret: true }));
      break;
    case 'MICROSOFT_TEAMS':
      put('microsoftTeamsWebhookUrl', httpUrl(member, 'microsoftTeamsWebhookUrl', path, out, true));
      break;
    case 'PROMETHEUS': {
      put('username', text(member, 'username', path, out, { required: true }));
      put('password', text(member, 'password', path, out, { required: true, secret: true }));
      const listenAddress = text(member, 'listenAddress', path, out, { required: true });
      const port = listenAddress === undefined ? undefined : LISTEN_ADDRESS.exec(listenAddress)?.[1];
      if (listenAddress !== undefined && (port === undefined || Number(port) < 1 || Number(port) > 65535)) {
        out.fail([...path, 'listenAddress'], 'must be host:port, e.g. 0.0.0.0:9216');
      } else {
        put('listenAddress', listenAddress);
      }
      put('serviceDiscovery', oneOfValue(member, 'serviceDiscovery', ['file', 'http'], path, out));
      const scheme = oneOfValue(member, 'scheme', ['http', 'https'], path, out);
      put('scheme', scheme);
      const enabled = member['enabled'];
      if (typeof enabled === 'boolean') body['enabled'] = enabled;
      else out.fail([...path, 'enabled'], enabled === undefined || enabled === null ? 'is required' : 'must be a boolean');
      const tlsPemPath = text(member, 'tlsPemPath', path, out, { max: 1024 });
      if (tlsPemPath !== undefined && !tlsPemPath.startsWith('/')) out.fail([...path, 'tlsPemPath'], 'must be an absolute path');
      else put('tlsPemPath', tlsPemPath);
      if (scheme === 'https' && member['tlsPemPath'] == null) out.fail([...path, 'tlsPemPath'], 'is required when scheme is https');
      put('tlsPemPassword', text(member, 'tlsPemPassword', path, out, { secret: true }));
      break;
    }
    default: {
      const unreachable: never = type;
      throw new Error(`unknown type ${String(unreachable)}`);
    }
  }
  const known = new Set(REQUEST_FIELDS[type]);
  for (const key of Object.keys(member)) {
    if (!known.has(key) && member[key] !== undefined && member[key] !== null) out.fail([...path, key], `is not a field of a ${type} integration`);
  }
  return body;
}

/**
 * Validates a `MongoDbIntegrationInput` (`@oneOf`) the way Cloud Manager would and builds the
 * POST/PUT body. Both writes send the whole object (PUT is a full replace), so every required
 * field, secrets included, must be in the input: nothing is filled in from a read. Throws
 * `InputValidationError` listing every problem; nothing is sent then.
 */
export function buildIntegrationBody(integration: unknown, path: readonly string[] = ['integration']): BuiltIntegration {
  const out = new InputChecks();
  if (!isRecord(integration)) {
    out.fail(path, 'is required');
    out.throwIfAny();
  }
  const input = integration as InputRecord;
  const set = Object.entries(input).filter(([, v]) => v !== null && v !== undefined);
  const [key, member] = set[0] ?? [];
  const type = MONGODB_INTEGRATION_TYPES.find((t) => INPUT_KEYS[t] === key);
  if (set.length !== 1 || type === undefined || !isRecord(member)) {
    out.fail(path, `exactly one of ${Object.values(INPUT_KEYS).join(', ')} must be given`);
    out.throwIfAny();
  }
  const chosen = type as MongoDbIntegrationType;
  const body = fields(chosen, member as InputRecord, [...path, key as string], out);
  out.throwIfAny();
  return { type: chosen, body, sensitive: out.sensitive };
}

/**
 * The project id to use for `account`: it must be one of the account's configured `groupIds`
 * (compared case-insensitively; sent in the vendor's lower-case form).
 */
export function checkGroupId(groupId: unknown, configured: readonly string[], path: readonly string[] = ['groupId']): string {
  if (typeof groupId !== 'string' || !GROUP_ID_PATTERN.test(groupId.toLowerCase())) {
    throw InputValidationError.single(path, 'must be a 24-character hexadecimal project id');
  }
  const wanted = groupId.toLowerCase();
  if (!configured.some((id) => id.toLowerCase() === wanted)) {
    throw InputValidationError.single(path, 'is not one of the project ids (groupIds) configured for this account');
  }
  return wanted;
}
