/** The vendors Patchbay federates, as written in the config file. */
export const VENDORS = ['datadog', 'chronosphere', 'mongodb', 'cortex', 'opsramp'] as const;
export type VendorId = (typeof VENDORS)[number];

/** Human names, used in messages. */
export const VENDOR_NAMES: Record<VendorId, string> = {
  datadog: 'Datadog',
  chronosphere: 'Chronosphere',
  mongodb: 'MongoDB Cloud Manager',
  cortex: 'Cortex',
  opsramp: 'OpsRamp',
};

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
