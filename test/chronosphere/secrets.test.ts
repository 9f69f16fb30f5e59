import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHRONOSPHERE_SEED_SLUGS as S } from '../../src/simulators/chronosphere/seed.js';
import { CONNECTIONS, CREATE, LIST, READ, TOKEN, UPDATE, csId, field, startRig, type Rig } from './support.js';

/*
 * A distinctive marker goes into every secret field of every connection type, through create,
 * dry run, update and a vendor error that echoes it. It must never come back: not in a GraphQL
 * response, a log line, an audit row or the simulator's request log.
 */

const MARK = 'qz7canary4k';
const secret = (name: string) => `${MARK}-${name}-tail`;

let rig: Rig;
const responses: string[] = [];

async function gql(query: string, variables: Record<string, unknown>) {
  const result = await rig.h.gql(query, variables);
  responses.push(result.raw);
  return result;
}

beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig.close();
});

const TARGETS: Record<string, Record<string, unknown>> = {
  slack: { slack: { apiUrl: `https://hooks.slack.com/services/${secret('slack-url')}`, token: secret('slack-token') } },
  pagerdutyEvents: { pagerduty: { events: { apiKey: secret('pd-events') } } },
  pagerdutyRest: { pagerduty: { rest: { apiKey: secret('pd-rest') } } },
  webhookBasic: { webhook: { url: 'https://hooks.example/basic', httpConfig: { basicAuth: { username: 'u', password: secret('wh-password') } } } },
  webhookBearer: { webhook: { url: 'https://hooks.example/bearer', httpConfig: { bearerToken: secret('wh-bearer') } } },
  victorOps: { victorOps: { apiKey: secret('vo-key') } },
  opsGenie: { opsGenie: { apiKey: secret('og-key'), httpConfig: { basicAuth: { username: 'u', password: secret('og-password') } } } },
  cloudflare: { cloudflare: { apiToken: `cfat_${secret('cf')}` } },
  mongodbAtlas: { mongodbAtlas: { clientId: 'client-id', clientSecret: secret('atlas') } },
  sendgrid: { sendgrid: { apiKey: secret('sendgrid') } },
  datadog: { datadog: { apiKey: secret('dd-api'), appKey: secret('dd-app') } },
};

describe('secrets are write-only', () => {
  it('creates, dry-runs, updates, reads and lists every type without a secret coming back', async () => {
    for (const [name, target] of Object.entries(TARGETS)) {
      const slug = `secret-${name.toLowerCase()}`;
      const created = field(await gql(CREATE, { input: { account: 'cs', slug, name, target } }), 'createChronosphereExternalConnection');
      expect(created['__typename'], name).toBe('ChronosphereExternalConnectionPayload');
      const secrets = (created['connection'] as { secrets: { isSet: boolean; lastFour: string | null }[] }).secrets;
      expect(secrets.some((s) => s.isSet)).toBe(true);
      // Chronosphere stored the real values: Patchbay sent them.
      expect(JSON.stringify(rig.sim.stored(slug)?.config)).toContain(MARK);
      await gql(CREATE, { input: { account: 'cs', slug: `${slug}-dry`, name, target, dryRun: true } });
      await gql(UPDATE, { input: { account: 'cs', slug, name: `${name} v2`, target } });
      await gql(READ, { id: csId('cs', slug) });
    }
    await gql(LIST, { account: 'cs', first: 100 });
    await gql(`{ connections(first: 100) { nodes { ... on VendorConnection { secrets { field isSet lastFour } } } } }`, {});
  });

  it('scrubs a secret the vendor echoes in an error message', async () => {
    const echoed = secret('echoed-in-error');
    rig.sim.server.addFault({
      match: { method: 'POST', path: `^${CONNECTIONS}$` },
      times: 1,
      response: { status: 400, body: { code: 3, message: `invalid external connection: sendgrid.api_key ${echoed} is not valid` } },
    });
    const result = field(await gql(CREATE, { input: { account: 'cs', name: 'Echo', target: { sendgrid: { apiKey: echoed } } } }), 'createChronosphereExternalConnection');
    expect(result).toMatchObject({ __typename: 'VendorValidationError', message: 'Chronosphere refused the input: invalid external connection: sendgrid.api_key [redacted] is not valid' });
  });

  it('never refuses with the secret in a validation message', async () => {
    const result = field(await gql(CREATE, { input: { account: 'cs', name: 'Bad', target: { cloudflare: { apiToken: secret('no-prefix') } } } }), 'createChronosphereExternalConnection');
    expect(result['__typename']).toBe('InputValidationError');
  });

  it('left no trace of any secret or the API token anywhere', async () => {
    expect(responses.length).toBeGreaterThan(40);
    for (const raw of responses) {
      expect(raw).not.toContain(MARK);
      expect(raw).not.toContain(TOKEN);
    }
    const logs = rig.h.logger.lines.join('\n');
    expect(logs).not.toContain(MARK);
    expect(logs).not.toContain(TOKEN);
    const audit = JSON.stringify(await rig.h.store.listAudit({ limit: 1000 }));
    expect(audit).toContain('createChronosphereExternalConnection');
    expect(audit).not.toContain(MARK);
    expect(JSON.stringify(rig.sim.server.requests)).not.toContain(MARK);
    expect(JSON.stringify(rig.sim.server.requests)).not.toContain(TOKEN);
    // Nothing Patchbay read (`**REDACTED**`) was ever written back.
    expect(rig.sim.redactedPlaceholderWrites()).toBe(0);
  });

  it('shows the Slack URL Chronosphere returns in clear only as a hint', async () => {
    const read = await rig.h.gql(READ, { id: csId('cs', S.slackSre) });
    expect(field(read, 'connection')).toMatchObject({ target: { apiUrlHint: { isSet: true, lastFour: '1Ny7' }, apiUrlHost: 'hooks.slack.com' } });
    expect(read.raw).not.toContain('demoXq3v9Lr2Kp8Zt5Wm1Ny7');
  });
});
