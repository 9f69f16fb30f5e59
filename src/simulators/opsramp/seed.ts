import type { StoredIntegration } from './state.js';

/**
 * Demo state of the OpsRamp simulator: what one client tenant might have installed. Ids are fixed
 * so demo configs, tests and docs can name them. Every token, key and password below is made up.
 */

/** The tenant the demo account uses (the seed page's sample URL uses `client_8`). */
export const OPSRAMP_DEMO_TENANT = 'client_8';

/** Stable ids of the seeded installed integrations. */
export const OPSRAMP_SEED_IDS = {
  slack: 'INTG-1f0c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7',
  pagerDutyBridge: 'INTG-2a1d3b4c-5e6f-4a70-9b82-a3c4d5e6f708',
  jira: 'INTG-30afec31-9c37-4784-a6de-051997a5715e',
  alertmanager: 'INTG-6aa0bbec-ef5b-4ff2-b373-5a4f7ab0a385',
  terraform: 'INTG-7a63759b-355f-41af-b729-38400efd33b7',
  serviceNow: 'INTG-8b74860c-466a-42be-c83a-49511bfe44c8',
  emailAlerts: 'INTG-91d0160f-ddd9-7b54-ecd3-581356e2d8de',
  kubernetes: 'INTG-a2e1271d-eeea-4c65-9d4b-692467f3e9ef',
} as const;

/** Secrets the seed holds, so tests can check none of them ever leaves the gateway. */
export const OPSRAMP_SEED_SECRETS: readonly string[] = [
  'w6bbEcYKnqggCkzPgBg745YXPKs3DuWb',
  'Zq7TnV2mXc9LwP4sRb8KdY3hJf6GtA1e',
  'Hc4Rk8Wm2Vn6Qp1Tz9Xb3Ly7Ds5Fg0Ja',
  'seed-jira-notifier-password-5h2k',
  'seed-jira-api-secret-9v4q7w1e3r6t',
  'seed-jira-api-key-3m8n1b6v4c2x',
  'tfKeyPair0a9b8c7d6e5f4g3h2i1j0k',
  'tfSecretZ9y8x7w6v5u4t3s2r1q0p9o8',
  'seed-servicenow-basic-password-7d3f',
];

const MAPPINGS_JIRA_IN = [
  {
    name: 'Status',
    attrName: 'incident.status.name',
    entityType: 'INCIDENT',
    thirdPartyAttrName: 'Status',
    thirdPartyEntityType: 'TICKET',
    attrValues: [
      { attrValue: 'Open', thirdPartyAttrValue: 'To Do' },
      { attrValue: 'In Progress', thirdPartyAttrValue: 'In Progress' },
      { attrValue: 'Resolved', thirdPartyAttrValue: 'Done' },
    ],
  },
  {
    name: 'Priority',
    attrName: 'incident.priority.name',
    entityType: 'INCIDENT',
    thirdPartyAttrName: 'severity',
    thirdPartyEntityType: 'TICKET',
    attrValues: [
      { attrValue: 'Urgent', thirdPartyAttrValue: 'Highest' },
      { attrValue: 'High', thirdPartyAttrValue: 'High' },
      { attrValue: 'Low', thirdPartyAttrValue: 'Low' },
    ],
  },
];

const MAPPINGS_JIRA_OUT = [
  {
    name: 'Status',
    attrName: 'incident.status.name',
    entityType: 'INCIDENT',
    thirdPartyAttrName: 'state',
    thirdPartyEntityType: 'ticket',
    attrValues: [{ attrValue: 'Closed', thirdPartyAttrValue: 'close' }],
  },
];

/**
 * The current platform's audit and lifecycle fields of a seeded integration: created when it was
 * installed, changed last at `updated` (by `updatedBy`), deployed, at `version`.
 */
function lifecycle(installedBy: string, installedTime: string, version: string, changes: { updatedBy?: string; updatedTime?: string; updateAvailable?: boolean } = {}) {
  return {
    installedBy,
    installedTime,
    createdBy: installedBy,
    createdTime: installedTime,
    updatedBy: changes.updatedBy ?? installedBy,
    updatedTime: changes.updatedTime ?? installedTime,
    state: 'Deployed',
    version,
    updateAvailable: changes.updateAvailable ?? false,
  };
}

/** A fresh copy of the seeded integrations (callers may keep or replace them freely). */
export function opsRampSeedIntegrations(): StoredIntegration[] {
  const ids = OPSRAMP_SEED_IDS;
  const secrets = OPSRAMP_SEED_SECRETS;
  return [
    {
      id: ids.slack,
      displayName: 'Slack #ops-alerts',
      integration: { id: 'SLACK', name: 'Slack', multipleInstallations: false },
      status: 'enabled',
      ...lifecycle('platform.team', '2024-03-11T09:14:02+0000', '2.1.0', { updatedBy: 'ops.lead', updatedTime: '2024-05-02T08:30:00+0000', updateAvailable: true }),
      outboundConfig: {
        mapAttributes: [],
        baseNotifier: { type: 'REST_API', baseURI: 'https://hooks.slack.com/services', authType: 'NONE' },
      },
    },
    {
      id: ids.pagerDutyBridge,
      displayName: 'PagerDuty: payments-api',
      description: 'Pages the payments-api on-call rotation and syncs acknowledgements back.',
      integration: { id: 'CUSTOM', name: 'Custom', multipleInstallations: true },
      category: 'Collaboration',
      direction: 'Inbound-Outbound',
      status: 'enabled',
      ...lifecycle('opsramp_api_user', '2024-04-02T16:40:55+0100', '1.0.0'),
      inboundConfig: {
        authentication: { authType: 'WEBHOOK', token: secrets[1] as string },
        entityTypes: ['INCIDENT'],
        mapAttributes: [
          {
            name: 'Status',
            attrName: 'incident.status.name',
            entityType: 'INCIDENT',
            thirdPartyAttrName: 'status',
            thirdPartyEntityType: 'incident',
            attrValues: [
              { attrValue: 'Open', thirdPartyAttrValue: 'triggered' },
              { attrValue: 'In Progress', thirdPartyAttrValue: 'acknowledged' },
              { attrValue: 'Resolved', thirdPartyAttrValue: 'resolved' },
            ],
          },
        ],
      },
      outboundConfig: {
        mapAttributes: [],
        baseNotifier: { type: 'REST_API', baseURI: 'https://events.pagerduty.com/v2/enqueue', authType: 'NONE' },
      },
    },
    {
      id: ids.jira,
      displayName: 'JIRA Service Management',
      integration: { id: 'JIRA', name: 'JIRA', multipleInstallations: true },
      status: 'enabled',
      ...lifecycle('platform.team', '2023-11-20T10:02:31+0530', '3.4.2', { updatedBy: 'jira.admin', updatedTime: '2025-01-14T12:00:00+0000' }),
      inboundConfig: { authentication: { authType: 'WEBHOOK', token: secrets[0] as string }, mapAttributes: MAPPINGS_JIRA_IN },
      outboundConfig: {
        mapAttributes: MAPPINGS_JIRA_OUT,
        baseNotifier: {
          type: 'REST_API',
          baseURI: 'https://acme.atlassian.net/rest/api/2',
          authType: 'OAUTH2',
          grantType: 'PASSWORD',
          userName: 'opsramp-bot@acme.example',
          password: secrets[3] as string,
          accessTokenURI: 'https://auth.atlassian.com/oauth/token',
          apiKey: secrets[5] as string,
          apiSecret: secrets[4] as string,
        },
      },
    },
    {
      id: ids.alertmanager,
      displayName: 'Prometheus Alertmanager',
      integration: { id: 'CUSTOM', name: 'Custom', multipleInstallations: true },
      category: 'Monitoring',
      status: 'enabled',
      ...lifecycle('opsramp_api_user', '2024-01-08T07:25:24+0100', '1.0.0'),
      alertSource: { id: 30, name: 'Custom', displayName: 'Custom', techUid: 'CUSTOM' },
      inboundConfig: { authentication: { authType: 'WEBHOOK', token: secrets[2] as string }, dropAlerts: true },
    },
    {
      id: ids.terraform,
      displayName: 'Terraform automation',
      integration: { id: 'CUSTOM', name: 'Custom', multipleInstallations: true },
      category: 'Custom',
      status: 'enabled',
      ...lifecycle('opsramp_api_user', '2024-06-18T07:09:46+0100', '1.0.0'),
      inboundConfig: {
        authentication: {
          authType: 'OAUTH2',
          role: { uniqueId: 'ROLE-4d64a7ca-20ca-7c7c-e439-3977aa9c87a4', name: 'Client Administrator' },
          apiKeyPairs: [{ key: secrets[6] as string, secret: secrets[7] as string }],
        },
      },
    },
    {
      id: ids.serviceNow,
      displayName: 'ServiceNow change requests',
      integration: { id: 'SERVICENOW', name: 'ServiceNow', multipleInstallations: true },
      status: 'enabled',
      ...lifecycle('platform.team', '2024-02-27T13:45:10+0000', '5.0.1', { updateAvailable: true }),
      outboundConfig: {
        mapAttributes: [
          {
            name: 'Priority',
            attrName: 'change.priority.name',
            entityType: 'CHANGE',
            thirdPartyAttrName: 'priority',
            thirdPartyEntityType: 'change_request',
            attrValues: [
              { attrValue: 'High', thirdPartyAttrValue: '1' },
              { attrValue: 'Low', thirdPartyAttrValue: '4' },
            ],
          },
        ],
        baseNotifier: {
          type: 'REST_API',
          baseURI: 'https://acme.service-now.com/api/now/table',
          authType: 'BASIC',
          userName: 'svc_opsramp',
          password: secrets[8] as string,
        },
      },
    },
    {
      // Kept in the 2021 shape: no audit or lifecycle fields (the client reads them as absent).
      id: ids.emailAlerts,
      displayName: 'NOC email alerts',
      integration: { id: 'EMAILALERTS', name: 'Email Alerts', multipleInstallations: true },
      status: 'disabled',
      installedBy: 'noc.lead',
      installedTime: '2022-09-01T08:00:00+0000',
    },
    {
      // The newer platform's shape (CONTRACT.md, "Newer response shape"): a category and an
      // integration id outside the 2021 spec, and status "Installed".
      id: ids.kubernetes,
      displayName: 'Kubernetes prod-eu-1',
      integration: { id: 'KUBERNETES_V2', name: 'Kubernetes 2.0', multipleInstallations: true },
      category: 'SDK APP',
      status: 'Installed',
      ...lifecycle('platform.team', '2025-02-03T11:30:00+0000', '2.0.3'),
    },
  ];
}
