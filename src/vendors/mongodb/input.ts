import { InputValidationError } from '../../core/errors.js';
import { INPUT_LIMITS, InputChecks, optional, type BuiltRequest, type OneOf } from '../../core/input-check.js';
import { GROUP_ID_PATTERN, type INPUT_KEYS, type MongoDbIntegrationType } from './catalogue.js';

/*
 * `MongoDbIntegrationInput` as GraphQL hands it over (schema/mongodb/mutations.ts): exactly one
 * member, enums already mapped to the wire's values. Every member field is nullable in the SDL on
 * purpose, so that a missing secret is refused here with a message saying why it must be given
 * again; whether a field is there is therefore checked here, along with what GraphQL cannot know.
 */

interface MongoDbMemberInputs {
  readonly PAGER_DUTY: { readonly serviceKey?: string | null | undefined; readonly region?: 'US' | 'EU' | null | undefined };
  readonly SLACK: { readonly apiToken?: string | null | undefined; readonly teamName?: string | null | undefined; readonly channelName?: string | null | undefined };
  readonly OPS_GENIE: { readonly apiKey?: string | null | undefined; readonly region?: 'US' | 'EU' | null | undefined };
  readonly VICTOR_OPS: { readonly apiKey?: string | null | undefined; readonly routingKey?: string | null | undefined };
  readonly WEBHOOK: {
    readonly url?: string | null | undefined;
    readonly secret?: string | null | undefined;
    readonly bodyTemplate?: string | null | undefined;
    readonly headersTemplate?: string | null | undefined;
  };
  readonly MICROSOFT_TEAMS: { readonly microsoftTeamsWebhookUrl?: string | null | undefined };
  readonly PROMETHEUS: {
    readonly username?: string | null | undefined;
    readonly password?: string | null | undefined;
    readonly listenAddress?: string | null | undefined;
    readonly serviceDiscovery?: 'file' | 'http' | null | undefined;
    readonly scheme?: 'http' | 'https' | null | undefined;
    readonly enabled?: boolean | null | undefined;
    readonly tlsPemPath?: string | null | undefined;
    readonly tlsPemPassword?: string | null | undefined;
  };
}

/** `MongoDbIntegrationInput`: one member per type, named as the catalogue's `INPUT_KEYS`. */
export type MongoDbIntegrationInput = OneOf<{ [Type in MongoDbIntegrationType as (typeof INPUT_KEYS)[Type]]: MongoDbMemberInputs[Type] }>;

/** Each type's request fields (docs/vendors/mongodb/CONTRACT.md, "Per-type fields"). */
interface MongoDbRequestFields {
  readonly PAGER_DUTY: { readonly serviceKey: string; readonly region?: 'US' | 'EU' };
  readonly SLACK: { readonly apiToken: string; readonly teamName: string; readonly channelName?: string };
  readonly OPS_GENIE: { readonly apiKey: string; readonly region: 'US' | 'EU' };
  readonly VICTOR_OPS: { readonly apiKey: string; readonly routingKey?: string };
  readonly WEBHOOK: { readonly url: string; readonly secret?: string; readonly bodyTemplate?: string; readonly headersTemplate?: string };
  readonly MICROSOFT_TEAMS: { readonly microsoftTeamsWebhookUrl: string };
  readonly PROMETHEUS: {
    readonly username: string;
    readonly password: string;
    readonly listenAddress: string;
    readonly serviceDiscovery: 'file' | 'http';
    readonly scheme: 'http' | 'https';
    readonly enabled: boolean;
    readonly tlsPemPath?: string;
    readonly tlsPemPassword?: string;
  };
}

/** The POST/PUT body: one integration object whose `type` equals the path segment (CONTRACT.md). */
type MongoDbIntegrationRequest = { [Type in MongoDbIntegrationType]: { readonly type: Type } & MongoDbRequestFields[Type] }[MongoDbIntegrationType];

/** A POST/PUT body for one integration type plus the secret values it carries (scrubbed from anything the vendor says back). */
export interface BuiltIntegration extends BuiltRequest<MongoDbIntegrationRequest> {
  readonly type: MongoDbIntegrationType;
}

const MAX_SECRET = 1024;
const MAX_URL = INPUT_LIMITS.url;
const MAX_TEXT = 256;
/** Slack's channel name limits (Atlas spec: 1 to 80 characters). */
const MAX_CHANNEL = 80;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Control characters a template may not hold; line breaks and tabs are how JSON templates are laid out. */
const TEMPLATE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** The Atlas spec's limits of the webhook templates: 16 KB for the body, 4 KB for the headers. */
const MAX_BODY_TEMPLATE = INPUT_LIMITS.document;
const MAX_HEADERS_TEMPLATE = 4096;
/** What a value read back from Cloud Manager looks like: a run of `*` before its last characters. */
const MASKED = /\*{4,}/;

const SECRET_REQUIRED = 'is required: Cloud Manager replaces the whole integration on every write and Patchbay never sends back a secret it read, so the secret must be given again';

interface TextRule {
  /**
   * The value is a secret, recorded under this hint field (`SecretHint.field` as map.ts names it
   * when the integration is read back: the wire field's name), so that `built.secrets` keys are
   * the connection's `secrets[].field`s.
   */
  readonly secret?: string;
  readonly max?: number;
}

/** The rule of a secret whose hint (map.ts) is named `field`. */
function secret(field: string): TextRule {
  return { secret: field };
}

/** Whether a given string is usable: not blank, no control characters, within bounds, not a mask read back. */
function checkText(value: string, at: readonly string[], out: InputChecks, rule: TextRule): boolean {
  // The value itself never goes into a message: it may be a secret.
  if (value.trim() === '') {
    out.fail(at, 'must not be empty');
    return false;
  }
  if (CONTROL.test(value)) {
    out.fail(at, 'must not contain control characters');
    return false;
  }
  if (!out.maxLength(value, at, rule.max ?? (rule.secret !== undefined ? MAX_SECRET : MAX_TEXT))) return false;
  if (rule.secret !== undefined && MASKED.test(value)) {
    out.fail(at, 'looks like a masked value read back from Cloud Manager (e.g. ******7890); give the real secret');
    return false;
  }
  if (rule.secret !== undefined) out.secret(rule.secret, value);
  return true;
}

/**
 * A value Cloud Manager requires. When the input left it out, the failure is recorded and
 * `standIn` returned: `buildIntegrationBody` throws before the body leaves, so it is never sent.
 */
function need<T>(value: T | null | undefined, at: readonly string[], out: InputChecks, standIn: T, message = 'is required'): T {
  if (value !== null && value !== undefined) return value;
  out.fail(at, message);
  return standIn;
}

/** A required string field; a missing secret is refused with the reason it must be given again. */
function requiredText(value: string | null | undefined, at: readonly string[], out: InputChecks, rule: TextRule = {}): string {
  if (value === null || value === undefined) return need(value, at, out, '', rule.secret !== undefined ? SECRET_REQUIRED : 'is required');
  checkText(value, at, out, rule);
  return value;
}

function optionalText(value: string | null | undefined, at: readonly string[], out: InputChecks, rule: TextRule = {}): string | undefined {
  if (value === null || value === undefined) return undefined;
  checkText(value, at, out, rule);
  return value;
}

/** A required http(s) URL; treated as a secret (hint `field`), since webhook URLs embed tokens. */
function requiredUrl(value: string | null | undefined, field: string, at: readonly string[], out: InputChecks): string {
  if (value === null || value === undefined) return need(value, at, out, '', SECRET_REQUIRED);
  if (checkText(value, at, out, { secret: field, max: MAX_URL }) && !isHttpUrl(value)) out.fail(at, 'must be an absolute http(s) URL');
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * An optional webhook template (Atlas-era `bodyTemplate`/`headersTemplate`). Sent only when given,
 * and sensitive: the headers template may carry an `Authorization` value, and the vendor redacts
 * both on read, so neither is ever shown or sent back. Its JSON is not checked here: the vendor
 * renders `${field}` placeholders and template directives first, and falls back to its default
 * payload when the rendered result is not JSON (CONTRACT.md, "Fields per type").
 */
function optionalTemplate(value: string | null | undefined, field: 'bodyTemplate' | 'headersTemplate', at: readonly string[], out: InputChecks, max: number): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value.trim() === '') out.fail(at, 'must not be empty; leave it out for the default');
  else if (TEMPLATE_CONTROL.test(value)) out.fail(at, 'must not contain control characters other than line breaks and tabs');
  else if (MASKED.test(value)) out.fail(at, 'looks like a redacted template read back from the vendor (******); give the real template');
  else if (out.maxLength(value, at, max)) out.secret(field, value);
  return value;
}

/** `host:port` or `[ipv6]:port`, as Cloud Manager's Prometheus `listenAddress`. */
const LISTEN_ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function prometheus(member: MongoDbMemberInputs['PROMETHEUS'], path: readonly string[], out: InputChecks): MongoDbIntegrationRequest {
  const at = (name: string): readonly string[] => [...path, name];
  const username = requiredText(member.username, at('username'), out);
  const password = requiredText(member.password, at('password'), out, secret('password'));
  const listenAddress = member.listenAddress;
  if (listenAddress === null || listenAddress === undefined) {
    need(listenAddress, at('listenAddress'), out, '');
  } else if (checkText(listenAddress, at('listenAddress'), out, {})) {
    const port = LISTEN_ADDRESS.exec(listenAddress)?.[1];
    if (port === undefined || Number(port) < 1 || Number(port) > 65535) out.fail(at('listenAddress'), 'must be host:port, e.g. 0.0.0.0:9216');
  }
  const serviceDiscovery = need(member.serviceDiscovery, at('serviceDiscovery'), out, 'file');
  const scheme = need(member.scheme, at('scheme'), out, 'http');
  const enabled = need(member.enabled, at('enabled'), out, false);
  const tlsPemPath = member.tlsPemPath;
  if (tlsPemPath !== null && tlsPemPath !== undefined && checkText(tlsPemPath, at('tlsPemPath'), out, { max: 1024 }) && !tlsPemPath.startsWith('/')) {
    out.fail(at('tlsPemPath'), 'must be an absolute path');
  }
  if (member.scheme === 'https' && (tlsPemPath === null || tlsPemPath === undefined)) out.fail(at('tlsPemPath'), 'is required when scheme is https');
  return {
    type: 'PROMETHEUS',
    username,
    password,
    listenAddress: listenAddress ?? '',
    serviceDiscovery,
    scheme,
    enabled,
    ...optional('tlsPemPath', tlsPemPath),
    ...optional('tlsPemPassword', optionalText(member.tlsPemPassword, at('tlsPemPassword'), out, secret('tlsPemPassword'))),
  };
}

/** The request for the one member the input carries, its fields checked in the order they are listed. */
function request(input: MongoDbIntegrationInput, path: readonly string[], out: InputChecks): MongoDbIntegrationRequest {
  const under =
    (key: string) =>
    (name: string): readonly string[] => [...path, key, name];
  if (input.pagerDuty) {
    const at = under('pagerDuty');
    // `region` is Atlas-era: sent only when given, so a Cloud Manager without it never sees the attribute.
    return {
      type: 'PAGER_DUTY',
      serviceKey: requiredText(input.pagerDuty.serviceKey, at('serviceKey'), out, secret('serviceKey')),
      ...optional('region', input.pagerDuty.region ?? undefined),
    };
  }
  if (input.slack) {
    const at = under('slack');
    const { apiToken, teamName, channelName } = input.slack;
    return {
      type: 'SLACK',
      apiToken: requiredText(apiToken, at('apiToken'), out, secret('apiToken')),
      teamName: requiredText(teamName, at('teamName'), out),
      ...optional('channelName', optionalText(channelName, at('channelName'), out, { max: MAX_CHANNEL })),
    };
  }
  if (input.opsGenie) {
    const at = under('opsGenie');
    // Required by Cloud Manager with a documented default of US: send it explicitly.
    return { type: 'OPS_GENIE', apiKey: requiredText(input.opsGenie.apiKey, at('apiKey'), out, secret('apiKey')), region: input.opsGenie.region ?? 'US' };
  }
  if (input.victorOps) {
    const at = under('victorOps');
    return {
      type: 'VICTOR_OPS',
      apiKey: requiredText(input.victorOps.apiKey, at('apiKey'), out, secret('apiKey')),
      ...optional('routingKey', optionalText(input.victorOps.routingKey, at('routingKey'), out)),
    };
  }
  if (input.webhook) {
    const at = under('webhook');
    return {
      type: 'WEBHOOK',
      url: requiredUrl(input.webhook.url, 'url', at('url'), out),
      ...optional('secret', optionalText(input.webhook.secret, at('secret'), out, secret('secret'))),
      ...optional('bodyTemplate', optionalTemplate(input.webhook.bodyTemplate, 'bodyTemplate', at('bodyTemplate'), out, MAX_BODY_TEMPLATE)),
      ...optional('headersTemplate', optionalTemplate(input.webhook.headersTemplate, 'headersTemplate', at('headersTemplate'), out, MAX_HEADERS_TEMPLATE)),
    };
  }
  if (input.microsoftTeams) {
    return {
      type: 'MICROSOFT_TEAMS',
      microsoftTeamsWebhookUrl: requiredUrl(input.microsoftTeams.microsoftTeamsWebhookUrl, 'microsoftTeamsWebhookUrl', under('microsoftTeams')('microsoftTeamsWebhookUrl'), out),
    };
  }
  if (input.prometheus) return prometheus(input.prometheus, [...path, 'prometheus'], out);
  const unreachable: never = input;
  throw new Error(`an integration input without a member: ${JSON.stringify(Object.keys(unreachable))}`);
}

/**
 * Checks a `MongoDbIntegrationInput` the way Cloud Manager would and builds the POST/PUT body.
 * Both writes send the whole object (PUT is a full replace), so every required field, secrets
 * included, must be in the input: nothing is filled in from a read. Throws `InputValidationError`
 * listing every problem; nothing is sent then.
 */
export function buildIntegrationBody(integration: MongoDbIntegrationInput, path: readonly string[] = ['integration']): BuiltIntegration {
  const out = new InputChecks();
  const body = request(integration, path, out);
  out.throwIfAny();
  return { type: body.type, body, sensitive: out.sensitive, secrets: out.secrets };
}

/**
 * The project id to use for `account`: it must be one of the account's configured `groupIds`
 * (compared case-insensitively; sent in the vendor's lower-case form).
 */
export function checkGroupId(groupId: string, configured: readonly string[], path: readonly string[] = ['groupId']): string {
  const wanted = groupId.toLowerCase();
  if (!GROUP_ID_PATTERN.test(wanted)) {
    throw InputValidationError.single(path, 'must be a 24-character hexadecimal project id');
  }
  if (!configured.some((id) => id.toLowerCase() === wanted)) {
    throw InputValidationError.single(path, 'is not one of the project ids (groupIds) configured for this account');
  }
  return wanted;
}
