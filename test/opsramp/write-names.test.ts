import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPSRAMP_SEED_IDS } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { API, CLIENT_ID, CLIENT_SECRET, ERROR_FIELDS, TENANT, TOKEN_PATH, account, field, integrationId } from './support.js';

/*
 * Strict writing (issue 10): request bodies use the names OpsRamp's schema documents
 * (`tenantAttrName`, `tenantEntityType`, `tenantAttrValue`, `accessTokenURL`), not the ones only
 * its examples show (`thirdParty*`, `accessTokenURI`); the simulator refuses those with OpsRamp's
 * 400 body, so a client that sent them would fail here.
 */

const KEY = 'or-names';
const NOTIFIER_PASSWORD = 'names-notifier-password-3Jd8';
const NOTIFIER_SECRET = 'names-notifier-secret-9Qe2';

const UPDATE = `mutation($input: UpdateOpsRampInstalledIntegrationInput!) {
  updateOpsRampInstalledIntegration(input: $input) {
    __typename
    ... on OpsRampInstalledIntegrationPayload {
      integration {
        outboundConfig {
          mapAttributes { name thirdPartyAttrName thirdPartyEntityType attrValues { attrValue thirdPartyAttrValue } }
          baseNotifier { auth { __typename ... on OpsRampOAuth2NotifierAuth { accessTokenUri grantType } } }
        }
      }
    }
    ${ERROR_FIELDS}
  }
}`;

let sim: OpsRampSimulator;
let baseUrl: string;
let h: Harness;

beforeAll(async () => {
  sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT, rateLimits: false });
  baseUrl = await sim.server.listen();
  h = await startHarness({ accounts: [account(KEY, baseUrl)] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(() => sim.server.reset());

/** Sends `body` to the simulator as OpsRamp's API, with a token of its own. */
async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const login = await request(`${baseUrl}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString(),
  });
  const token = ((await login.body.json()) as { access_token: string }).access_token;
  const response = await request(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const text = await response.body.text();
  return { status: response.statusCode, json: text === '' ? undefined : JSON.parse(text) };
}

describe('write bodies', () => {
  it('send the schema’s names for mappings and the OAuth2 token URL, and read them back', async () => {
    const id = integrationId(KEY, OPSRAMP_SEED_IDS.serviceNow);
    const result = field(
      await h.gql(UPDATE, {
        input: {
          id,
          outboundConfig: {
            mapAttributes: [
              { name: 'Priority', entityType: 'CHANGE', thirdPartyAttrName: 'priority', thirdPartyEntityType: 'change_request', attrValues: [{ attrValue: 'High', thirdPartyAttrValue: '1' }] },
            ],
            baseNotifier: {
              type: 'REST_API',
              baseUri: 'https://acme.service-now.com',
              authType: 'OAUTH2',
              grantType: 'PASSWORD',
              userName: 'svc_opsramp',
              password: NOTIFIER_PASSWORD,
              accessTokenUri: 'https://acme.service-now.com/oauth_token.do',
              apiKey: 'names-api-key-5Rt1',
              apiSecret: NOTIFIER_SECRET,
            },
          },
        },
      }),
      'updateOpsRampInstalledIntegration',
    );
    expect(result).toMatchObject({
      __typename: 'OpsRampInstalledIntegrationPayload',
      integration: {
        outboundConfig: {
          mapAttributes: [{ name: 'Priority', thirdPartyAttrName: 'priority', thirdPartyEntityType: 'change_request', attrValues: [{ attrValue: 'High', thirdPartyAttrValue: '1' }] }],
          baseNotifier: { auth: { __typename: 'OpsRampOAuth2NotifierAuth', accessTokenUri: 'https://acme.service-now.com/…', grantType: 'PASSWORD' } },
        },
      },
    });
    const sent = sim.writes()[0]?.body as { outboundConfig: { mapAttributes: unknown[]; baseNotifier: Record<string, unknown> } };
    expect(sent.outboundConfig.mapAttributes).toEqual([
      { name: 'Priority', tenantAttrName: 'priority', entityType: 'CHANGE', tenantEntityType: 'change_request', attrValues: [{ attrValue: 'High', tenantAttrValue: '1' }] },
    ]);
    expect(sent.outboundConfig.baseNotifier).toMatchObject({ accessTokenURL: 'https://acme.service-now.com/oauth_token.do', grantType: 'PASSWORD' });
    expect(JSON.stringify(sent)).not.toMatch(/thirdParty|accessTokenURI/);
    expect(JSON.stringify(result)).not.toContain(NOTIFIER_SECRET);
    expect(JSON.stringify(result)).not.toContain(NOTIFIER_PASSWORD);
  });
});

describe('read-back of a change whose answer was unreadable', () => {
  it('recognises the mappings and token URL it sent under the schema’s names', async () => {
    const installedId = OPSRAMP_SEED_IDS.jira;
    // OpsRamp applies the change, then the answer is cut short: only a read-back can tell.
    sim.server.addFault({ match: { method: 'POST', path: `^${API}/installed/${installedId}$` }, times: 1, action: 'applied-malformed' });
    const result = field(
      await h.gql(UPDATE, {
        input: {
          id: integrationId(KEY, installedId),
          outboundConfig: {
            mapAttributes: [
              { name: 'Status', entityType: 'INCIDENT', thirdPartyAttrName: 'state', thirdPartyEntityType: 'ticket', attrValues: [{ attrValue: 'Closed', thirdPartyAttrValue: 'done' }] },
            ],
          },
        },
      }),
      'updateOpsRampInstalledIntegration',
    );
    expect(result).toMatchObject({
      __typename: 'OpsRampInstalledIntegrationPayload',
      integration: { outboundConfig: { mapAttributes: [{ thirdPartyAttrName: 'state', attrValues: [{ thirdPartyAttrValue: 'done' }] }] } },
    });
    expect(sim.server.requests.map((r) => `${r.method} ${r.path}`).filter((c) => c.includes(installedId))).toEqual([`POST ${API}/installed/${installedId}`, `GET ${API}/installed/${installedId}`]);
  });
});

describe('the simulator, as OpsRamp, reads only the documented names', () => {
  const path = `${API}/installed/${OPSRAMP_SEED_IDS.serviceNow}`;
  const notifier = { type: 'REST_API', baseURI: 'https://x.example', authType: 'OAUTH2', grantType: 'CLIENT_CREDENTIALS', apiKey: 'k', apiSecret: 's' };
  const mapping = { name: 'Status', entityType: 'CHANGE', attrValues: [{ attrValue: 'Closed' }] };

  it('refuses accessTokenURI with its 400 body', async () => {
    const reply = await post(path, { outboundConfig: { baseNotifier: { ...notifier, accessTokenURI: 'https://x.example/t' } } });
    expect(reply).toEqual({ status: 400, json: { error: 'invalid_request', error_description: 'Unrecognized field "outboundConfig.baseNotifier.accessTokenURI"' } });
  });

  it('refuses the thirdParty* mapping names with its 400 body', async () => {
    const reply = await post(path, {
      outboundConfig: { mapAttributes: [{ ...mapping, thirdPartyAttrName: 'state', tenantEntityType: 'change_request', attrValues: [{ attrValue: 'Closed', tenantAttrValue: '3' }] }] },
    });
    expect(reply).toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'Unrecognized field "outboundConfig.mapAttributes[0].thirdPartyAttrName"' } });
    const value = await post(path, {
      outboundConfig: { mapAttributes: [{ ...mapping, tenantAttrName: 'state', tenantEntityType: 'change_request', attrValues: [{ attrValue: 'Closed', thirdPartyAttrValue: '3' }] }] },
    });
    expect(value).toMatchObject({ status: 400, json: { error_description: 'Unrecognized field "outboundConfig.mapAttributes[0].attrValues[0].thirdPartyAttrValue"' } });
    expect(sim.stored(OPSRAMP_SEED_IDS.serviceNow)?.outboundConfig?.mapAttributes?.[0]?.name).toBe('Priority');
  });

  it('accepts the schema’s names', async () => {
    const reply = await post(path, {
      outboundConfig: {
        mapAttributes: [{ ...mapping, tenantAttrName: 'state', tenantEntityType: 'change_request', attrValues: [{ attrValue: 'Closed', tenantAttrValue: '3' }] }],
        baseNotifier: { ...notifier, accessTokenURL: 'https://x.example/t' },
      },
    });
    expect(reply.status).toBe(200);
    expect(sim.stored(OPSRAMP_SEED_IDS.serviceNow)?.outboundConfig?.mapAttributes?.[0]).toMatchObject({ name: 'Status', thirdPartyAttrName: 'state', thirdPartyEntityType: 'change_request' });
  });
});
