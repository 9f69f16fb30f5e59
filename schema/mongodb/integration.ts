import { builder } from '../builder.js';
import { mongoDbRuntime } from '../../src/vendors/mongodb/runtime.js';
import type {
  MongoDbIntegration,
  MongoDbMicrosoftTeamsSettings,
  MongoDbOpsGenieSettings,
  MongoDbPagerDutySettings,
  MongoDbPrometheusSettings,
  MongoDbSettings,
  MongoDbSlackSettings,
  MongoDbUnknownSettings,
  MongoDbVictorOpsSettings,
  MongoDbWebhookSettings,
} from '../../src/vendors/mongodb/map.js';
import { SecretHintType } from '../secret-hint.js';
import { connectionNode } from '../vendor-connection.js';

/** The `MongoDbIntegration` node: one project's integration of one type. */
export const MongoDbIntegrationRef = builder.objectRef<MongoDbIntegration>(mongoDbRuntime.ids.typename);

const PagerDutySettings = builder.objectRef<MongoDbPagerDutySettings>('MongoDbPagerDutySettings').implement({
  description: 'A `PAGER_DUTY` integration: alerts go to a PagerDuty service (Events API v2 integration key).',
  fields: (t) => ({
    serviceKey: t.field({ type: SecretHintType, description: 'A hint about the service (integration) key; the vendor shows it partially masked.', resolve: (s) => s.serviceKey }),
    region: t.exposeString('region', { nullable: true, description: 'The PagerDuty region (`US`/`EU`), as the Atlas-era API returns it; null when the vendor sends none.' }),
  }),
});

const SlackSettings = builder.objectRef<MongoDbSlackSettings>('MongoDbSlackSettings').implement({
  description: 'A `SLACK` integration. Slack must first be set up in the Cloud Manager UI (OAuth2); the API can only reconfigure it.',
  fields: (t) => ({
    apiToken: t.field({ type: SecretHintType, description: 'A hint about the Slack token.', resolve: (s) => s.apiToken }),
    teamName: t.exposeString('teamName', { nullable: true, description: 'The Slack team; missing on legacy integrations.' }),
    channelName: t.string({ nullable: true, description: 'The channel alerts go to; null when unset (the vendor sends "").', resolve: (s) => (s.channelName ? s.channelName : null) }),
  }),
});

const OpsGenieSettings = builder.objectRef<MongoDbOpsGenieSettings>('MongoDbOpsGenieSettings').implement({
  description: 'An `OPS_GENIE` integration.',
  fields: (t) => ({
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the Opsgenie API key.', resolve: (s) => s.apiKey }),
    region: t.exposeString('region', { nullable: true, description: 'The Opsgenie region Cloud Manager calls: `US` or `EU`.' }),
  }),
});

const VictorOpsSettings = builder.objectRef<MongoDbVictorOpsSettings>('MongoDbVictorOpsSettings').implement({
  description: 'A `VICTOR_OPS` (Splunk On-Call) integration.',
  fields: (t) => ({
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the VictorOps API key.', resolve: (s) => s.apiKey }),
    routingKey: t.exposeString('routingKey', { nullable: true, description: 'The routing key, when one is set.' }),
  }),
});

const WebhookSettings = builder.objectRef<MongoDbWebhookSettings>('MongoDbWebhookSettings').implement({
  description: 'A `WEBHOOK` integration: Cloud Manager posts alerts to a URL, optionally signed with a secret.',
  fields: (t) => ({
    url: t.field({ type: SecretHintType, description: 'A hint about the URL (the vendor masks its path; it may embed a token).', resolve: (s) => s.url }),
    urlOrigin: t.exposeString('urlOrigin', { nullable: true, description: 'Scheme and host of the URL, e.g. `https://hooks.example.com`.' }),
    secret: t.field({ type: SecretHintType, description: 'A hint about the signing secret; `isSet` is false when none is configured.', resolve: (s) => s.secret }),
    bodyTemplate: t.field({
      type: SecretHintType,
      description: 'Whether a body template is set (Atlas-era). The vendor redacts it on read, so only `isSet` is shown, never its text.',
      resolve: (s) => s.bodyTemplate,
    }),
    headersTemplate: t.field({
      type: SecretHintType,
      description: 'Whether a headers template is set (Atlas-era). It may carry credentials such as an `Authorization` header: only `isSet` is shown, never its text.',
      resolve: (s) => s.headersTemplate,
    }),
  }),
});

const MicrosoftTeamsSettings = builder.objectRef<MongoDbMicrosoftTeamsSettings>('MongoDbMicrosoftTeamsSettings').implement({
  description: 'A `MICROSOFT_TEAMS` integration (an incoming-webhook URL).',
  fields: (t) => ({
    microsoftTeamsWebhookUrl: t.field({ type: SecretHintType, description: 'A hint about the incoming-webhook URL (it embeds a token).', resolve: (s) => s.microsoftTeamsWebhookUrl }),
    urlOrigin: t.exposeString('urlOrigin', { nullable: true, description: 'Scheme and host of the URL.' }),
  }),
});

const PrometheusSettings = builder.objectRef<MongoDbPrometheusSettings>('MongoDbPrometheusSettings').implement({
  description: 'The `PROMETHEUS` integration: the endpoint Prometheus discovers and scrapes Cloud Manager metrics from.',
  fields: (t) => ({
    username: t.exposeString('username', { nullable: true, description: 'The user Prometheus authenticates as.' }),
    password: t.field({ type: SecretHintType, description: 'A hint about the password (Cloud Manager never returns it).', resolve: (s) => s.password }),
    listenAddress: t.exposeString('listenAddress', { nullable: true, description: 'The `host:port` Prometheus reaches.' }),
    serviceDiscovery: t.exposeString('serviceDiscovery', { nullable: true, description: 'How Prometheus discovers targets: `file` or `http`.' }),
    scheme: t.exposeString('scheme', { nullable: true, description: '`http` or `https`.' }),
    enabled: t.exposeBoolean('enabled', { nullable: true, description: 'Whether the integration is on.' }),
    tlsPemPath: t.exposeString('tlsPemPath', { nullable: true, description: 'Absolute path of the PEM file used for https.' }),
    tlsPemPassword: t.field({ type: SecretHintType, description: 'A hint about the PEM file password.', resolve: (s) => s.tlsPemPassword }),
  }),
});

const UnknownSettings = builder.objectRef<MongoDbUnknownSettings>('MongoDbUnknownIntegrationSettings').implement({
  description: 'An integration type this version of Patchbay does not know (e.g. Ops Manager `DATADOG` or the legacy `NEW_RELIC`). Its values are not shown.',
  fields: (t) => ({
    integrationType: t.exposeString('integrationType', { description: "The vendor's `type`." }),
    fieldNames: t.stringList({ description: 'The names of the fields the vendor returned.', resolve: (s) => [...s.fieldNames] }),
  }),
});

const SETTINGS_TYPENAMES = {
  PAGER_DUTY: 'MongoDbPagerDutySettings',
  SLACK: 'MongoDbSlackSettings',
  OPS_GENIE: 'MongoDbOpsGenieSettings',
  VICTOR_OPS: 'MongoDbVictorOpsSettings',
  WEBHOOK: 'MongoDbWebhookSettings',
  MICROSOFT_TEAMS: 'MongoDbMicrosoftTeamsSettings',
  PROMETHEUS: 'MongoDbPrometheusSettings',
  UNKNOWN: 'MongoDbUnknownIntegrationSettings',
} as const satisfies Record<MongoDbSettings['type'], string>;

/** `MongoDbIntegrationSettings`: the per-type settings, one member per type plus the fallback. */
export const MongoDbIntegrationSettingsUnion = builder.unionType('MongoDbIntegrationSettings', {
  description: 'The per-type settings of a Cloud Manager integration, with a fallback member for types Patchbay does not know.',
  types: [PagerDutySettings, SlackSettings, OpsGenieSettings, VictorOpsSettings, WebhookSettings, MicrosoftTeamsSettings, PrometheusSettings, UnknownSettings],
  resolveType: (settings) => SETTINGS_TYPENAMES[settings.type],
});

builder.node(MongoDbIntegrationRef, {
  description: 'A MongoDB Cloud Manager project third-party integration. A project holds at most one integration per type.',
  ...connectionNode(mongoDbRuntime),
  fields: (t) => ({
    groupId: t.exposeString('groupId', { description: 'The Cloud Manager project (group) id, 24 hex digits.' }),
    type: t.exposeString('type', { description: "The vendor's `INTEGRATION-TYPE`, e.g. `PAGER_DUTY`." }),
    vendorIntegrationId: t.exposeString('vendorIntegrationId', {
      nullable: true,
      description: "The integration's own read-only id, when the API returns one (the Atlas-era view does; Cloud Manager v1.0's docs list none).",
    }),
    settings: t.field({ type: MongoDbIntegrationSettingsUnion, description: 'What it connects to, with its non-secret settings and hints about its secrets.', resolve: (i) => i.settings }),
  }),
});
