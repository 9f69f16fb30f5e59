import type { StoredConnection } from './state.js';

/**
 * Demo state of the Chronosphere simulator: the external connections a platform team's tenant
 * might hold, one or more of every type. Slugs are fixed so demo configs, tests and docs can name
 * them. Every secret below is made up.
 */

/** Stable slugs of the seeded external connections. */
export const CHRONOSPHERE_SEED_SLUGS = {
  pagerdutyPayments: 'pagerduty-payments-oncall',
  pagerdutyNotes: 'pagerduty-payments-notes',
  slackSre: 'slack-sre-alerts',
  webhookBridge: 'webhook-incident-bridge',
  webhookStatuspage: 'webhook-statuspage-relay',
  opsgeniePlatform: 'opsgenie-platform',
  victoropsNoc: 'victorops-legacy-noc',
  cloudflareEdge: 'cloudflare-edge',
  atlasProduction: 'mongodb-atlas-production',
  sendgridStatus: 'sendgrid-status-mail',
  datadogEu: 'datadog-eu-events',
} as const;

/** Notification policies that use a seeded connection, so deleting it answers 400 "in use". */
export const CHRONOSPHERE_SEED_POLICIES: Readonly<Record<string, readonly string[]>> = {
  [CHRONOSPHERE_SEED_SLUGS.pagerdutyPayments]: ['payments-critical'],
  [CHRONOSPHERE_SEED_SLUGS.slackSre]: ['sre-default'],
};

/** A fresh copy of the seeded connections (callers may keep or replace them freely). */
export function chronosphereSeedConnections(): StoredConnection[] {
  const s = CHRONOSPHERE_SEED_SLUGS;
  return [
    {
      slug: s.pagerdutyPayments,
      name: 'PagerDuty: payments-api on-call',
      createdAt: '2025-11-04T09:12:31Z',
      updatedAt: '2026-02-17T14:03:09Z',
      block: 'pagerduty',
      // The same Events v2 key as the payments project's PAGER_DUTY integration in Cloud Manager: one
      // PagerDuty service wired into two vendors (Cloud Manager shows its last four; Chronosphere redacts it).
      config: { events: { api_key: 'R0b8Kx2mQ7vN4pL9sT3wY6zA1cE5gH8j', version: 'PAGERDUTY_EVENTS_VERSION_V2' } },
    },
    {
      slug: s.pagerdutyNotes,
      name: 'PagerDuty REST: payments note polling',
      createdAt: '2026-01-22T16:40:02Z',
      updatedAt: '2026-01-22T16:40:02Z',
      block: 'pagerduty',
      config: { rest: { api_key: 'demo-pd-rest-u+8sQz1Yw4Kc2Lm9' } },
    },
    {
      slug: s.slackSre,
      name: 'Slack #sre-alerts',
      createdAt: '2025-06-30T08:00:00Z',
      updatedAt: '2025-12-01T10:21:45Z',
      block: 'slack',
      config: { api_url: 'https://hooks.slack.com/services/T0DEMO0001/B0DEMO0002/demoXq3v9Lr2Kp8Zt5Wm1Ny7' },
    },
    {
      slug: s.webhookBridge,
      name: 'Incident bridge webhook',
      createdAt: '2025-09-15T12:00:00Z',
      updatedAt: '2026-03-03T07:45:10Z',
      block: 'webhook',
      config: {
        url: 'https://bridge.acme-demo.example/hooks/chronosphere',
        http_config: { bearer_token: 'demo-bridge-bearer-9f2c71d04e8b', tls_config: { insecure_skip_verify: false } },
      },
    },
    {
      slug: s.webhookStatuspage,
      name: 'Statuspage relay (basic auth, staging TLS)',
      createdAt: '2025-10-02T13:30:00Z',
      updatedAt: '2025-10-02T13:30:00Z',
      block: 'webhook',
      config: {
        url: 'https://status-relay.staging.acme-demo.example/inbound',
        http_config: { basic_auth: { username: 'chronosphere', password: 'demo-relay-pass-4b7e' }, tls_config: { insecure_skip_verify: true } },
      },
    },
    {
      slug: s.opsgeniePlatform,
      name: 'Opsgenie: platform team',
      createdAt: '2025-07-19T11:05:00Z',
      updatedAt: '2026-01-08T09:30:12Z',
      block: 'ops_genie',
      config: { api_key: 'demo0og0b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e', api_url: 'https://api.eu.opsgenie.com/' },
    },
    {
      slug: s.victoropsNoc,
      name: 'VictorOps: legacy NOC routing',
      createdAt: '2024-03-11T15:00:00Z',
      updatedAt: '2024-03-11T15:00:00Z',
      block: 'victor_ops',
      config: { api_key: 'demo-vo-7d1e2f3a-4b5c-6d7e-8f90', api_url: 'https://alert.victorops.com/integrations/generic/20131114/alert' },
    },
    {
      slug: s.cloudflareEdge,
      name: 'Cloudflare: edge account',
      createdAt: '2026-04-02T10:00:00Z',
      updatedAt: '2026-04-02T10:00:00Z',
      block: 'cloudflare',
      config: { api_token: 'cfat_demo3kZ9pQ2wX7vB4nM8cL1rT6yH0sJ5' },
    },
    {
      slug: s.atlasProduction,
      name: 'MongoDB Atlas: production project',
      createdAt: '2026-04-10T08:15:00Z',
      updatedAt: '2026-05-21T17:42:33Z',
      block: 'mongodb_atlas',
      config: { client_id: 'mdb_sa_id_demo64f1c2a9b3e7', client_secret: 'mdb_sa_sk_demoVq8Lm2Xz6Rt1Np4Ks' },
    },
    {
      slug: s.sendgridStatus,
      name: 'SendGrid: status e-mails',
      createdAt: '2026-04-18T09:00:00Z',
      updatedAt: '2026-04-18T09:00:00Z',
      block: 'sendgrid',
      config: { api_key: 'SG.demo_status_mail.x1Y2z3A4b5C6d7E8f9G0' },
    },
    {
      slug: s.datadogEu,
      name: 'Datadog EU org (events forwarding)',
      createdAt: '2026-05-05T12:12:12Z',
      updatedAt: '2026-05-05T12:12:12Z',
      block: 'datadog',
      config: { api_key: 'demo0dd0eu0api0key0c3f8a1b2d4e6f70', app_key: 'demo0dd0eu0app0key0e9b7c5a3f1d2c4b6a8e0f', site: 'datadoghq.eu' },
    },
  ];
}
