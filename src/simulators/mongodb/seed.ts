import type { StoredIntegration } from './state.js';

/**
 * Demo state of the Cloud Manager simulator: three projects of one organisation, wired to the
 * same on-call tools the other vendors' demos use (the payments PagerDuty service, Slack, a
 * webhook into the incident bot). Ids are fixed so demo configs, tests and docs can name them;
 * every secret below is made up.
 */

/** The seeded projects (groups), 24 lower-case hex digits like real ones. */
export const MONGODB_DEMO_GROUP_IDS = {
  paymentsProd: '65f1a2b3c4d5e6f708192a3b',
  searchProd: '65f1a2b3c4d5e6f708192a3c',
  platformStaging: '65f1a2b3c4d5e6f708192a3d',
} as const;

/** The seeded project ids in a list, config order. */
export const MONGODB_DEMO_GROUP_ID_LIST: readonly string[] = Object.values(MONGODB_DEMO_GROUP_IDS);

/** A fresh copy of the seeded integrations by project (callers may change it freely). */
export function mongoDbSeedGroups(): Map<string, StoredIntegration[]> {
  const ids = MONGODB_DEMO_GROUP_IDS;
  return new Map<string, StoredIntegration[]>([
    [
      ids.paymentsProd,
      [
        // Events API v2 integration key of the "Payments API" PagerDuty service.
        { type: 'PAGER_DUTY', fields: { serviceKey: 'R0b8Kx2mQ7vN4pL9sT3wY6zA1cE5gH8j' } },
        { type: 'SLACK', fields: { apiToken: 'xoxb-demo-2847561930-7a1c9e3b5d', teamName: 'Acme Platform', channelName: 'payments-alerts' } },
        { type: 'WEBHOOK', fields: { url: 'https://incident-bot.acme.example/hooks/mongodb/7f3e2d1c', secret: 'whsec-demo-5e8a1f0b3c7d2101' } },
        {
          type: 'PROMETHEUS',
          fields: {
            username: 'prom-scraper',
            password: 'demo-prom-pass-4c9e1a',
            listenAddress: '0.0.0.0:9216',
            serviceDiscovery: 'http',
            scheme: 'https',
            enabled: true,
            tlsPemPath: '/etc/mongodb-mms/prometheus.pem',
          },
        },
      ],
    ],
    [
      ids.searchProd,
      [
        { type: 'PAGER_DUTY', fields: { serviceKey: 'S3a7Fq1wE9rT5yU2iO8pA4sD6fG0hJ2k' } },
        { type: 'OPS_GENIE', fields: { apiKey: '0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e3311', region: 'EU' } },
        { type: 'VICTOR_OPS', fields: { apiKey: 'b7c6d5e4-f3a2-4b1c-8d9e-0f1a2b3c1c11', routingKey: 'search-oncall' } },
        { type: 'MICROSOFT_TEAMS', fields: { microsoftTeamsWebhookUrl: 'https://acme.webhook.office.com/webhookb2/4d2c9a7e-demo/IncomingWebhook/8e1f/55aa' } },
      ],
    ],
    [
      ids.platformStaging,
      [
        // A Slack integration from before team names were recorded (CONTRACT.md: may lack teamName).
        { type: 'SLACK', fields: { apiToken: 'xoxp-legacy-demo-41c8e2f6a9', channelName: '' } },
        { type: 'WEBHOOK', fields: { url: 'https://hooks.staging.acme.example/mongodb' } },
        // End-of-life plugin integration still stored on old projects: shown as an unknown type.
        {
          type: 'NEW_RELIC',
          fields: {
            accountId: 'bcc3c81b344a6030a3935c2527e2216535af7718',
            licenseKey: 'bc3768f44193c282b2688ab39e00f8e4fc8d75ea',
            readToken: '193c96aee4a3ac640b98634562e2631f17ae0a69',
            writeToken: 'a67b10e5cd7f8fb6a34b501136c409f373edc218',
          },
        },
      ],
    ],
  ]);
}
