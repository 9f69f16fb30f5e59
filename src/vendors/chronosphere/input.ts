import { InputValidationError } from '../../core/errors.js';
import { INPUT_LIMITS, InputChecks, optional, type BuiltRequest, type OneOf } from '../../core/input-check.js';
import { CLOUDFLARE_TOKEN_PREFIXES, CONTROL_CHARACTERS, DATADOG_SITE, PAGERDUTY_EVENTS_VERSIONS, REDACTED, SLUG, isHttpUrl, type ChronosphereBlock, type PagerdutyEventsVersion } from './catalogue.js';

/*
 * The create and update inputs as GraphQL hands them over (schema/chronosphere/target.ts): required
 * fields are there and typed, the target and PagerDuty `@oneOf`s carry exactly one member. What
 * GraphQL cannot know (blank or control characters, URL shapes, slug shape, masked secrets,
 * exclusive alternatives) is checked here.
 */

interface ChronosphereBasicAuthInput {
  readonly username: string;
  readonly password: string;
}

interface ChronosphereHttpConfigInput {
  readonly basicAuth?: ChronosphereBasicAuthInput | null | undefined;
  readonly bearerToken?: string | null | undefined;
  readonly tlsConfig?: { readonly insecureSkipVerify: boolean } | null | undefined;
}

interface ChronosphereSlackInput {
  readonly apiUrl?: string | null | undefined;
  readonly token?: string | null | undefined;
}

interface ChronospherePagerDutyEventsInput {
  readonly apiKey: string;
  /** `UNKNOWN` is a member of the output enum that GraphQL lets through on input; it is refused here. */
  readonly version?: PagerdutyEventsVersion | 'UNKNOWN' | null | undefined;
}

type ChronospherePagerDutyInput = OneOf<{ events: ChronospherePagerDutyEventsInput; rest: { readonly apiKey: string } }>;

interface ChronosphereWebhookInput {
  readonly url: string;
  readonly httpConfig?: ChronosphereHttpConfigInput | null | undefined;
}

interface ChronosphereVictorOpsInput {
  readonly apiKey: string;
  readonly apiUrl?: string | null | undefined;
}

interface ChronosphereOpsGenieInput {
  readonly apiKey: string;
  readonly apiUrl?: string | null | undefined;
  readonly httpConfig?: ChronosphereHttpConfigInput | null | undefined;
}

interface ChronosphereDatadogInput {
  readonly apiKey: string;
  readonly appKey: string;
  readonly site?: string | null | undefined;
}

/** `ChronosphereConnectionTargetInput`: exactly one type, by its GraphQL member name. */
type ChronosphereTargetInput = OneOf<{
  slack: ChronosphereSlackInput;
  pagerduty: ChronospherePagerDutyInput;
  webhook: ChronosphereWebhookInput;
  victorOps: ChronosphereVictorOpsInput;
  opsGenie: ChronosphereOpsGenieInput;
  cloudflare: { readonly apiToken: string };
  mongodbAtlas: { readonly clientId: string; readonly clientSecret: string };
  sendgrid: { readonly apiKey: string };
  datadog: ChronosphereDatadogInput;
}>;

/** What `buildConnection` reads of the create and update inputs. */
export interface ChronosphereConnectionInput {
  readonly slug?: string | null | undefined;
  readonly name: string;
  readonly target: ChronosphereTargetInput;
}

/*
 * The `configv1ExternalConnection` Patchbay writes (docs/vendors/chronosphere/CONTRACT.md, "Resource
 * fields", and the swagger beside it): snake_case, only the fields given, one type block.
 */

interface ChronosphereHttpConfigRequest {
  readonly basic_auth?: { readonly username: string; readonly password: string };
  readonly bearer_token?: string;
  readonly tls_config?: { readonly insecure_skip_verify: boolean };
}

/** Each type block's JSON; the PagerDuty events and REST keys are mutually exclusive. */
interface ChronosphereBlockRequests {
  readonly slack: { readonly api_url?: string; readonly token?: string };
  readonly pagerduty: { readonly events: { readonly api_key: string; readonly version?: PagerdutyEventsVersion } } | { readonly rest: { readonly api_key: string } };
  readonly webhook: { readonly url: string; readonly http_config?: ChronosphereHttpConfigRequest };
  readonly victor_ops: { readonly api_key: string; readonly api_url?: string };
  readonly ops_genie: { readonly api_key: string; readonly api_url?: string; readonly http_config?: ChronosphereHttpConfigRequest };
  readonly cloudflare: { readonly api_token: string };
  readonly mongodb_atlas: { readonly client_id: string; readonly client_secret: string };
  readonly sendgrid: { readonly api_key: string };
  readonly datadog: { readonly api_key: string; readonly app_key: string; readonly site?: string };
}

/** Exactly one type block, under its JSON name. */
type ChronosphereBlockRequest = { [Block in ChronosphereBlock]: { readonly [Key in Block]: ChronosphereBlockRequests[Block] } }[ChronosphereBlock];

/** The connection object of a create or update; `slug` only when given (Chronosphere generates one from the name). */
type ChronosphereConnectionRequest = { readonly slug?: string; readonly name: string } & ChronosphereBlockRequest;

/** `configv1CreateExternalConnectionRequest`, the POST body. */
export interface ChronosphereCreateRequest {
  readonly external_connection: ChronosphereConnectionRequest;
  readonly dry_run?: boolean;
}

/** `ConfigV1UpdateExternalConnectionBody`, the PUT body: a full replace, the slug the path's. */
export interface ChronosphereUpdateRequest {
  readonly external_connection: ChronosphereConnectionRequest & { readonly slug: string };
  readonly create_if_missing?: boolean;
  readonly dry_run?: boolean;
}

/** The `external_connection` object to send, and what Patchbay must know about it. */
export interface BuiltConnection extends BuiltRequest<ChronosphereConnectionRequest> {
  /**
   * Secret fields of the chosen type (camelCase paths, as in `SecretHint.field`) that the input did
   * not carry. Chronosphere stores the object as sent (PUT is a full replace, CONTRACT.md), so
   * these hold no value after the write; Patchbay never fills them from a read.
   */
  readonly unsetSecrets: readonly string[];
  readonly block: ChronosphereBlock;
  /** The secrets the body sends, by hint field (`events.apiKey`, `httpConfig.basicAuth.password`, …): always present, maybe empty. */
  readonly secrets: ReadonlyMap<string, string>;
}

/** Every secret field of each type, as the hints name them (map.ts, `targetSecrets`). */
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

interface Place {
  readonly path: readonly string[];
  /** Position inside the block, for `unsetSecrets`. */
  readonly inBlock: string;
}

function at(parent: Place, key: string): Place {
  return { path: [...parent.path, key], inBlock: parent.inBlock === '' ? key : `${parent.inBlock}.${key}` };
}

/*
 * The checks below record what is wrong and return the value as given: when anything was recorded,
 * `buildConnection` throws before the body leaves, so a refused value is never sent.
 */

/** Whether a text value is usable: within `max` characters, not blank, no control characters. */
function checkText(value: string, where: Place, out: InputChecks, max: number = INPUT_LIMITS.text): boolean {
  if (!out.maxLength(value, where.path, max)) return false;
  if (value.trim() === '') {
    out.fail(where.path, 'must not be empty');
    return false;
  }
  if (CONTROL_CHARACTERS.test(value)) {
    out.fail(where.path, 'must not contain control characters');
    return false;
  }
  return true;
}

function checkUrl(value: string, where: Place, out: InputChecks): boolean {
  if (!checkText(value, where, out, INPUT_LIMITS.url)) return false;
  if (!isHttpUrl(value)) {
    out.fail(where.path, 'must be an absolute http(s) URL');
    return false;
  }
  return true;
}

function text(value: string, where: Place, out: InputChecks, max: number = INPUT_LIMITS.text): string {
  checkText(value, where, out, max);
  return value;
}

function url(value: string, where: Place, out: InputChecks): string {
  checkUrl(value, where, out);
  return value;
}

/**
 * A secret to send. The masked value Chronosphere reads back is refused: Patchbay never writes a
 * value it read, so an update must carry the real secret.
 */
function secret(value: string, where: Place, out: InputChecks, kind: 'text' | 'url' = 'text'): string {
  if (value === REDACTED) {
    out.fail(where.path, `is the masked value Chronosphere returns on read (${REDACTED}); give the real secret`);
    return value;
  }
  // Recorded under the hint field map.ts reads it back as: scrubbed from what Chronosphere says, fingerprinted after the write.
  if (kind === 'url' ? checkUrl(value, where, out) : checkText(value, where, out, INPUT_LIMITS.secret)) out.secret(where.inBlock, value);
  return value;
}

function httpConfig(input: ChronosphereHttpConfigInput, where: Place, out: InputChecks): ChronosphereHttpConfigRequest {
  const { basicAuth, bearerToken, tlsConfig } = input;
  if (basicAuth && bearerToken != null) {
    // Terraform docs: basic auth and a bearer token are mutually exclusive.
    out.fail(where.path, 'give basicAuth or bearerToken, not both');
  }
  const basicPlace = at(where, 'basicAuth');
  return {
    ...optional(
      'basic_auth',
      basicAuth && { username: text(basicAuth.username, at(basicPlace, 'username'), out, INPUT_LIMITS.name), password: secret(basicAuth.password, at(basicPlace, 'password'), out) },
    ),
    ...optional('bearer_token', bearerToken == null ? undefined : secret(bearerToken, at(where, 'bearerToken'), out)),
    ...optional('tls_config', tlsConfig && { insecure_skip_verify: tlsConfig.insecureSkipVerify }),
  };
}

function pagerduty(input: ChronospherePagerDutyInput, where: Place, out: InputChecks): ChronosphereBlockRequests['pagerduty'] {
  if (input.events) {
    const place = at(where, 'events');
    const apiKey = secret(input.events.apiKey, at(place, 'apiKey'), out);
    const { version } = input.events;
    const known = PAGERDUTY_EVENTS_VERSIONS.find((v) => v === version);
    if (version != null && known === undefined) out.fail([...place.path, 'version'], 'must be V1 or V2');
    return { events: { api_key: apiKey, ...optional('version', known) } };
  }
  return { rest: { api_key: secret(input.rest.apiKey, at(at(where, 'rest'), 'apiKey'), out) } };
}

function slack(input: ChronosphereSlackInput, where: Place, out: InputChecks): ChronosphereBlockRequests['slack'] {
  if (input.apiUrl == null && input.token == null) out.fail(where.path, 'give apiUrl, token or both');
  return {
    // The incoming-webhook URL embeds a credential: it is handled as a secret (catalogue.ts).
    ...optional('api_url', input.apiUrl == null ? undefined : secret(input.apiUrl, at(where, 'apiUrl'), out, 'url')),
    ...optional('token', input.token == null ? undefined : secret(input.token, at(where, 'token'), out)),
  };
}

function cloudflare(input: { readonly apiToken: string }, where: Place, out: InputChecks): ChronosphereBlockRequests['cloudflare'] {
  const token = input.apiToken;
  const place = at(where, 'apiToken');
  if (token !== REDACTED && !CLOUDFLARE_TOKEN_PREFIXES.some((prefix) => token.startsWith(prefix))) {
    // The swagger: "Accepts User API Tokens (cfut_ prefix) and Account API Tokens (cfat_ prefix)".
    out.fail(place.path, 'must be a user (cfut_) or account (cfat_) API token');
    return { api_token: token };
  }
  return { api_token: secret(token, place, out) };
}

function datadog(input: ChronosphereDatadogInput, where: Place, out: InputChecks): ChronosphereBlockRequests['datadog'] {
  const place = at(where, 'site');
  const site = input.site == null ? undefined : input.site;
  const siteOk = site !== undefined && checkText(site, place, out);
  if (siteOk && !DATADOG_SITE.test(site)) out.fail(place.path, 'must be a Datadog site host name, e.g. datadoghq.com or datadoghq.eu');
  return {
    api_key: secret(input.apiKey, at(where, 'apiKey'), out),
    app_key: secret(input.appKey, at(where, 'appKey'), out),
    ...optional('site', site),
  };
}

/** The one type block the target carries, built under its JSON name. */
function block(target: ChronosphereTargetInput, out: InputChecks): { readonly block: ChronosphereBlock; readonly request: ChronosphereBlockRequest } {
  const member = (key: string): Place => ({ path: ['target', key], inBlock: '' });
  if (target.slack) return { block: 'slack', request: { slack: slack(target.slack, member('slack'), out) } };
  if (target.pagerduty) return { block: 'pagerduty', request: { pagerduty: pagerduty(target.pagerduty, member('pagerduty'), out) } };
  if (target.webhook) {
    const where = member('webhook');
    const { url: given, httpConfig: config } = target.webhook;
    return { block: 'webhook', request: { webhook: { url: url(given, at(where, 'url'), out), ...optional('http_config', config && httpConfig(config, at(where, 'httpConfig'), out)) } } };
  }
  if (target.victorOps) {
    const where = member('victorOps');
    const { apiKey, apiUrl } = target.victorOps;
    return {
      block: 'victor_ops',
      request: { victor_ops: { api_key: secret(apiKey, at(where, 'apiKey'), out), ...optional('api_url', apiUrl == null ? undefined : url(apiUrl, at(where, 'apiUrl'), out)) } },
    };
  }
  if (target.opsGenie) {
    const where = member('opsGenie');
    const { apiKey, apiUrl, httpConfig: config } = target.opsGenie;
    return {
      block: 'ops_genie',
      request: {
        ops_genie: {
          api_key: secret(apiKey, at(where, 'apiKey'), out),
          ...optional('api_url', apiUrl == null ? undefined : url(apiUrl, at(where, 'apiUrl'), out)),
          ...optional('http_config', config && httpConfig(config, at(where, 'httpConfig'), out)),
        },
      },
    };
  }
  if (target.cloudflare) return { block: 'cloudflare', request: { cloudflare: cloudflare(target.cloudflare, member('cloudflare'), out) } };
  if (target.mongodbAtlas) {
    const where = member('mongodbAtlas');
    const { clientId, clientSecret } = target.mongodbAtlas;
    return {
      block: 'mongodb_atlas',
      request: { mongodb_atlas: { client_id: text(clientId, at(where, 'clientId'), out), client_secret: secret(clientSecret, at(where, 'clientSecret'), out) } },
    };
  }
  if (target.sendgrid) return { block: 'sendgrid', request: { sendgrid: { api_key: secret(target.sendgrid.apiKey, at(member('sendgrid'), 'apiKey'), out) } } };
  if (target.datadog) return { block: 'datadog', request: { datadog: datadog(target.datadog, member('datadog'), out) } };
  const unreachable: never = target;
  throw new Error(`a connection target without a member: ${JSON.stringify(Object.keys(unreachable))}`);
}

const SLUG_MESSAGE = 'must be 1-256 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** Checks a slug the way Chronosphere's slugs look (catalogue.ts). */
export function checkSlug(value: string, path: readonly string[]): string {
  if (!SLUG.test(value)) throw InputValidationError.single(path, SLUG_MESSAGE);
  return value;
}

/**
 * Checks a connection the way Chronosphere would (URLs, exclusive alternatives, masked secrets)
 * and builds its `external_connection` object. Throws `InputValidationError` listing every
 * problem; nothing is sent then.
 */
export function buildConnection(input: ChronosphereConnectionInput): BuiltConnection {
  const out = new InputChecks();
  const { slug } = input;
  if (slug != null && !SLUG.test(slug)) out.fail(['slug'], SLUG_MESSAGE);
  const name = text(input.name, { path: ['name'], inBlock: '' }, out, INPUT_LIMITS.name);
  const chosen = block(input.target, out);
  out.throwIfAny();
  return {
    body: { ...optional('slug', slug), name, ...chosen.request },
    sensitive: out.sensitive,
    secrets: out.secrets,
    unsetSecrets: SECRET_FIELDS[chosen.block].filter((field) => !out.secrets.has(field)),
    block: chosen.block,
  };
}
