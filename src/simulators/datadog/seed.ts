import type { StoredConnection } from './state.js';

/**
 * Demo state of the Datadog simulator: what a platform team's Workflow Automation org might hold.
 * Ids are fixed so demo configs, tests and docs can name them. Every secret below is made up.
 */

/** Stable ids of the seeded action connections. */
export const DATADOG_SEED_CONNECTION_IDS = {
  awsProduction: '0b6f3c1e-5a2d-4e8f-9c71-3d4a5b6c7e80',
  statuspageHttp: '1c7a4d2f-6b3e-4f9a-8d82-4e5b6c7d8f91',
  datadogEuOrg: '2d8b5e3a-7c4f-4a0b-9e93-5f6c7d8e9fa2',
  serviceNow: '3e9c6f4b-8d5a-4b1c-af04-6a7d8e9fa0b3',
  okta: '4fad7a5c-9e6b-4c2d-b015-7b8e9fa0b1c4',
  openAi: '5abe8b6d-af7c-4d3e-8126-8c9fa0b1c2d5',
  cloudflare: '6bcf9c7e-b08d-4e4f-9237-9da0b1c2d3e6',
} as const;

/** The demo org's user who made the seeded connections (`relationships.created_by`). */
export const DATADOG_SEED_USER_ID = '9e2f4c1a-7b3d-4e5f-8a6b-1c2d3e4f5a6b';

/** When each seeded connection was made and last changed (UTC), so demo answers carry real-looking times. */
const SEED_TIMES: Readonly<Record<keyof typeof DATADOG_SEED_CONNECTION_IDS, readonly [created: string, updated: string]>> = {
  awsProduction: ['2025-01-14T09:12:31.482Z', '2025-03-02T16:40:07.915Z'],
  statuspageHttp: ['2025-01-20T11:05:44.120Z', '2025-01-20T11:05:44.120Z'],
  datadogEuOrg: ['2025-02-03T08:27:19.006Z', '2025-02-18T13:51:02.730Z'],
  serviceNow: ['2025-02-11T15:33:58.641Z', '2025-04-09T10:02:26.388Z'],
  okta: ['2025-02-25T17:48:12.254Z', '2025-02-25T17:48:12.254Z'],
  openAi: ['2025-03-06T12:19:40.097Z', '2025-05-13T08:44:51.563Z'],
  cloudflare: ['2025-03-27T19:02:05.871Z', '2025-03-27T19:02:05.871Z'],
};

/** Stable ids of the seeded app key registrations. */
export const DATADOG_SEED_APP_KEY_IDS: readonly string[] = ['7cd0ad8f-c19e-4f5a-a348-aeb1c2d3e4f7'];

/** A fresh copy of the seeded connections (callers may keep or replace them freely). */
export function datadogSeedConnections(): StoredConnection[] {
  const record = (key: keyof typeof DATADOG_SEED_CONNECTION_IDS) => {
    const [created, updated] = SEED_TIMES[key];
    return { id: DATADOG_SEED_CONNECTION_IDS[key], createdAt: Date.parse(created), updatedAt: Date.parse(updated), createdBy: DATADOG_SEED_USER_ID };
  };
  return [
    {
      ...record('awsProduction'),
      name: 'AWS production (incident remediation)',
      tags: ['team:platform', 'env:prod'],
      integration: {
        kind: 'fields',
        type: 'AWS',
        credentialType: 'AWSAssumeRole',
        fields: {
          account_id: '318467251904',
          role: 'DatadogWorkflowActionsRole',
          external_id: '8f14e45fceea4c7a9b2d1e6f3a5c7b90',
          principal_id: '464622532012',
        },
      },
    },
    {
      ...record('statuspageHttp'),
      name: 'Statuspage API',
      tags: ['team:sre', 'service:statuspage'],
      integration: {
        kind: 'http',
        type: 'HTTP',
        credentialType: 'HTTPTokenAuth',
        baseUrl: 'https://api.statuspage.io/v1',
        tokens: [{ name: 'statuspageApiKey', type: 'SECRET', value: 'demo-3f1c9a7e2b6d4f08a5c1e9b7d3f2a6c4' }],
        headers: [
          { name: 'Authorization', value: 'OAuth {{ statuspageApiKey }}' },
          { name: 'Content-Type', value: 'application/json' },
        ],
        urlParameters: [],
      },
    },
    {
      ...record('datadogEuOrg'),
      name: 'Datadog EU org (cross-org actions)',
      tags: ['team:observability'],
      integration: {
        kind: 'fields',
        type: 'Datadog',
        credentialType: 'DatadogAPIKey',
        fields: {
          datacenter: 'eu1',
          subdomain: 'acme-eu',
          api_key: '0d3e8f6a1b7c4e2d9f5a3c8b6e1d7f40',
          app_key: 'demo5b2e9c7a1f3d8e6b4a0c2f9d7e5b3a1c8e6f4d',
        },
      },
    },
    {
      ...record('serviceNow'),
      name: 'ServiceNow ITSM',
      tags: ['team:it-ops', 'env:prod'],
      integration: {
        kind: 'fields',
        type: 'ServiceNow',
        credentialType: 'ServiceNowBasicAuth',
        fields: { instance: 'acmecorp', username: 'svc.datadog.workflows', password: 'demo-Tq8!vR2#mL5pZ9' },
      },
    },
    {
      ...record('okta'),
      name: 'Okta workforce directory',
      tags: ['team:security'],
      integration: {
        kind: 'fields',
        type: 'Okta',
        credentialType: 'OktaAPIToken',
        fields: { domain: 'acme.okta.com', api_token: '00demoXk3vQ8rT1yW6zB9nM4pL7sD2fG5hJ0aC' },
      },
    },
    {
      ...record('openAi'),
      name: 'OpenAI (incident summaries)',
      tags: ['team:sre', 'use:postmortems'],
      integration: {
        kind: 'fields',
        type: 'OpenAI',
        credentialType: 'OpenAIAPIKey',
        fields: { api_token: 'sk-proj-demo7Hq2Lw9Zx4Nc6Vb1Mk8Rt3Yp5Sd0Fg' },
      },
    },
    {
      ...record('cloudflare'),
      name: 'Cloudflare DNS and WAF',
      tags: [],
      integration: {
        kind: 'fields',
        type: 'Cloudflare',
        credentialType: 'CloudflareAPIToken',
        fields: { api_token: 'demo_cf_9Yb3Kq7Wm2Xv5Tn8Rz1Lp4Hs6Dg0Fj' },
      },
    },
  ];
}
