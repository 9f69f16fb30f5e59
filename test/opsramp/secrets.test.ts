import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPSRAMP_SEED_IDS, OPSRAMP_SEED_SECRETS } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { API, CLIENT_ID, CLIENT_SECRET, CONNECTION, CONNECTIONS, INSTALL, TENANT, UPDATE, account, field, integrationId } from './support.js';

/*
 * A simulator that answers with the schema's spellings (`tenant*`, `accessTokenURL`,
 * `PASSWORD_CREDENTIALS`) and echoes every secret in clear: the worst vendor Patchbay may face.
 */

const MAIN = 'or-echo';
/** Distinctive values, one per secret input field: none may ever come back or be logged. */
const CANARY = {
  password: 'CanaryPw-q8Vx2Lm7Rt',
  apiKey: 'CanaryKey-z3Nc6Yb1Ws',
  apiSecret: 'CanarySecret-h5Jd9Pk4Fe',
  tokenHeader: 'Basic Q2FuYXJ5SGVhZGVyLXc3VHI=',
  resourceHeader: 'CanaryResource-m2Gq8Xv5',
  tokenPayload: 'CanaryPayload-b6Ws3Nz1',
} as const;

let sim: OpsRampSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT, responseNames: 'schema', echoSecrets: true });
  const baseUrl = await sim.server.listen();
  h = await startHarness({ accounts: [account(MAIN, baseUrl)] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(() => sim.server.reset());

function expectNowhere(values: readonly string[], ...texts: string[]): void {
  for (const text of texts) for (const value of values) expect(text).not.toContain(value);
}

describe('both spellings of OpsRamp’s disputed names', () => {
  it('reads tenant*, accessTokenURL and PASSWORD_CREDENTIALS as the example names', async () => {
    const result = field(await h.gql(CONNECTION, { id: integrationId(MAIN, OPSRAMP_SEED_IDS.jira) }), 'connection');
    const inbound = result['inboundConfig'] as Record<string, unknown[]>;
    expect(inbound['mapAttributes']?.[0]).toEqual({
      name: 'Status',
      attrName: 'incident.status.name',
      entityType: 'INCIDENT',
      thirdPartyAttrName: 'Status',
      thirdPartyEntityType: 'TICKET',
      mode: null,
      attrValues: [
        { attrValue: 'Open', thirdPartyAttrValue: 'To Do' },
        { attrValue: 'In Progress', thirdPartyAttrValue: 'In Progress' },
        { attrValue: 'Resolved', thirdPartyAttrValue: 'Done' },
      ],
    });
    const auth = (result['outboundConfig'] as Record<string, Record<string, unknown>>)['baseNotifier']?.['auth'];
    expect(auth).toMatchObject({ __typename: 'OpsRampOAuth2NotifierAuth', grantType: 'PASSWORD', accessTokenUri: 'https://auth.atlassian.com/…' });
  });

  it('maps a notifier auth type it does not know to the fallback member', async () => {
    sim.server.addFault({
      match: { method: 'GET', path: `${API}/installed/${OPSRAMP_SEED_IDS.slack}` },
      times: 1,
      response: { status: 200, body: { id: OPSRAMP_SEED_IDS.slack, outboundConfig: { baseNotifier: { type: 'GRPC_API', authType: 'HMAC', apiSecret: 'hmac-secret-value-1234' } } } },
    });
    const result = field(await h.gql(CONNECTION, { id: integrationId(MAIN, OPSRAMP_SEED_IDS.slack) }), 'connection');
    expect(result['outboundConfig']).toEqual({
      mapAttributes: [],
      baseNotifier: { type: 'UNKNOWN', baseUri: null, authType: 'UNKNOWN', auth: { __typename: 'OpsRampUnknownNotifierAuth', authTypeText: 'HMAC' } },
    });
    expect(result['name']).toBe(OPSRAMP_SEED_IDS.slack);
    expect(JSON.stringify(result)).not.toContain('hmac-secret-value-1234');
  });
});

describe('secrets are write-only, even when OpsRamp echoes them', () => {
  it('shows only hints of the seed’s secrets, which this vendor returns in clear', async () => {
    const list = await h.gql(CONNECTIONS, { filter: { accounts: [MAIN] }, first: 100 });
    const jira = await h.gql(CONNECTION, { id: integrationId(MAIN, OPSRAMP_SEED_IDS.jira) });
    const terraform = await h.gql(CONNECTION, { id: integrationId(MAIN, OPSRAMP_SEED_IDS.terraform) });
    expectNowhere(OPSRAMP_SEED_SECRETS, list.raw, jira.raw, terraform.raw, h.logger.lines.join('\n'));
    const auth = (field(jira, 'connection')['outboundConfig'] as Record<string, Record<string, unknown>>)['baseNotifier']?.['auth'];
    expect(auth).toMatchObject({
      password: { isSet: true, lastFour: '5h2k' },
      apiSecret: { isSet: true, lastFour: '3r6t' },
    });
  });

  it('never returns, logs or audits a secret sent through any notifier field', async () => {
    const install = await h.gql(INSTALL, {
      input: {
        account: MAIN,
        integrationId: 'CUSTOM',
        displayName: 'SMAX',
        category: 'COLLABORATION',
        outboundConfig: {
          baseNotifier: {
            type: 'REST_API',
            baseUri: 'https://smax.example.com',
            authType: 'JWT',
            userName: 'svc',
            password: CANARY.password,
            tokenUrl: 'https://smax.example.com/auth/login',
            tokenPayload: JSON.stringify({ login: 'svc', secret: CANARY.tokenPayload }),
            tokenHeaders: [{ key: 'Authorization', value: CANARY.tokenHeader }],
            tokensPath: [{ key: 'jwtToken', value: 'rest_access.access_key' }],
            resourceAuthHeaders: [{ key: 'Authorization', value: CANARY.resourceHeader }],
          },
        },
      },
    });
    const installed = field(install, 'installOpsRampIntegration');
    const integration = installed['integration'] as Record<string, unknown>;
    expect((integration['outboundConfig'] as Record<string, Record<string, unknown>>)['baseNotifier']?.['auth']).toEqual({
      __typename: 'OpsRampJwtNotifierAuth',
      userName: 'svc',
      tokenUrl: 'https://smax.example.com/…',
      password: { field: 'outboundConfig.baseNotifier.password', isSet: true, lastFour: 'm7Rt' },
      // Echoed by this vendor, yet never shown, not even its tail.
      tokenPayload: { field: 'outboundConfig.baseNotifier.tokenPayload', isSet: true, lastFour: null },
      tokenHeaders: [{ key: 'Authorization', value: { field: 'outboundConfig.baseNotifier.tokenHeaders.0.value', isSet: true, lastFour: 'VHI=' } }],
      tokensPath: [{ key: 'jwtToken', value: 'rest_access.access_key' }],
      resourceAuthHeaders: [{ key: 'Authorization', value: { field: 'outboundConfig.baseNotifier.resourceAuthHeaders.0.value', isSet: true, lastFour: '8Xv5' } }],
    });
    const id = integration['id'] as string;
    const installedId = integration['installedId'] as string;
    const update = await h.gql(UPDATE, {
      input: {
        id,
        outboundConfig: {
          baseNotifier: {
            type: 'REST_API',
            baseUri: 'https://smax.example.com',
            authType: 'OAUTH2',
            grantType: 'REFRESH_TOKEN',
            userName: 'svc',
            password: CANARY.password,
            accessTokenUri: 'https://smax.example.com/oauth/token',
            apiKey: CANARY.apiKey,
            apiSecret: CANARY.apiSecret,
          },
        },
      },
    });
    expect(field(update, 'updateOpsRampInstalledIntegration')['__typename']).toBe('OpsRampInstalledIntegrationPayload');
    // A vendor error that repeats a secret from the request never passes it on.
    sim.server.addFault({
      match: { method: 'POST', path: `${API}/installed/` },
      times: 1,
      response: { status: 400, body: { error: 'invalid_request', error_description: `apiSecret ${CANARY.apiSecret} is too weak` } },
    });
    const refused = await h.gql(UPDATE, {
      input: {
        id,
        outboundConfig: {
          baseNotifier: {
            type: 'REST_API',
            baseUri: 'https://x.example',
            authType: 'OAUTH2',
            grantType: 'CLIENT_CREDENTIALS',
            accessTokenUri: 'https://x.example/t',
            apiKey: CANARY.apiKey,
            apiSecret: CANARY.apiSecret,
          },
        },
      },
    });
    expect(field(refused, 'updateOpsRampInstalledIntegration')).toMatchObject({ __typename: 'VendorValidationError', message: 'OpsRamp refused the input: apiSecret [redacted] is too weak' });
    const read = await h.gql(CONNECTION, { id });
    // They were sent: the vendor holds them.
    expect(sim.stored(installedId)?.outboundConfig?.baseNotifier).toMatchObject({ password: CANARY.password, apiKey: CANARY.apiKey, apiSecret: CANARY.apiSecret });
    const audit = JSON.stringify(await h.store.listAudit({ limit: 1000 }));
    expectNowhere(Object.values(CANARY), install.raw, update.raw, refused.raw, read.raw, h.logger.lines.join('\n'), audit);
  });
});
