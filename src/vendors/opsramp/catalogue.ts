import type { ConnectedService } from '../../core/vendor.js';

/*
 * OpsRamp's closed value sets (docs/vendors/opsramp/CONTRACT.md, "Object model")
 * and what Patchbay knows about the integrations OpsRamp offers. Values OpsRamp sends that are
 * not listed here read as `UNKNOWN`, never as a failure.
 */

/** Sentinel for a value OpsRamp sent that this version of Patchbay does not know. */
export const UNKNOWN = 'UNKNOWN';
export type Unknown = typeof UNKNOWN;

/** `category` (only CUSTOM installs choose it). */
export const OPSRAMP_CATEGORIES = ['Custom', 'Collaboration', 'Monitoring', 'SSO', 'Automation'] as const;
export type OpsRampCategory = (typeof OPSRAMP_CATEGORIES)[number];

/** `direction` (Collaboration only). */
export const OPSRAMP_DIRECTIONS = ['Inbound', 'Outbound', 'Inbound-Outbound'] as const;
export type OpsRampDirection = (typeof OPSRAMP_DIRECTIONS)[number];

/** OpsRamp entity types a mapping attribute applies to. */
export const OPSRAMP_ENTITY_TYPES = ['ALERT', 'PROBLEM', 'INCIDENT', 'CHANGE', 'SERVICEREQUEST', 'TASK'] as const;
export type OpsRampEntityType = (typeof OPSRAMP_ENTITY_TYPES)[number];

/** Inbound `authentication.authType`; python-opsramp also sends `BASIC`. */
export const OPSRAMP_INBOUND_AUTH_TYPES = ['WEBHOOK', 'OAUTH2', 'ALL', 'BASIC'] as const;
export type OpsRampInboundAuthType = (typeof OPSRAMP_INBOUND_AUTH_TYPES)[number];

/** `baseNotifier.type`. */
export const OPSRAMP_NOTIFIER_TYPES = ['REST_API', 'SOAP_API'] as const;
export type OpsRampNotifierType = (typeof OPSRAMP_NOTIFIER_TYPES)[number];

/** `baseNotifier.authType`. */
export const OPSRAMP_NOTIFIER_AUTH_TYPES = ['NONE', 'OAUTH2', 'JWT', 'BASIC'] as const;
export type OpsRampNotifierAuthType = (typeof OPSRAMP_NOTIFIER_AUTH_TYPES)[number];

/**
 * `baseNotifier.grantType`. The schema enum and the examples say `PASSWORD`; the seed page's
 * table says `PASSWORD_CREDENTIALS`. Both read as `PASSWORD`; Patchbay sends `PASSWORD`.
 */
export const OPSRAMP_GRANT_TYPES = ['CLIENT_CREDENTIALS', 'PASSWORD', 'REFRESH_TOKEN'] as const;
export type OpsRampGrantType = (typeof OPSRAMP_GRANT_TYPES)[number];
const GRANT_TYPE_ALIASES: Readonly<Record<string, OpsRampGrantType>> = { PASSWORD_CREDENTIALS: 'PASSWORD' };

/** What an installed integration's status says, normalised (OpsRamp sends `enabled`, `Installed`, …). */
export const OPSRAMP_STATUSES = ['ENABLED', 'DISABLED', 'INSTALLED'] as const;
export type OpsRampStatus = (typeof OPSRAMP_STATUSES)[number];

/**
 * An installed integration's `state` on the current platform (opsramp/or-mcp-v2 models it; its
 * only documented value is `Deployed`). Any other value reads as `UNKNOWN`, its text kept beside.
 */
export const OPSRAMP_STATES = ['DEPLOYED'] as const;
export type OpsRampState = (typeof OPSRAMP_STATES)[number];

/** The families OpsRamp's integrations fall into; their install bodies differ by family. */
export const OPSRAMP_INTEGRATION_KINDS = ['CUSTOM', 'COLLABORATION', 'SERVICE_DESK', 'MONITORING', 'CLOUD', 'COMPUTE', 'SSO', 'EMAIL'] as const;
export type OpsRampIntegrationKind = (typeof OPSRAMP_INTEGRATION_KINDS)[number];

/** One integration OpsRamp offers, as far as Patchbay knows it. */
export interface OpsRampCatalogueEntry {
  readonly id: string;
  readonly name: string;
  readonly kind: OpsRampIntegrationKind;
  readonly service: ConnectedService;
  readonly multipleInstallations: boolean;
}

/**
 * The integrations Patchbay recognises. Ids come from the spec's examples (install, search and
 * the available-integrations example) and OpsRamp's documentation (the simulator's own
 * catalogue offers the same ids). An id not listed here is still accepted and shown, with kind `UNKNOWN`.
 */
export const OPSRAMP_CATALOGUE: readonly OpsRampCatalogueEntry[] = [
  { id: 'CUSTOM', name: 'Custom', kind: 'CUSTOM', service: 'WEBHOOK', multipleInstallations: true },
  { id: 'RESTAPI', name: 'Custom', kind: 'CUSTOM', service: 'WEBHOOK', multipleInstallations: true },
  { id: 'SLACK', name: 'Slack', kind: 'COLLABORATION', service: 'SLACK', multipleInstallations: false },
  { id: 'MSTEAMS', name: 'Microsoft Teams', kind: 'COLLABORATION', service: 'MICROSOFT_TEAMS', multipleInstallations: false },
  { id: 'PAGERDUTY', name: 'PagerDuty', kind: 'COLLABORATION', service: 'PAGERDUTY', multipleInstallations: true },
  { id: 'OPSGENIE', name: 'Opsgenie', kind: 'COLLABORATION', service: 'OPSGENIE', multipleInstallations: true },
  { id: 'JIRA', name: 'JIRA', kind: 'SERVICE_DESK', service: 'OTHER', multipleInstallations: true },
  { id: 'SERVICENOW', name: 'ServiceNow', kind: 'SERVICE_DESK', service: 'SERVICENOW', multipleInstallations: true },
  { id: 'CASERVICEDESK', name: 'Service Desk', kind: 'SERVICE_DESK', service: 'OTHER', multipleInstallations: false },
  { id: 'PINGDOM', name: 'Pingdom', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'ALERTLOGIC', name: 'Alert Logic', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'DELLCOMPELLENT', name: 'Dell Compellent', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'GRAPHITE', name: 'Graphite', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'NAGIOS', name: 'Nagios', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'NEUSTAR', name: 'Neustar', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'NEWRELIC_LEGACY', name: 'NewRelic_Legacy', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'NIMSOFT', name: 'Nimsoft', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'OPSMANAGER', name: 'OpsManager', kind: 'MONITORING', service: 'OTHER', multipleInstallations: false },
  { id: 'DATADOG', name: 'Datadog', kind: 'MONITORING', service: 'DATADOG', multipleInstallations: true },
  { id: 'PROMETHEUS', name: 'Prometheus', kind: 'MONITORING', service: 'PROMETHEUS', multipleInstallations: true },
  { id: 'AWS', name: 'AWS', kind: 'CLOUD', service: 'AWS', multipleInstallations: true },
  { id: 'AZURE', name: 'Azure', kind: 'CLOUD', service: 'AZURE', multipleInstallations: true },
  { id: 'GOOGLE', name: 'Google Cloud', kind: 'CLOUD', service: 'GCP', multipleInstallations: true },
  { id: 'VMWARE', name: 'VMware', kind: 'COMPUTE', service: 'OTHER', multipleInstallations: true },
  { id: 'OKTA', name: 'Okta', kind: 'SSO', service: 'OKTA', multipleInstallations: false },
  { id: 'OTHER', name: 'Other', kind: 'SSO', service: 'OTHER', multipleInstallations: false },
  // The spec's catalogue example spells this id with a space ("Email Alerts"); matching ignores spaces.
  { id: 'EMAILALERTS', name: 'Email Alerts', kind: 'EMAIL', service: 'OTHER', multipleInstallations: true },
  { id: 'EMAILINCIDENTS', name: 'Email Requests', kind: 'EMAIL', service: 'OTHER', multipleInstallations: false },
];

const BY_ID = new Map(OPSRAMP_CATALOGUE.map((entry) => [entry.id, entry]));

/** The catalogue entry for an OpsRamp integration id, matched without case or spaces. */
export function catalogueEntry(id: string | null | undefined): OpsRampCatalogueEntry | undefined {
  if (!id) return undefined;
  return BY_ID.get(id.replace(/\s+/g, '').toUpperCase());
}

/** The member of `values` that `raw` names (case-insensitively), `UNKNOWN`, or null when absent. */
export function normalise<T extends string>(values: readonly T[], raw: string | null | undefined): T | Unknown | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const upper = raw.toUpperCase();
  return values.find((value) => value.toUpperCase() === upper) ?? UNKNOWN;
}

/** A grant type, reading `PASSWORD_CREDENTIALS` as `PASSWORD`. */
export function normaliseGrantType(raw: string | null | undefined): OpsRampGrantType | Unknown | null {
  const alias = raw ? GRANT_TYPE_ALIASES[raw.toUpperCase()] : undefined;
  return alias ?? normalise(OPSRAMP_GRANT_TYPES, raw);
}
