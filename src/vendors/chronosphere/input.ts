import { InputValidationError } from '../../core/errors.js';
import { InputChecks, isRecord, type InputRecord } from '../../core/input-check.js';
import {
  CLOUDFLARE_TOKEN_PREFIXES,
  CONTROL_CHARACTERS,
  DATADOG_SITE,
  PAGERDUTY_EVENTS_VERSIONS,
  REDACTED,
  SLUG,
  isHttpUrl,
  type ChronosphereBlock,
} from './catalogue.js';


/** The `external_connection` object to send, and what Patchbay must know about it. */
export interface BuiltConnection {
  /** The wire object (`slug` only when given). */
  readonly body: Record<string, unknown>;
  /** Secret values it carries: scrubbed from anything Chronosphere says back. */
  readonly sensitive: readonly string[];
  /**
   * Secret fields of the chosen type (camelCase paths, as in `SecretHint.field`) that the input did
   * not carry. Chronosphere stores the object as sent (PUT is a full replace, CONTRACT.md), so
   * these hold no value after the write; Patchbay never fills them from a read.
   */
  readonly unsetSecrets: readonly string[];
  readonly block: ChronosphereBlock;
}

/** The target input's member names (GraphQL, camelCase) and their JSON blocks. */
export const TARGET_MEMBERS: Readonly<Record<string, ChronosphereBlock>> = {
  slack: 'slack',
  pagerduty: 'pagerduty',
  webhook: 'webhook',
  victorOps: 'victor_ops',
  opsGenie: 'ops_genie',
  cloudflare: 'cloudflare',
  mongodbAtlas: 'mongodb_atlas',
  sendgrid: 'sendgrid',
  datadog: 'datadog',
};

/** Every secret field of each type, as the hints name them. */
export const SECRET_FIELDS: Readonly<Record<ChronosphereBlock, readonly string[]>> = {
  slack: ['apiUrl', 'token'],
  pagerduty: ['events.apiKey', 'rest.apiKey'],
  webhook: ['httpConfig.basicAuth.password', 'httpConfig.bearerToken'],
  victor_ops: ['apiKey'],
  ops_genie: ['apiKey', 'httpConfig.basicAuth.password', 'httpConfig.bearerToken'],
  cloudflare: ['apiToken'],
  mongodb_atlas: ['clientSecret'],
  sendgrid: ['apiKey'],
  datadog: ['apiKey', 'appKey'],
};

class Collector extends InputChecks {
  /** Secret fields given, relative to the block, e.g. `httpConfig.bearerToken`. */
  readonly secretsSent = new Set<string>();
}


function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Fields of `input` that are not in `allowed` (GraphQL rejects them already; this guards direct callers). */
function rejectUnknown(input: InputRecord, allowed: readonly string[], path: readonly string[], out: Collector): void {
  for (const key of Object.keys(input)) if (!allowed.includes(key) && given(input[key])) out.fail([...path, key], 'is not a field here');
}

interface Place {
  readonly path: readonly string[];
  /** Position inside the block, for `unsetSecrets`. */
  readonly inBlock: string;
}

function text(value: unknown, where: Place, required: boolean, out: Collector): string | undefined {
  if (!given(value)) {
    if (required) out.fail(where.path, 'is required');
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    out.fail(where.path, 'must not be empty');
    return undefined;
  }
  if (CONTROL_CHARACTERS.test(value)) {
    out.fail(where.path, 'must not contain control characters');
    return undefined;
  }
  return value;
}

function url(value: unknown, where: Place, required: boolean, out: Collector): string | undefined {
  const checked = text(value, where, required, out);
  if (checked === undefined) return undefined;
  if (!isHttpUrl(checked)) {
    out.fail(where.path, 'must be an absolute http(s) URL');
    return undefined;
  }
  return checked;
}

/**
 * A secret to send. The masked value Chronosphere reads back is refused: Patchbay never writes a
 * value it read, so an update must carry the real secret.
 */
function secret(value: unknown, where: Place, required: boolean, out: Collector, kind: 'text' | 'url' = 'text'): string | undefined {
  if (value === REDACTED) {
    out.fail(where.path, `is the masked value Chronosphere returns on read (${REDACTED}); give the real secret`);
    return undefined;
  }
  const checked = kind === 'url' ? url(value, where, required, out) : text(value, where, required, out);
  if (checked === undefined) return undefined;
  out.sensitive.push(checked);
  out.secretsSent.add(where.inBlock);
  return checked;
}

function at(parent: Place, key: string): Place {
  return { path: [...parent.path, key], inBlock: parent.inBlock === '' ? key : `${parent.inBlock}.${key}` };
}

function record(value: unknown, where: Place, out: Collector): InputRecord | undefined {
  if (!given(value)) return undefined;
  if (!isRecord(value)) {
    out.fail(where.path, 'must be an object');
    return undefined;
  }
  return value;
}

function httpConfig(value: unknown, where: Place, out: Collector): Record<string, unknown> | undefined {
  const input = record(value, where, out);
  if (!input) return undefined;
  rejectUnknown(input, ['basicAuth', 'bearerToken', 'tlsConfig'], where.path, out);
  const wire: Record<string, unknown> = {};
  const basicPlace = at(where, 'basicAuth');
  const basic = record(input['basicAuth'], basicPlace, out);
  const bearerPlace = at(where, 'bearerToken');
  if (basic && given(input['bearerToken'])) {
    // Terraform docs: basic auth and a bearer token are mutually exclusive.
    out.fail(where.path, 'give basicAuth or bearerToken, not both');
  }
  if (basic) {
    rejectUnknown(basic, ['username', 'password'], basicPlace.path, out);
    const username = text(basic['username'], at(basicPlace, 'username'), true, out);
    const password = secret(basic['password'], at(basicPlace, 'password'), true, out);
    wire['basic_auth'] = { username, password };
  }
  const bearer = secret(input['bearerToken'], bearerPlace, false, out);
  if (bearer !== undefined) wire['bearer_token'] = bearer;
  const tlsPlace = at(where, 'tlsConfig');
  const tls = record(input['tlsConfig'], tlsPlace, out);
  if (tls) {
    rejectUnknown(tls, ['insecureSkipVerify'], tlsPlace.path, out);
    const skip = tls['insecureSkipVerify'];
    if (typeof skip !== 'boolean') out.fail([...tlsPlace.path, 'insecureSkipVerify'], 'must be true or false');
    else wire['tls_config'] = { insecure_skip_verify: skip };
  }
  return wire;
}

function pagerduty(input: InputRecord, where: Place, out: Collector): Record<string, unknown> {
  rejectUnknown(input, ['events', 'rest'], where.path, out);
  const set = ['events', 'rest'].filter((key) => given(input[key]));
  if (set.length !== 1) {
    // CHANGELOG of the Terraform provider: the events and REST keys are mutually exclusive.
    out.fail(where.path, 'give exactly one of events, rest');
    return {};
  }
  if (set[0] === 'events') {
    const place = at(where, 'events');
    const events = record(input['events'], place, out);
    if (!events) return {};
    rejectUnknown(events, ['apiKey', 'version'], place.path, out);
    const wire: Record<string, unknown> = { api_key: secret(events['apiKey'], at(place, 'apiKey'), true, out) };
    const version = events['version'];
    if (given(version)) {
      if (typeof version !== 'string' || !(PAGERDUTY_EVENTS_VERSIONS as readonly string[]).includes(version)) {
        out.fail([...place.path, 'version'], 'must be V1 or V2');
      } else {
        wire['version'] = version;
      }
    }
    return { events: wire };
  }
  const place = at(where, 'rest');
  const rest = record(input['rest'], place, out);
  if (!rest) return {};
  rejectUnknown(rest, ['apiKey'], place.path, out);
  return { rest: { api_key: secret(rest['apiKey'], at(place, 'apiKey'), true, out) } };
}

function block(name: ChronosphereBlock, input: InputRecord, where: Place, out: Collector): Record<string, unknown> {
  const field = (key: string): Place => at(where, key);
  switch (name) {
    case 'slack': {
      rejectUnknown(input, ['apiUrl', 'token'], where.path, out);
      if (!given(input['apiUrl']) && !given(input['token'])) out.fail(where.path, 'give apiUrl, token or both');
      // The incoming-webhook URL embeds a credential: it is handled as a secret (catalogue.ts).
      return { api_url: secret(input['apiUrl'], field('apiUrl'), false, out, 'url'), token: secret(input['token'], field('token'), false, out) };
    }
    case 'pagerduty':
      return pagerduty(input, where, out);
    case 'webhook':
      rejectUnknown(input, ['url', 'httpConfig'], where.path, out);
      return { url: url(input['url'], field('url'), true, out), http_config: httpConfig(input['httpConfig'], field('httpConfig'), out) };
    case 'victor_ops':
      rejectUnknown(input, ['apiKey', 'apiUrl'], where.path, out);
      return { api_key: secret(input['apiKey'], field('apiKey'), true, out), api_url: url(input['apiUrl'], field('apiUrl'), false, out) };
    case 'ops_genie':
      rejectUnknown(input, ['apiKey', 'apiUrl', 'httpConfig'], where.path, out);
      return {
        api_key: secret(input['apiKey'], field('apiKey'), true, out),
        api_url: url(input['apiUrl'], field('apiUrl'), false, out),
        http_config: httpConfig(input['httpConfig'], field('httpConfig'), out),
      };
    case 'cloudflare': {
      rejectUnknown(input, ['apiToken'], where.path, out);
      const token = input['apiToken'];
      if (typeof token === 'string' && token !== REDACTED && !CLOUDFLARE_TOKEN_PREFIXES.some((prefix) => token.startsWith(prefix))) {
        // The swagger: "Accepts User API Tokens (cfut_ prefix) and Account API Tokens (cfat_ prefix)".
        out.fail(field('apiToken').path, 'must be a user (cfut_) or account (cfat_) API token');
        return {};
      }
      return { api_token: secret(token, field('apiToken'), true, out) };
    }
    case 'mongodb_atlas':
      rejectUnknown(input, ['clientId', 'clientSecret'], where.path, out);
      return { client_id: text(input['clientId'], field('clientId'), true, out), client_secret: secret(input['clientSecret'], field('clientSecret'), true, out) };
    case 'sendgrid':
      rejectUnknown(input, ['apiKey'], where.path, out);
      return { api_key: secret(input['apiKey'], field('apiKey'), true, out) };
    case 'datadog': {
      rejectUnknown(input, ['apiKey', 'appKey', 'site'], where.path, out);
      const site = text(input['site'], field('site'), false, out);
      if (site !== undefined && !DATADOG_SITE.test(site)) out.fail(field('site').path, 'must be a Datadog site host name, e.g. datadoghq.com or datadoghq.eu');
      return {
        api_key: secret(input['apiKey'], field('apiKey'), true, out),
        app_key: secret(input['appKey'], field('appKey'), true, out),
        site: site !== undefined && DATADOG_SITE.test(site) ? site : undefined,
      };
    }
    default: {
      const unreachable: never = name;
      throw new Error(`unknown block ${String(unreachable)}`);
    }
  }
}

/** Drops undefined members recursively, so the JSON carries only what was given. */
function compact(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    out[key] = isRecord(member) ? compact({ ...member }) : member;
  }
  return out;
}

/** Checks a slug the way Chronosphere's slugs look (catalogue.ts). */
export function checkSlug(value: unknown, path: readonly string[]): string {
  if (typeof value !== 'string' || !SLUG.test(value)) {
    throw InputValidationError.single(path, 'must be 1-256 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  return value;
}

/**
 * Validates a connection the way Chronosphere would (one type block, required fields, URLs,
 * exclusive alternatives) and builds its `external_connection` object. Throws
 * `InputValidationError` listing every problem; nothing is sent then.
 */
export function buildConnection(input: { slug?: unknown; name: unknown; target: unknown }): BuiltConnection {
  const out = new Collector();
  const body: Record<string, unknown> = {};
  if (given(input.slug)) {
    if (typeof input.slug !== 'string' || !SLUG.test(input.slug)) {
      out.fail(['slug'], 'must be 1-256 letters, digits, ".", "_" or "-", starting with a letter or digit');
    } else {
      body['slug'] = input.slug;
    }
  }
  const name = text(input.name, { path: ['name'], inBlock: '' }, true, out);
  if (name !== undefined) body['name'] = name;
  let chosen: ChronosphereBlock | null = null;
  if (!isRecord(input.target)) {
    out.fail(['target'], 'is required');
  } else {
    const set = Object.entries(input.target).filter(([, value]) => given(value));
    const first = set[0];
    if (set.length !== 1 || !first) {
      out.fail(['target'], `give exactly one of ${Object.keys(TARGET_MEMBERS).join(', ')}`);
    } else {
      const [key, value] = first;
      const blockName = TARGET_MEMBERS[key];
      if (blockName === undefined) {
        out.fail(['target', key], 'is not a Chronosphere connection type');
      } else if (!isRecord(value)) {
        out.fail(['target', key], 'must be an object');
      } else {
        chosen = blockName;
        body[blockName] = block(blockName, value, { path: ['target', key], inBlock: '' }, out);
      }
    }
  }
  out.throwIfAny();
  if (chosen === null) throw InputValidationError.single(['target'], 'is required');
  const type: ChronosphereBlock = chosen;
  return {
    body: compact(body),
    sensitive: out.sensitive,
    unsetSecrets: SECRET_FIELDS[type].filter((field) => !out.secretsSent.has(field)),
    block: type,
  };
}
