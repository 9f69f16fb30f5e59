import { builder } from '../builder.js';
import { urlHint } from '../../src/core/domain.js';
import { INPUT_LIMITS } from '../../src/core/input-check.js';
import type { ChronosphereHttpConfig, ChronosphereTarget } from '../../src/vendors/chronosphere/map.js';
import { SecretHintType } from '../secret-hint.js';

/*
 * Chronosphere's connection type blocks: an object type per block in the
 * `ChronosphereConnectionTarget` union (plus a fallback for blocks Patchbay does not know), and a
 * `@oneOf` input with one member per block for create and update. Field names are the vendor's,
 * in camelCase; secret fields are `SecretHint`s on output and write-only strings on input.
 */

type TargetOf<T extends ChronosphereTarget['type']> = Extract<ChronosphereTarget, { type: T }>;

/** `configv1PagerdutyEventsVersion`, plus UNKNOWN for values this Patchbay does not know. */
export const ChronospherePagerDutyEventsVersionEnum = builder.enumType('ChronospherePagerDutyEventsVersion', {
  description: 'The PagerDuty Events API version a Chronosphere PagerDuty connection sends alerts with.',
  values: {
    V1: { value: 'PAGERDUTY_EVENTS_VERSION_V1', description: 'Events API v1 (legacy); the key is the service key.' },
    V2: { value: 'PAGERDUTY_EVENTS_VERSION_V2', description: "Events API v2, Chronosphere's default; the key is the routing key." },
    UNKNOWN: { value: 'UNKNOWN', description: 'A version this Patchbay does not know (output only; refused as input).' },
  } as const,
});

const BasicAuthType = builder.objectRef<NonNullable<ChronosphereHttpConfig['basicAuth']>>('ChronosphereBasicAuth').implement({
  description: 'HTTP basic authentication of a Chronosphere connection.',
  fields: (t) => ({
    username: t.exposeString('username', { nullable: true, description: 'The user name.' }),
    password: t.field({ type: SecretHintType, description: 'A hint about the password (write-only).', resolve: (b) => b.password }),
  }),
});

const TlsConfigType = builder.objectRef<NonNullable<ChronosphereHttpConfig['tlsConfig']>>('ChronosphereTlsConfig').implement({
  description: 'TLS settings of a Chronosphere connection.',
  fields: (t) => ({
    insecureSkipVerify: t.exposeBoolean('insecureSkipVerify', { description: 'Whether the server certificate is not verified.' }),
  }),
});

const HttpConfigType = builder.objectRef<ChronosphereHttpConfig>('ChronosphereHttpConfig').implement({
  description: 'How Chronosphere calls the receiving endpoint (`http_config`): basic auth or a bearer token, and TLS.',
  fields: (t) => ({
    basicAuth: t.field({ type: BasicAuthType, nullable: true, description: 'Basic authentication, when used.', resolve: (c) => c.basicAuth }),
    bearerToken: t.field({ type: SecretHintType, description: 'A hint about the bearer token (write-only).', resolve: (c) => c.bearerToken }),
    tlsConfig: t.field({ type: TlsConfigType, nullable: true, description: 'TLS settings, when given.', resolve: (c) => c.tlsConfig }),
  }),
});

const SlackTarget = builder.objectRef<TargetOf<'slack'>>('ChronosphereSlackTarget').implement({
  description: 'A Slack connection (`slack`).',
  fields: (t) => ({
    // Not `apiUrl`: that name is a plain String on the VictorOps and Opsgenie members, and one
    // query could not select both shapes.
    apiUrlHint: t.field({
      type: SecretHintType,
      description:
        'A hint about `api_url`, the Slack API or incoming-webhook URL (hint field `apiUrl`). Chronosphere returns it in clear, but a webhook URL is a credential, so Patchbay shows a hint only.',
      resolve: (s) => s.apiUrl,
    }),
    apiUrlHost: t.exposeString('apiUrlHost', { nullable: true, description: 'The host of that URL, e.g. `hooks.slack.com`.' }),
    token: t.field({ type: SecretHintType, description: 'A hint about the Slack token (write-only).', resolve: (s) => s.token }),
  }),
});

const PagerDutyEventsType = builder.objectRef<NonNullable<TargetOf<'pagerduty'>['events']>>('ChronospherePagerDutyEvents').implement({
  description: 'PagerDuty Events API settings.',
  fields: (t) => ({
    version: t.field({
      type: ChronospherePagerDutyEventsVersionEnum,
      nullable: true,
      description: 'The Events API version; null when Chronosphere did not say (its documented default is V2).',
      resolve: (e) => e.version,
    }),
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the integration key: routing key (v2) or service key (v1).', resolve: (e) => e.apiKey }),
  }),
});

const PagerDutyRestType = builder.objectRef<NonNullable<TargetOf<'pagerduty'>['rest']>>('ChronospherePagerDutyRest').implement({
  description: 'PagerDuty REST API settings (used to poll notes).',
  fields: (t) => ({
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the REST API token (write-only).', resolve: (r) => r.apiKey }),
  }),
});

const PagerDutyTarget = builder.objectRef<TargetOf<'pagerduty'>>('ChronospherePagerDutyTarget').implement({
  description: 'A PagerDuty connection (`pagerduty`): the Events API or the REST API, not both.',
  fields: (t) => ({
    events: t.field({ type: PagerDutyEventsType, nullable: true, description: 'Events API settings, when this connection uses them.', resolve: (p) => p.events }),
    rest: t.field({ type: PagerDutyRestType, nullable: true, description: 'REST API settings, when this connection uses them.', resolve: (p) => p.rest }),
  }),
});

const WebhookTarget = builder.objectRef<TargetOf<'webhook'>>('ChronosphereWebhookTarget').implement({
  description: 'A webhook connection (`webhook`).',
  fields: (t) => ({
    url: t.string({
      nullable: true,
      description: 'The URL Chronosphere posts to. Shown as a hint: scheme, host and port, then `/…` when a path or query follows (it may carry a token).',
      resolve: (w) => urlHint(w.url),
    }),
    httpConfig: t.field({ type: HttpConfigType, nullable: true, description: 'Authentication and TLS, when given.', resolve: (w) => w.httpConfig }),
  }),
});

const VictorOpsTarget = builder.objectRef<TargetOf<'victor_ops'>>('ChronosphereVictorOpsTarget').implement({
  description: 'A VictorOps (Splunk On-Call) connection (`victor_ops`).',
  fields: (t) => ({
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the API key (write-only).', resolve: (v) => v.apiKey }),
    apiUrl: t.string({
      nullable: true,
      description: 'The VictorOps API URL, when not the default. Shown as a hint: scheme, host and port, then `/…` when a path or query follows (it may carry a token).',
      resolve: (v) => urlHint(v.apiUrl),
    }),
  }),
});

const OpsGenieTarget = builder.objectRef<TargetOf<'ops_genie'>>('ChronosphereOpsGenieTarget').implement({
  description: 'An Opsgenie connection (`ops_genie`).',
  fields: (t) => ({
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the API key (write-only).', resolve: (o) => o.apiKey }),
    apiUrl: t.string({
      nullable: true,
      description: 'The Opsgenie API URL, e.g. the EU one. Shown as a hint: scheme, host and port, then `/…` when a path or query follows (it may carry a token).',
      resolve: (o) => urlHint(o.apiUrl),
    }),
    httpConfig: t.field({ type: HttpConfigType, nullable: true, description: 'Authentication and TLS, when given.', resolve: (o) => o.httpConfig }),
  }),
});

const CloudflareTarget = builder.objectRef<TargetOf<'cloudflare'>>('ChronosphereCloudflareTarget').implement({
  description: 'A Cloudflare connection (`cloudflare`).',
  fields: (t) => ({
    apiToken: t.field({ type: SecretHintType, description: 'A hint about the user (cfut_) or account (cfat_) API token.', resolve: (c) => c.apiToken }),
  }),
});

const MongoDbAtlasTarget = builder.objectRef<TargetOf<'mongodb_atlas'>>('ChronosphereMongoDbAtlasTarget').implement({
  description: 'A MongoDB Atlas connection (`mongodb_atlas`) through a service account.',
  fields: (t) => ({
    clientId: t.exposeString('clientId', { nullable: true, description: 'The service account client id.' }),
    clientSecret: t.field({ type: SecretHintType, description: 'A hint about the service account client secret.', resolve: (m) => m.clientSecret }),
  }),
});

const SendGridTarget = builder.objectRef<TargetOf<'sendgrid'>>('ChronosphereSendGridTarget').implement({
  description: 'A SendGrid connection (`sendgrid`).',
  fields: (t) => ({
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the SendGrid API key (write-only).', resolve: (s) => s.apiKey }),
  }),
});

const DatadogTarget = builder.objectRef<TargetOf<'datadog'>>('ChronosphereDatadogTarget').implement({
  description: 'A Datadog connection (`datadog`).',
  fields: (t) => ({
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the Datadog API key (write-only).', resolve: (d) => d.apiKey }),
    appKey: t.field({ type: SecretHintType, description: 'A hint about the Datadog application key (write-only).', resolve: (d) => d.appKey }),
    site: t.exposeString('site', { nullable: true, description: 'The Datadog site, e.g. `datadoghq.eu`; null means Chronosphere’s default, `datadoghq.com`.' }),
  }),
});

const UnknownTarget = builder.objectRef<TargetOf<'unknown'>>('ChronosphereUnknownTarget').implement({
  description: 'A connection type this version of Patchbay does not know (or an object with several type blocks). Its settings are not shown.',
  fields: (t) => ({
    blocks: t.stringList({ description: "The JSON keys Chronosphere sent for the connection's type.", resolve: (u) => [...u.blocks] }),
  }),
});

const TYPE_NAMES: Record<ChronosphereTarget['type'], string> = {
  slack: 'ChronosphereSlackTarget',
  pagerduty: 'ChronospherePagerDutyTarget',
  webhook: 'ChronosphereWebhookTarget',
  victor_ops: 'ChronosphereVictorOpsTarget',
  ops_genie: 'ChronosphereOpsGenieTarget',
  cloudflare: 'ChronosphereCloudflareTarget',
  mongodb_atlas: 'ChronosphereMongoDbAtlasTarget',
  sendgrid: 'ChronosphereSendGridTarget',
  datadog: 'ChronosphereDatadogTarget',
  unknown: 'ChronosphereUnknownTarget',
};

/** The type block of a connection as read. */
export const ChronosphereConnectionTargetUnion = builder.unionType('ChronosphereConnectionTarget', {
  description: 'What a Chronosphere external connection connects to: one member per type block, plus a fallback for types Patchbay does not know.',
  types: [SlackTarget, PagerDutyTarget, WebhookTarget, VictorOpsTarget, OpsGenieTarget, CloudflareTarget, MongoDbAtlasTarget, SendGridTarget, DatadogTarget, UnknownTarget],
  resolveType: (target) => TYPE_NAMES[target.type],
});

const secretArg = (what: string) => `${what} (secret, write-only). Send the real value: \`**REDACTED**\`, what Chronosphere reads back, is refused.`;

const BasicAuthInput = builder.inputType('ChronosphereBasicAuthInput', {
  description: 'HTTP basic authentication.',
  fields: (t) => ({
    username: t.string({ required: true, description: 'The user name.' }),
    password: t.string({ required: true, description: secretArg('The password') }),
  }),
});

const TlsConfigInput = builder.inputType('ChronosphereTlsConfigInput', {
  description: 'TLS settings.',
  fields: (t) => ({
    insecureSkipVerify: t.boolean({ required: true, description: 'Skip verifying the server certificate (only for test endpoints).' }),
  }),
});

const HttpConfigInput = builder.inputType('ChronosphereHttpConfigInput', {
  description: 'How Chronosphere calls the endpoint: basic auth or a bearer token (not both), and TLS.',
  fields: (t) => ({
    basicAuth: t.field({ type: BasicAuthInput, description: 'Basic authentication.' }),
    bearerToken: t.string({ description: secretArg('A bearer token') }),
    tlsConfig: t.field({ type: TlsConfigInput, description: 'TLS settings.' }),
  }),
});

const SlackInput = builder.inputType('ChronosphereSlackInput', {
  description: 'A Slack connection: an API or incoming-webhook URL, a token, or both.',
  fields: (t) => ({
    apiUrl: t.string({ description: secretArg('The Slack API or incoming-webhook URL (http or https)') }),
    token: t.string({ description: secretArg('The Slack token') }),
  }),
});

const PagerDutyEventsInput = builder.inputType('ChronospherePagerDutyEventsInput', {
  description: 'PagerDuty Events API settings.',
  fields: (t) => ({
    apiKey: t.string({ required: true, description: secretArg('The integration key: routing key (v2) or service key (v1)') }),
    version: t.field({ type: ChronospherePagerDutyEventsVersionEnum, description: 'V1 or V2; omitted means Chronosphere’s default, V2.' }),
  }),
});

const PagerDutyRestInput = builder.inputType('ChronospherePagerDutyRestInput', {
  description: 'PagerDuty REST API settings.',
  fields: (t) => ({
    apiKey: t.string({ required: true, description: secretArg('The REST API token') }),
  }),
});

const PagerDutyInput = builder.inputType('ChronospherePagerDutyInput', {
  description: 'A PagerDuty connection: the Events API or the REST API (exactly one).',
  isOneOf: true,
  fields: (t) => ({
    events: t.field({ type: PagerDutyEventsInput, description: 'Send alerts through the Events API.' }),
    rest: t.field({ type: PagerDutyRestInput, description: 'Use the REST API (note polling).' }),
  }),
});

const WebhookInput = builder.inputType('ChronosphereWebhookInput', {
  description: 'A webhook connection.',
  fields: (t) => ({
    url: t.string({ required: true, description: `The URL to post to (http or https), at most ${INPUT_LIMITS.url} characters.` }),
    httpConfig: t.field({ type: HttpConfigInput, description: 'Authentication and TLS.' }),
  }),
});

const VictorOpsInput = builder.inputType('ChronosphereVictorOpsInput', {
  description: 'A VictorOps connection.',
  fields: (t) => ({
    apiKey: t.string({ required: true, description: secretArg('The API key') }),
    apiUrl: t.string({ description: 'The API URL (http or https), when not the default.' }),
  }),
});

const OpsGenieInput = builder.inputType('ChronosphereOpsGenieInput', {
  description: 'An Opsgenie connection.',
  fields: (t) => ({
    apiKey: t.string({ required: true, description: secretArg('The API key') }),
    apiUrl: t.string({ description: 'The API URL (http or https), e.g. `https://api.eu.opsgenie.com`.' }),
    httpConfig: t.field({ type: HttpConfigInput, description: 'Authentication and TLS.' }),
  }),
});

const CloudflareInput = builder.inputType('ChronosphereCloudflareInput', {
  description: 'A Cloudflare connection.',
  fields: (t) => ({
    apiToken: t.string({ required: true, description: secretArg('A user (`cfut_`) or account (`cfat_`) API token') }),
  }),
});

const MongoDbAtlasInput = builder.inputType('ChronosphereMongoDbAtlasInput', {
  description: 'A MongoDB Atlas connection through a service account.',
  fields: (t) => ({
    clientId: t.string({ required: true, description: 'The service account client id.' }),
    clientSecret: t.string({ required: true, description: secretArg('The service account client secret') }),
  }),
});

const SendGridInput = builder.inputType('ChronosphereSendGridInput', {
  description: 'A SendGrid connection.',
  fields: (t) => ({
    apiKey: t.string({ required: true, description: secretArg('The SendGrid API key') }),
  }),
});

const DatadogInput = builder.inputType('ChronosphereDatadogInput', {
  description: 'A Datadog connection.',
  fields: (t) => ({
    apiKey: t.string({ required: true, description: secretArg('The Datadog API key') }),
    appKey: t.string({ required: true, description: secretArg('The Datadog application key') }),
    site: t.string({ description: 'The Datadog site host, e.g. `datadoghq.eu`; omitted means `datadoghq.com`.' }),
  }),
});

/** The type block of a connection to write: exactly one member. */
export const ChronosphereConnectionTargetInput = builder.inputType('ChronosphereConnectionTargetInput', {
  description:
    'What the connection connects to: exactly one type, with all its settings. Chronosphere stores the object as sent (PUT is a full replace), so include every secret the connection should hold.',
  isOneOf: true,
  fields: (t) => ({
    slack: t.field({ type: SlackInput, description: 'A Slack connection (`slack`).' }),
    pagerduty: t.field({ type: PagerDutyInput, description: 'A PagerDuty connection (`pagerduty`).' }),
    webhook: t.field({ type: WebhookInput, description: 'A webhook connection (`webhook`).' }),
    victorOps: t.field({ type: VictorOpsInput, description: 'A VictorOps connection (`victor_ops`).' }),
    opsGenie: t.field({ type: OpsGenieInput, description: 'An Opsgenie connection (`ops_genie`).' }),
    cloudflare: t.field({ type: CloudflareInput, description: 'A Cloudflare connection (`cloudflare`).' }),
    mongodbAtlas: t.field({ type: MongoDbAtlasInput, description: 'A MongoDB Atlas connection (`mongodb_atlas`).' }),
    sendgrid: t.field({ type: SendGridInput, description: 'A SendGrid connection (`sendgrid`).' }),
    datadog: t.field({ type: DatadogInput, description: 'A Datadog connection (`datadog`).' }),
  }),
});
