import type { AccountRef, ConnectionBase, SecretHint } from '../../core/domain.js';
import { secretHint } from '../../core/domain.js';
import { CHRONOSPHERE_BLOCKS, PAGERDUTY_EVENTS_VERSIONS, REDACTED, SERVICE_OF_BLOCK, type PagerdutyEventsVersion } from './catalogue.js';
import type { ConnectionWire, HttpConfigWire } from './wire.js';

/** A PagerDuty events version as read; `UNKNOWN` for a value this Patchbay does not know. */
export type PagerdutyEventsVersionRead = PagerdutyEventsVersion | 'UNKNOWN';

/** The `http_config` of a webhook or Opsgenie connection; secrets are hints only. */
export interface ChronosphereHttpConfig {
  readonly basicAuth: { readonly username: string | null; readonly password: SecretHint } | null;
  readonly bearerToken: SecretHint;
  /** Null when Chronosphere sent no `tls_config`. */
  readonly tlsConfig: { readonly insecureSkipVerify: boolean } | null;
}

/** What an external connection connects to: one member per type block, plus a fallback. */
export type ChronosphereTarget =
  | { readonly type: 'slack'; readonly apiUrl: SecretHint; readonly apiUrlHost: string | null; readonly token: SecretHint }
  | {
      readonly type: 'pagerduty';
      /** Null version: Chronosphere did not say (its documented default is V2). */
      readonly events: { readonly version: PagerdutyEventsVersionRead | null; readonly apiKey: SecretHint } | null;
      readonly rest: { readonly apiKey: SecretHint } | null;
    }
  | { readonly type: 'webhook'; readonly url: string | null; readonly httpConfig: ChronosphereHttpConfig | null }
  | { readonly type: 'victor_ops'; readonly apiKey: SecretHint; readonly apiUrl: string | null }
  | { readonly type: 'ops_genie'; readonly apiKey: SecretHint; readonly apiUrl: string | null; readonly httpConfig: ChronosphereHttpConfig | null }
  | { readonly type: 'cloudflare'; readonly apiToken: SecretHint }
  | { readonly type: 'mongodb_atlas'; readonly clientId: string | null; readonly clientSecret: SecretHint }
  | { readonly type: 'sendgrid'; readonly apiKey: SecretHint }
  | { readonly type: 'datadog'; readonly apiKey: SecretHint; readonly appKey: SecretHint; readonly site: string | null }
  | {
      readonly type: 'unknown';
      /** The object-valued keys Chronosphere sent that are not known type blocks (or several known ones). */
      readonly blocks: readonly string[];
    };

/** A Chronosphere external connection, as Patchbay shows it. */
export interface ChronosphereExternalConnection extends ConnectionBase {
  readonly kind: 'chronosphere';
  readonly slug: string;
  readonly target: ChronosphereTarget;
}

const BASE_FIELDS: ReadonlySet<string> = new Set(['slug', 'name', 'created_at', 'updated_at']);
const KNOWN: ReadonlySet<string> = new Set(CHRONOSPHERE_BLOCKS);

/**
 * A hint for a secret as read. `**REDACTED**` means set, with nothing to show; a value in clear
 * (the Slack URL, or a new type Chronosphere does not redact) shows at most its last four.
 */
function hint(field: string, value: string | null | undefined): SecretHint {
  if (value === REDACTED) return { field, isSet: true, lastFour: null };
  return secretHint(field, value);
}

function date(value: string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}

function host(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}

function httpConfig(wire: HttpConfigWire | null | undefined, prefix: string): ChronosphereHttpConfig | null {
  if (!wire) return null;
  return {
    basicAuth: wire.basic_auth ? { username: wire.basic_auth.username ?? null, password: hint(`${prefix}.basicAuth.password`, wire.basic_auth.password) } : null,
    bearerToken: hint(`${prefix}.bearerToken`, wire.bearer_token),
    // proto3 JSON leaves `false` out, so an empty `tls_config` means verification is on.
    tlsConfig: wire.tls_config ? { insecureSkipVerify: wire.tls_config.insecure_skip_verify ?? false } : null,
  };
}

function version(value: string | null | undefined): PagerdutyEventsVersionRead | null {
  if (!value) return null;
  return (PAGERDUTY_EVENTS_VERSIONS as readonly string[]).includes(value) ? (value as PagerdutyEventsVersion) : 'UNKNOWN';
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every secret hint a target carries, including unset ones, in a stable order. */
export function targetSecrets(target: ChronosphereTarget): SecretHint[] {
  const http = (config: ChronosphereHttpConfig | null): SecretHint[] =>
    config
      ? [config.basicAuth?.password ?? { field: 'httpConfig.basicAuth.password', isSet: false, lastFour: null }, config.bearerToken]
      : [
          { field: 'httpConfig.basicAuth.password', isSet: false, lastFour: null },
          { field: 'httpConfig.bearerToken', isSet: false, lastFour: null },
        ];
  switch (target.type) {
    case 'slack':
      return [target.apiUrl, target.token];
    case 'pagerduty':
      return [target.events?.apiKey ?? { field: 'events.apiKey', isSet: false, lastFour: null }, target.rest?.apiKey ?? { field: 'rest.apiKey', isSet: false, lastFour: null }];
    case 'webhook':
      return http(target.httpConfig);
    case 'victor_ops':
      return [target.apiKey];
    case 'ops_genie':
      return [target.apiKey, ...http(target.httpConfig)];
    case 'cloudflare':
      return [target.apiToken];
    case 'mongodb_atlas':
      return [target.clientSecret];
    case 'sendgrid':
      return [target.apiKey];
    case 'datadog':
      return [target.apiKey, target.appKey];
    case 'unknown':
      return [];
    default: {
      const unreachable: never = target;
      throw new Error(`unknown target ${String(unreachable)}`);
    }
  }
}

function mapTarget(wire: ConnectionWire): ChronosphereTarget {
  const present = CHRONOSPHERE_BLOCKS.filter((block) => isObject(wire[block]));
  // Keys Chronosphere may add later: any object-valued field that is neither a base field nor a known block.
  const extra = Object.keys(wire).filter((key) => !BASE_FIELDS.has(key) && !KNOWN.has(key) && isObject(wire[key]));
  // The blocks form a proto oneof: anything but exactly one known block is shown as the fallback.
  if (present.length !== 1 || extra.length > 0) return { type: 'unknown', blocks: [...present, ...extra] };
  const { slack, pagerduty, webhook, victor_ops: victorOps, ops_genie: opsGenie, cloudflare, mongodb_atlas: atlas, sendgrid, datadog } = wire;
  if (slack) {
    const apiUrlHost = slack.api_url === REDACTED ? null : host(slack.api_url);
    return { type: 'slack', apiUrl: hint('apiUrl', slack.api_url), apiUrlHost, token: hint('token', slack.token) };
  }
  if (pagerduty) {
    return {
      type: 'pagerduty',
      events: pagerduty.events ? { version: version(pagerduty.events.version), apiKey: hint('events.apiKey', pagerduty.events.api_key) } : null,
      rest: pagerduty.rest ? { apiKey: hint('rest.apiKey', pagerduty.rest.api_key) } : null,
    };
  }
  if (webhook) return { type: 'webhook', url: webhook.url ?? null, httpConfig: httpConfig(webhook.http_config, 'httpConfig') };
  if (victorOps) return { type: 'victor_ops', apiKey: hint('apiKey', victorOps.api_key), apiUrl: victorOps.api_url ?? null };
  if (opsGenie) {
    return { type: 'ops_genie', apiKey: hint('apiKey', opsGenie.api_key), apiUrl: opsGenie.api_url ?? null, httpConfig: httpConfig(opsGenie.http_config, 'httpConfig') };
  }
  if (cloudflare) return { type: 'cloudflare', apiToken: hint('apiToken', cloudflare.api_token) };
  if (atlas) return { type: 'mongodb_atlas', clientId: atlas.client_id ?? null, clientSecret: hint('clientSecret', atlas.client_secret) };
  if (sendgrid) return { type: 'sendgrid', apiKey: hint('apiKey', sendgrid.api_key) };
  if (datadog) return { type: 'datadog', apiKey: hint('apiKey', datadog.api_key), appKey: hint('appKey', datadog.app_key), site: datadog.site ?? null };
  return { type: 'unknown', blocks: present };
}

/** Maps Chronosphere's wire connection to the domain. Secret values never survive this function. */
export function mapConnection(account: AccountRef, wire: ConnectionWire): ChronosphereExternalConnection {
  const target = mapTarget(wire);
  return {
    kind: 'chronosphere',
    account,
    slug: wire.slug,
    name: wire.name ?? '',
    service: target.type === 'unknown' ? 'OTHER' : SERVICE_OF_BLOCK[target.type],
    createdAt: date(wire.created_at),
    updatedAt: date(wire.updated_at),
    secrets: targetSecrets(target),
    target,
  };
}
