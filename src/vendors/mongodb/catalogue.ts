import type { ConnectedService } from '../../core/vendor.js';

/**
 * The Cloud Manager integration types Patchbay reads and writes, with the wire names of their
 * fields (CONTRACT.md, "Per-type fields"). The simulator keeps its own copy of the vendor's rules
 * on purpose: it stands for the vendor, not for this client.
 */
export const MONGODB_INTEGRATION_TYPES = ['PAGER_DUTY', 'SLACK', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK', 'MICROSOFT_TEAMS', 'PROMETHEUS'] as const;

/** One of the seven integration types Patchbay knows. */
export type MongoDbIntegrationType = (typeof MONGODB_INTEGRATION_TYPES)[number];

/** The name of each type's member in the GraphQL `@oneOf` input. */
export const INPUT_KEYS = {
  PAGER_DUTY: 'pagerDuty',
  SLACK: 'slack',
  OPS_GENIE: 'opsGenie',
  VICTOR_OPS: 'victorOps',
  WEBHOOK: 'webhook',
  MICROSOFT_TEAMS: 'microsoftTeams',
  PROMETHEUS: 'prometheus',
} as const satisfies Record<MongoDbIntegrationType, string>;

/** What a person calls each type, for connection names. */
export const TYPE_LABELS: Readonly<Record<string, string>> = {
  PAGER_DUTY: 'PagerDuty',
  SLACK: 'Slack',
  OPS_GENIE: 'Opsgenie',
  VICTOR_OPS: 'VictorOps',
  WEBHOOK: 'Webhook',
  MICROSOFT_TEAMS: 'Microsoft Teams',
  PROMETHEUS: 'Prometheus',
  DATADOG: 'Datadog',
  NEW_RELIC: 'New Relic',
  HIP_CHAT: 'HipChat',
};

/** The normalised service of each vendor type; types Patchbay cannot edit still get a service. */
export const TYPE_SERVICES: Readonly<Record<string, ConnectedService>> = {
  PAGER_DUTY: 'PAGERDUTY',
  SLACK: 'SLACK',
  OPS_GENIE: 'OPSGENIE',
  VICTOR_OPS: 'VICTOROPS',
  WEBHOOK: 'WEBHOOK',
  MICROSOFT_TEAMS: 'MICROSOFT_TEAMS',
  PROMETHEUS: 'PROMETHEUS',
  DATADOG: 'DATADOG',
};

/** Secret wire fields per type. Every one is write-only in Patchbay, whatever the vendor echoes. */
export const SECRET_FIELDS: Readonly<Record<MongoDbIntegrationType, readonly string[]>> = {
  PAGER_DUTY: ['serviceKey'],
  SLACK: ['apiToken'],
  OPS_GENIE: ['apiKey'],
  VICTOR_OPS: ['apiKey'],
  WEBHOOK: ['url', 'secret'],
  MICROSOFT_TEAMS: ['microsoftTeamsWebhookUrl'],
  PROMETHEUS: ['password', 'tlsPemPassword'],
};

/** `INTEGRATION-TYPE` path segments are upper-case words joined by `_`; anything else is not sent. */
export const TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Project (group) ids as the vendor writes them: 24 lower-case hex digits. */
export const GROUP_ID_PATTERN = /^[a-f0-9]{24}$/;
