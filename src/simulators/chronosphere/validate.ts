import { z } from 'zod';
import type { SimRequest, SimResponse } from '../base.js';
import { BLOCKS, CLOUDFLARE_TOKEN_PREFIXES, DATADOG_SITE, GRPC_CODE, PAGERDUTY_DEFAULT_EVENTS_VERSION, PAGERDUTY_EVENTS_VERSIONS, REDACTED, type Block } from './contract.js';
import { apiError } from './render.js';
import { getPath, setPath, textAt, type BlockConfig } from './state.js';

/*
 * How the Config API judges a write (CONTRACT.md and the swagger):
 * protojson decoding first, which refuses unknown fields, then the per-block rules.
 */

const str = z.string().nullish();
const httpConfigRequest = z.strictObject({
  basic_auth: z.strictObject({ username: str, password: str }).nullish(),
  bearer_token: str,
  tls_config: z.strictObject({ insecure_skip_verify: z.boolean().nullish() }).nullish(),
});
const blockRequests = {
  slack: z.strictObject({ api_url: str, token: str }),
  pagerduty: z.strictObject({
    events: z.strictObject({ api_key: str, version: z.enum(PAGERDUTY_EVENTS_VERSIONS).nullish() }).nullish(),
    rest: z.strictObject({ api_key: str }).nullish(),
  }),
  webhook: z.strictObject({ url: str, http_config: httpConfigRequest.nullish() }),
  victor_ops: z.strictObject({ api_key: str, api_url: str }),
  ops_genie: z.strictObject({ api_key: str, api_url: str, http_config: httpConfigRequest.nullish() }),
  cloudflare: z.strictObject({ api_token: str }),
  mongodb_atlas: z.strictObject({ client_id: str, client_secret: str }),
  sendgrid: z.strictObject({ api_key: str }),
  datadog: z.strictObject({ api_key: str, app_key: str, site: str }),
} as const satisfies Record<Block, z.ZodType>;
// Read-only timestamps are accepted and ignored.
const connectionRequest = z.strictObject({
  slug: str,
  name: str,
  created_at: str,
  updated_at: str,
  slack: blockRequests.slack.nullish(),
  pagerduty: blockRequests.pagerduty.nullish(),
  webhook: blockRequests.webhook.nullish(),
  victor_ops: blockRequests.victor_ops.nullish(),
  ops_genie: blockRequests.ops_genie.nullish(),
  cloudflare: blockRequests.cloudflare.nullish(),
  mongodb_atlas: blockRequests.mongodb_atlas.nullish(),
  sendgrid: blockRequests.sendgrid.nullish(),
  datadog: blockRequests.datadog.nullish(),
});

/** `configv1CreateExternalConnectionRequest`. */
export const createRequest = z.strictObject({ external_connection: connectionRequest.nullish(), dry_run: z.boolean().nullish() });
/** `ConfigV1UpdateExternalConnectionBody`. */
export const updateRequest = z.strictObject({
  external_connection: connectionRequest.nullish(),
  create_if_missing: z.boolean().nullish(),
  dry_run: z.boolean().nullish(),
});

/** A decoded `configv1ExternalConnection` of a write. */
export type ConnectionRequest = z.output<typeof connectionRequest>;

/** The one type block of a write, in stored form. */
export interface CheckedBlock {
  block: Block;
  config: BlockConfig;
}

type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: SimResponse };

/** Decodes a body the way protojson does, or answers its 400. */
export function decode<T>(request: SimRequest, schema: z.ZodType<T>): Decoded<T> {
  if (request.bodyInvalid || request.body === undefined) {
    return { ok: false, response: apiError(400, GRPC_CODE.invalidArgument, 'proto: syntax error: the request body is not valid JSON') };
  }
  const parsed = schema.safeParse(request.body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue ? issue.path.map(String).join('.') : '';
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const message = unknownKey !== undefined ? `proto: unknown field ${JSON.stringify(where === '' ? unknownKey : `${where}.${unknownKey}`)}` : `proto: invalid value for field ${JSON.stringify(where)}`;
  return { ok: false, response: apiError(400, GRPC_CODE.invalidArgument, message) };
}

/** Validates the single type block the way the API does; pushes problems and returns the block. */
export function checkBlock(input: ConnectionRequest, problems: string[]): CheckedBlock | null {
  const set = BLOCKS.filter((block) => input[block] !== null && input[block] !== undefined);
  const block = set[0];
  if (set.length !== 1 || block === undefined) {
    problems.push(set.length === 0 ? 'exactly one connection type must be set; none is' : `exactly one connection type must be set; got ${set.join(', ')}`);
    return null;
  }
  const config = clean(input[block] as Record<string, unknown>);
  const before = problems.length;
  const need = (path: string): void => {
    if (textAt(config, path) === undefined) problems.push(`${block}.${path} is required`);
  };
  const urlAt = (path: string, required: boolean): void => {
    const value = textAt(config, path);
    if (value === undefined) {
      if (required) problems.push(`${block}.${path} is required`);
    } else if (value !== REDACTED && !isHttpUrl(value)) {
      problems.push(`${block}.${path} must be an absolute http or https URL`);
    }
  };
  // Terraform docs: basic auth and a bearer token are mutually exclusive.
  const httpConfig = (): void => {
    const basic = getPath(config, 'http_config.basic_auth');
    const bearer = textAt(config, 'http_config.bearer_token');
    if (typeof basic === 'object') {
      if (bearer !== undefined) problems.push(`${block}.http_config: basic_auth and bearer_token are mutually exclusive`);
      need('http_config.basic_auth.username');
      need('http_config.basic_auth.password');
    }
  };
  switch (block) {
    case 'slack':
      if (textAt(config, 'api_url') === undefined && textAt(config, 'token') === undefined) problems.push('slack: api_url or token is required');
      urlAt('api_url', false);
      break;
    case 'pagerduty': {
      const events = typeof getPath(config, 'events') === 'object';
      const rest = typeof getPath(config, 'rest') === 'object';
      if (events === rest) problems.push('pagerduty: exactly one of events and rest must be set');
      else if (events) {
        need('events.api_key');
        if (problems.length === before && textAt(config, 'events.version') === undefined) {
          return { block, config: setPath(config, 'events.version', PAGERDUTY_DEFAULT_EVENTS_VERSION) };
        }
      } else need('rest.api_key');
      break;
    }
    case 'webhook':
      urlAt('url', true);
      httpConfig();
      break;
    case 'victor_ops':
      need('api_key');
      urlAt('api_url', false);
      break;
    case 'ops_genie':
      need('api_key');
      urlAt('api_url', false);
      httpConfig();
      break;
    case 'cloudflare': {
      need('api_token');
      const token = textAt(config, 'api_token');
      if (token !== undefined && token !== REDACTED && !CLOUDFLARE_TOKEN_PREFIXES.some((prefix) => token.startsWith(prefix))) {
        problems.push('cloudflare.api_token must be a user (cfut_) or account (cfat_) API token');
      }
      break;
    }
    case 'mongodb_atlas':
      need('client_id');
      need('client_secret');
      break;
    case 'sendgrid':
      need('api_key');
      break;
    case 'datadog': {
      need('api_key');
      need('app_key');
      const site = textAt(config, 'site');
      if (site !== undefined && !DATADOG_SITE.test(site)) problems.push('datadog.site must be a Datadog site such as datadoghq.com');
      break;
    }
    default: {
      const unreachable: never = block;
      throw new Error(`unknown block ${String(unreachable)}`);
    }
  }
  return problems.length === before ? { block, config } : null;
}

/** Drops nulls and empty strings (proto3: unset), keeping `false` and empty objects. */
function clean(value: Record<string, unknown>): BlockConfig {
  const out: Record<string, string | boolean | BlockConfig> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === null || member === undefined || member === '') continue;
    if (typeof member === 'string' || typeof member === 'boolean') out[key] = member;
    else if (typeof member === 'object' && !Array.isArray(member)) out[key] = clean(member as Record<string, unknown>);
  }
  return out;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}
