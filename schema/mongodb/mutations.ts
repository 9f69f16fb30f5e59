import { builder } from '../builder.js';
import type { MongoDbIntegration } from '../../src/vendors/mongodb/map.js';
import { idempotencyKeyField } from '../idempotency.js';
import { MongoDbIntegrationRef } from './integration.js';

/*
 * Inputs of the Cloud Manager mutations. Required fields are nullable in the SDL on purpose:
 * Patchbay checks them itself so that a missing secret gets an `InputValidationError` saying why
 * it must be given again (PUT replaces the whole integration; nothing read is ever sent back).
 */

const required = 'Required.';
const secret = 'Write-only: sent to Cloud Manager, never returned.';
const resend = 'Every write (create or upsert) must carry it: Patchbay never re-sends a value it read.';

/** The `dryRun` every mutation input takes: a `WritePreview` instead of the write. */
const dryRunDescription = 'Answer a WritePreview of what the write would do, and write nothing.';

const OpsGenieRegionEnum = builder.enumType('MongoDbOpsGenieRegion', {
  description: 'The Opsgenie region Cloud Manager sends alerts to.',
  values: {
    US: { value: 'US', description: 'Opsgenie US (api.opsgenie.com).' },
    EU: { value: 'EU', description: 'Opsgenie EU (api.eu.opsgenie.com).' },
  } as const,
});

const PagerDutyRegionEnum = builder.enumType('MongoDbPagerDutyRegion', {
  description: 'The PagerDuty service region alerts are sent to (an Atlas-era field; Cloud Manager v1.0 documents none).',
  values: {
    US: { value: 'US', description: 'PagerDuty US (events.pagerduty.com).' },
    EU: { value: 'EU', description: 'PagerDuty EU (events.eu.pagerduty.com).' },
  } as const,
});

const ServiceDiscoveryEnum = builder.enumType('MongoDbPrometheusServiceDiscovery', {
  description: 'How Prometheus discovers Cloud Manager targets.',
  values: {
    FILE: { value: 'file', description: 'File-based service discovery.' },
    HTTP: { value: 'http', description: 'HTTP service discovery.' },
  } as const,
});

const SchemeEnum = builder.enumType('MongoDbPrometheusScheme', {
  description: 'The scheme of the Prometheus endpoint.',
  values: {
    HTTP: { value: 'http', description: 'Plain HTTP.' },
    HTTPS: { value: 'https', description: 'HTTPS; needs `tlsPemPath`.' },
  } as const,
});

const PagerDutyInput = builder.inputType('MongoDbPagerDutyInput', {
  description: 'A `PAGER_DUTY` integration.',
  fields: (t) => ({
    serviceKey: t.string({ description: `The PagerDuty service (integration) key. ${required} ${secret} ${resend}` }),
    region: t.field({
      type: PagerDutyRegionEnum,
      description: 'The PagerDuty region. Sent only when given (the vendor then uses its default, `US`); an API that does not know the attribute refuses it with a `VendorValidationError`.',
    }),
  }),
});

const SlackInput = builder.inputType('MongoDbSlackInput', {
  description: 'A `SLACK` integration. Cloud Manager only reconfigures a Slack integration first set up in its UI (OAuth2).',
  fields: (t) => ({
    apiToken: t.string({ description: `The Slack token. ${required} ${secret} ${resend}` }),
    teamName: t.string({ description: `The Slack team name. ${required}` }),
    channelName: t.string({ description: 'The channel to post to, 1 to 80 characters.' }),
  }),
});

const OpsGenieInput = builder.inputType('MongoDbOpsGenieInput', {
  description: 'An `OPS_GENIE` integration.',
  fields: (t) => ({
    apiKey: t.string({ description: `The Opsgenie API key. ${required} ${secret} ${resend}` }),
    region: t.field({ type: OpsGenieRegionEnum, description: 'The Opsgenie region; `US` when omitted.' }),
  }),
});

const VictorOpsInput = builder.inputType('MongoDbVictorOpsInput', {
  description: 'A `VICTOR_OPS` (Splunk On-Call) integration.',
  fields: (t) => ({
    apiKey: t.string({ description: `The VictorOps API key. ${required} ${secret} ${resend}` }),
    routingKey: t.string({ description: 'The routing key; omitted means none.' }),
  }),
});

const WebhookInput = builder.inputType('MongoDbWebhookInput', {
  description: 'A `WEBHOOK` integration.',
  fields: (t) => ({
    url: t.string({ description: `The absolute http(s) URL alerts are posted to (treated as a secret: it may embed a token). ${required} ${secret} ${resend}` }),
    secret: t.string({ description: `The signing secret. ${secret} Omitting it on upsert removes the secret (PUT replaces the whole integration).` }),
    bodyTemplate: t.string({
      description: `A template of the JSON body the vendor posts, with \`\${field}\` placeholders of the alert (at most 16384 characters; the vendor sends its default body when the rendered result is not JSON). ${secret} Omitting it on upsert removes it.`,
    }),
    headersTemplate: t.string({
      description: `A template of a JSON object of extra headers (name to value; at most 4096 characters). It may carry credentials such as an \`Authorization\` value. ${secret} Omitting it on upsert removes it.`,
    }),
  }),
});

const MicrosoftTeamsInput = builder.inputType('MongoDbMicrosoftTeamsInput', {
  description: 'A `MICROSOFT_TEAMS` integration.',
  fields: (t) => ({
    microsoftTeamsWebhookUrl: t.string({ description: `The Teams incoming-webhook URL. ${required} ${secret} ${resend}` }),
  }),
});

const PrometheusInput = builder.inputType('MongoDbPrometheusInput', {
  description: 'The `PROMETHEUS` integration.',
  fields: (t) => ({
    username: t.string({ description: `The user Prometheus authenticates as. ${required}` }),
    password: t.string({ description: `Its password. ${required} ${secret} ${resend}` }),
    listenAddress: t.string({ description: `The \`host:port\` Prometheus reaches, e.g. \`0.0.0.0:9216\`. ${required}` }),
    serviceDiscovery: t.field({ type: ServiceDiscoveryEnum, description: `How Prometheus discovers targets. ${required}` }),
    scheme: t.field({ type: SchemeEnum, description: `\`HTTP\` or \`HTTPS\`. ${required}` }),
    enabled: t.boolean({ description: `Whether the integration is on. ${required}` }),
    tlsPemPath: t.string({ description: 'Absolute path of the PEM file; required when the scheme is `HTTPS`.' }),
    tlsPemPassword: t.string({ description: `The PEM file password. ${secret} Omitting it on upsert removes it.` }),
  }),
});

/** `MongoDbIntegrationInput` (`@oneOf`): exactly one integration type with its whole settings. */
export const MongoDbIntegrationInput = builder.inputType('MongoDbIntegrationInput', {
  description: 'One Cloud Manager integration with all its settings: exactly one type.',
  isOneOf: true,
  fields: (t) => ({
    pagerDuty: t.field({ type: PagerDutyInput, description: 'A `PAGER_DUTY` integration.' }),
    slack: t.field({ type: SlackInput, description: 'A `SLACK` integration.' }),
    opsGenie: t.field({ type: OpsGenieInput, description: 'An `OPS_GENIE` integration.' }),
    victorOps: t.field({ type: VictorOpsInput, description: 'A `VICTOR_OPS` integration.' }),
    webhook: t.field({ type: WebhookInput, description: 'A `WEBHOOK` integration.' }),
    microsoftTeams: t.field({ type: MicrosoftTeamsInput, description: 'A `MICROSOFT_TEAMS` integration.' }),
    prometheus: t.field({ type: PrometheusInput, description: 'The `PROMETHEUS` integration.' }),
  }),
});

function writeInput(name: string, description: string) {
  return builder.inputType(name, {
    description,
    fields: (t) => ({
      account: t.string({ required: true, description: 'The Cloud Manager account, by its config key.' }),
      groupId: t.string({ required: true, description: "The project (group) id; one of the account's configured `groupIds`." }),
      integration: t.field({ type: MongoDbIntegrationInput, required: true, description: 'The integration, whole.' }),
      idempotencyKey: idempotencyKeyField(t),
      dryRun: t.boolean({ defaultValue: false, description: dryRunDescription }),
    }),
  });
}

/** Input of `createMongoDbIntegration`. */
export const CreateMongoDbIntegrationInput = writeInput(
  'CreateMongoDbIntegrationInput',
  'A new Cloud Manager integration (POST). Fails with `ConflictError` when the project already has one of that type.',
);

/** Input of `upsertMongoDbIntegration`. */
export const UpsertMongoDbIntegrationInput = writeInput(
  'UpsertMongoDbIntegrationInput',
  'A Cloud Manager integration to create or replace whole (PUT). Settings left out are removed at the vendor, secrets included.',
);

/** Input of `deleteMongoDbIntegration`. */
export const DeleteMongoDbIntegrationInput = builder.inputType('DeleteMongoDbIntegrationInput', {
  description: 'Names one Cloud Manager integration.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The integration’s global id.' }),
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ defaultValue: false, description: dryRunDescription }),
  }),
});

/** What a write returns: the integration written and the project as the vendor listed it after the write. */
export interface MongoDbIntegrationPayloadShape {
  readonly integration: MongoDbIntegration;
  readonly groupIntegrations: readonly MongoDbIntegration[];
}

/** The success member of the create and upsert results. */
export const MongoDbIntegrationPayload = builder.objectRef<MongoDbIntegrationPayloadShape>('MongoDbIntegrationPayload').implement({
  description: 'The integration as Cloud Manager holds it after the change. Cloud Manager answers writes with every integration of the project, so they come too.',
  fields: (t) => ({
    integration: t.field({ type: MongoDbIntegrationRef, description: 'The integration written.', resolve: (p) => p.integration }),
    groupIntegrations: t.field({
      type: [MongoDbIntegrationRef],
      description: 'Every integration of the project after the change, as Cloud Manager listed them.',
      resolve: (p) => [...p.groupIntegrations],
    }),
  }),
});
