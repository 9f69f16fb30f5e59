/**
 * What OpsRamp's OAuth2 token endpoint and installed-integrations API v2 say, as the simulator
 * reads them from docs/vendors/opsramp/CONTRACT.md and the spec excerpts beside it. Transcribed here
 * rather than imported from the client, so a client that misreads the vendor is refused.
 */

/**
 * The client-credentials token endpoint: where OpsRamp's current documentation and its own clients
 * ask (`/tenancy/auth/oauth/token`, CONTRACT.md "Base URL and authentication"), and the 2021 spec's
 * path (opsramp-auth.v2.yaml). Unknown: whether one instance serves both; by default the simulator
 * does, and tests make it serve one only.
 */
export const TOKEN_PATHS = { current: '/tenancy/auth/oauth/token', legacy: '/auth/oauth/token' } as const;
/** Which token paths a simulated instance serves. */
export type TokenPaths = 'both' | keyof typeof TOKEN_PATHS;

/** Whether `path` is one of the token paths (served or not: an unserved one is a plain 404, never a 401). */
export function isTokenPath(path: string): boolean {
  return path === TOKEN_PATHS.current || path === TOKEN_PATHS.legacy;
}

/** The token paths an instance serves. */
export function servedTokenPaths(which: TokenPaths): readonly string[] {
  return which === 'both' ? [TOKEN_PATHS.current, TOKEN_PATHS.legacy] : [TOKEN_PATHS[which]];
}

/**
 * Request field names OpsRamp's examples use but its schema does not document (CONTRACT.md,
 * "Inconsistencies"): the schema's `tenantAttrName`, `tenantEntityType`, `tenantAttrValue` and
 * `accessTokenURL` are what the API reads, and a body with these names is refused with a 400.
 */
export const UNDOCUMENTED_REQUEST_FIELDS: ReadonlySet<string> = new Set(['thirdPartyAttrName', 'thirdPartyEntityType', 'thirdPartyAttrValue', 'accessTokenURI']);

/** What the current platform puts in `state` (opsramp/or-mcp-v2 shows `Deployed`). */
export const DEPLOYED_STATE = 'Deployed';
/** Unknown: the version a fresh install reports; the simulator says 1.0.0. */
export const INITIAL_VERSION = '1.0.0';
/** The integrations API of one tenant; `{tenantId}` is a client or MSP id such as `client_8`. */
export const INTEGRATIONS_PATH = '/api/v2/tenants/{tenantId}/integrations';
/** Extracts the tenant of an API path. */
export const TENANT_IN_PATH = /^\/api\/v2\/tenants\/([^/]+)\//;

/** The only grant the token endpoint serves, and the scope every token gets. */
export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';
export const TOKEN_SCOPE = 'global:manage';
/** Token lifetime in seconds: the spec's example `expires_in`. */
export const TOKEN_TTL_SECONDS = 7199;

/** `category`: chosen only by CUSTOM installs. */
export const CATEGORIES: readonly string[] = ['Custom', 'Collaboration', 'Monitoring', 'SSO', 'Automation'];
/** `direction`: Collaboration only; Inbound-Outbound by default. */
export const DIRECTIONS: readonly string[] = ['Inbound', 'Outbound', 'Inbound-Outbound'];
export const DEFAULT_COLLABORATION_DIRECTION = 'Inbound-Outbound';
/** `mapAttributes[].entityType` and `inboundConfig.entityTypes[]`. */
export const ENTITY_TYPES: readonly string[] = ['ALERT', 'PROBLEM', 'INCIDENT', 'CHANGE', 'SERVICEREQUEST', 'TASK'];
/** `inboundConfig.authentication.authType`: the spec's enum, plus `BASIC`, which python-opsramp sends. */
export const INBOUND_AUTH_TYPES: readonly string[] = ['WEBHOOK', 'OAUTH2', 'ALL', 'BASIC'];
/** `baseNotifier.type`. */
export const NOTIFIER_TYPES: readonly string[] = ['REST_API', 'SOAP_API'];
/** `baseNotifier.authType`. */
export const NOTIFIER_AUTH_TYPES: readonly string[] = ['NONE', 'OAUTH2', 'JWT', 'BASIC'];
/** `baseNotifier.grantType`, the schema's enum. */
export const GRANT_TYPES: readonly string[] = ['CLIENT_CREDENTIALS', 'PASSWORD', 'REFRESH_TOKEN'];
/** The seed page's table spells the password grant `PASSWORD_CREDENTIALS`; both are accepted. */
export const PASSWORD_GRANT_NAMES: ReadonlySet<string> = new Set(['PASSWORD', 'PASSWORD_CREDENTIALS']);

/**
 * The first segment of a mapping's `attrName` per entity type, as the examples show
 * (`incident.status.name`, `serviceRequest.priority.name`).
 */
export const ATTR_NAME_PREFIX: Readonly<Record<string, string>> = {
  ALERT: 'alert',
  PROBLEM: 'problem',
  INCIDENT: 'incident',
  CHANGE: 'change',
  SERVICEREQUEST: 'serviceRequest',
  TASK: 'task',
};

/** Host OpsRamp puts into the webhook URLs it gives third parties (the Base URL of the contract). */
export const WEBHOOK_HOST = 'https://api.opsramp.com';

/** Search paging: `pageNo` is 1-based, `pageSize` defaults to 100. */
export const DEFAULT_PAGE_SIZE = 100;
/** Unknown (CONTRACT.md): OpsRamp's largest page. 500 is what its other v2 searches document. */
export const MAX_PAGE_SIZE = 500;

/** Requests per minute and tenant, by OpsRamp's classes ("Other APIs" row of the throttling table). */
export interface OpsRampRateLimits {
  readonly get: number;
  readonly pagedGet: number;
  readonly write: number;
}

/** The partner-scope limits OpsRamp documents for "Other APIs". */
export const OPSRAMP_PARTNER_LIMITS: OpsRampRateLimits = { get: 1500, pagedGet: 150, write: 150 };

/** One integration OpsRamp offers for installation. */
export interface OfferedIntegration {
  readonly id: string;
  readonly name: string;
  /** The custom integration: its installs choose a category and need a display name. */
  readonly custom: boolean;
  /** Whether a tenant may install it more than once; a second install of a single one is a 409. */
  readonly multipleInstallations: boolean;
}

const offer = (id: string, name: string, multipleInstallations: boolean, custom = false): OfferedIntegration => ({ id, name, custom, multipleInstallations });

/**
 * The catalogue `GET /available/search` serves and `POST /install/{id}` accepts.
 *
 * From the spec excerpt: CUSTOM and RESTAPI ("Custom"), SLACK, JIRA, CASERVICEDESK ("Service
 * Desk"), PINGDOM, the monitoring ids of the available-integrations example, VMWARE, OKTA, OTHER,
 * EMAILINCIDENTS ("Email Requests"); the contract's install list adds AWS, AZURE, GOOGLE and
 * EMAILALERTS (the example spells that id "Email Alerts"). `multipleInstallations` is documented
 * only for CUSTOM and VMWARE (true).
 *
 * Not in the contract, kept so the demo can install the on-call tools the other vendors use:
 * MSTEAMS, PAGERDUTY, OPSGENIE, SERVICENOW, DATADOG, PROMETHEUS, and the names of AWS, AZURE and
 * GOOGLE. Every other `multipleInstallations` is the simulator's choice: collaboration tools a
 * tenant connects once (Slack, Teams) and single-source monitors are single installs.
 */
export const CATALOGUE: readonly OfferedIntegration[] = [
  offer('CUSTOM', 'Custom', true, true),
  offer('RESTAPI', 'Custom', true, true),
  offer('SLACK', 'Slack', false),
  offer('MSTEAMS', 'Microsoft Teams', false),
  offer('PAGERDUTY', 'PagerDuty', true),
  offer('OPSGENIE', 'Opsgenie', true),
  offer('JIRA', 'JIRA', true),
  offer('SERVICENOW', 'ServiceNow', true),
  offer('CASERVICEDESK', 'Service Desk', false),
  offer('PINGDOM', 'Pingdom', false),
  offer('ALERTLOGIC', 'Alert Logic', false),
  offer('DELLCOMPELLENT', 'Dell Compellent', false),
  offer('GRAPHITE', 'Graphite', false),
  offer('NAGIOS', 'Nagios', false),
  offer('NEUSTAR', 'Neustar', false),
  offer('NEWRELIC_LEGACY', 'NewRelic_Legacy', false),
  offer('NIMSOFT', 'Nimsoft', false),
  offer('OPSMANAGER', 'OpsManager', false),
  offer('DATADOG', 'Datadog', true),
  offer('PROMETHEUS', 'Prometheus', true),
  offer('AWS', 'AWS', true),
  offer('AZURE', 'Azure', true),
  offer('GOOGLE', 'Google Cloud', true),
  offer('VMWARE', 'VMware', true),
  offer('OKTA', 'Okta', false),
  offer('OTHER', 'Other', false),
  offer('EMAILALERTS', 'Email Alerts', true),
  offer('EMAILINCIDENTS', 'Email Requests', false),
];

const OFFERED_BY_ID = new Map(CATALOGUE.map((entry) => [entry.id, entry]));

/** The offered integration a path id names, matched without case or spaces (`Email Alerts`). */
export function offeredIntegration(id: string | undefined): OfferedIntegration | undefined {
  return id ? OFFERED_BY_ID.get(id.replace(/\s+/g, '').toUpperCase()) : undefined;
}
