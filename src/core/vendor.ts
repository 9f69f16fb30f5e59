/**
 * A vendor's id, as written in the config file (`vendor:`). The vendors themselves are the
 * modules of the registry (src/vendors/index.ts); the core knows none of them by name.
 */
export type VendorId = string;

/** What a connection connects to, normalised across vendors. */
export const CONNECTED_SERVICES = [
  'PAGERDUTY',
  'SLACK',
  'OPSGENIE',
  'VICTOROPS',
  'WEBHOOK',
  'MICROSOFT_TEAMS',
  'PROMETHEUS',
  'AWS',
  'AZURE',
  'GCP',
  'DATADOG',
  'CLOUDFLARE',
  'MONGODB_ATLAS',
  'SENDGRID',
  'SERVICENOW',
  'GITLAB',
  'OKTA',
  'OPENAI',
  'ANTHROPIC',
  'HTTP',
  'OTHER',
] as const;
export type ConnectedService = (typeof CONNECTED_SERVICES)[number];
