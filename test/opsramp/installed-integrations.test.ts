import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATALOGUE as OFFERED } from '../../src/simulators/opsramp/contract.js';
import { OPSRAMP_SEED_IDS, opsRampSeedIntegrations } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import {
  API,
  AVAILABLE,
  CLIENT_ID,
  CLIENT_SECRET,
  CONNECTION,
  CONNECTIONS,
  DISABLE,
  ENABLE,
  INSTALL,
  NODE,
  TENANT,
  TOKEN_PATH,
  UNINSTALL,
  UPDATE,
  account,
  apiCalls,
  calls,
  field,
  integrationId,
  tokenCalls,
} from './support.js';

const MAIN = 'or-main';
const SEED_COUNT = opsRampSeedIntegrations().length;
/** The simulator serves at most this many per page, so every listing takes several pages. */
const PAGE = 3;

let sim: OpsRampSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT, maxPageSize: PAGE });
  const baseUrl = await sim.server.listen();
  h = await startHarness({ accounts: [account(MAIN, baseUrl), account('or-fresh', baseUrl), account('or-idem', baseUrl)] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(() => sim.server.reset());

const jiraId = integrationId(MAIN, OPSRAMP_SEED_IDS.jira);

const roleId = 'ROLE-4718b729-50cc-6634-42c4-ecd09558389d';
const mapping = {
  name: 'Status',
  entityType: 'INCIDENT',
  thirdPartyAttrName: 'state',
  thirdPartyEntityType: 'ticket',
  attrValues: [{ attrValue: 'Closed', thirdPartyAttrValue: 'close' }],
};
/** `mapping` as OpsRamp's schema names it on the wire. */
const wireMapping = {
  name: 'Status',
  tenantAttrName: 'state',
  entityType: 'INCIDENT',
  tenantEntityType: 'ticket',
  attrValues: [{ attrValue: 'Closed', tenantAttrValue: 'close' }],
};
const oauthNotifier = {
  type: 'REST_API',
  baseUri: 'https://itsm.example.com/api',
  authType: 'OAUTH2',
  grantType: 'PASSWORD',
  userName: 'opsramp-bot',
  password: 'notifier-password-Wq7e',
  accessTokenUri: 'https://itsm.example.com/oauth/token',
  apiKey: 'notifier-api-key-Kx4p9Lm2',
  apiSecret: 'notifier-api-secret-Zt6v3Nb8',
};

describe('reading installed integrations', () => {
  it('lists every page of the tenant in connections, with services and kinds', async () => {
    const page = field(await h.gql(CONNECTIONS, { filter: { accounts: [MAIN] }, first: 100 }), 'connections');
    expect(page['failures']).toEqual([]);
    expect(page['totalCount']).toBe(SEED_COUNT);
    const nodes = page['nodes'] as Record<string, unknown>[];
    const byId = new Map(nodes.map((n) => [n['installedId'], n]));
    expect(byId.get(OPSRAMP_SEED_IDS.slack)).toMatchObject({ name: 'Slack #ops-alerts', service: 'SLACK', status: 'ENABLED', integration: { id: 'SLACK', kind: 'COLLABORATION' } });
    expect(byId.get(OPSRAMP_SEED_IDS.pagerDutyBridge)).toMatchObject({ service: 'WEBHOOK', category: 'COLLABORATION', integration: { kind: 'CUSTOM' } });
    expect(byId.get(OPSRAMP_SEED_IDS.serviceNow)).toMatchObject({ service: 'SERVICENOW', integration: { kind: 'SERVICE_DESK' } });
    expect(byId.get(OPSRAMP_SEED_IDS.emailAlerts)).toMatchObject({ status: 'DISABLED', service: 'OTHER' });
    // An integration id and a category outside the 2021 spec: a safe fallback, not a failure.
    expect(byId.get(OPSRAMP_SEED_IDS.kubernetes)).toMatchObject({
      status: 'INSTALLED',
      category: 'UNKNOWN',
      categoryText: 'SDK APP',
      service: 'OTHER',
      integration: { id: 'KUBERNETES_V2', kind: 'UNKNOWN' },
    });
    const searches = sim.server.requests.filter((r) => r.path === `${API}/installed/search`);
    expect(searches.map((r) => r.query['pageNo'])).toEqual(['1', '2', '3']);
    expect(searches.every((r) => r.query['pageSize'] === '100')).toBe(true);
  });

  it('reads one integration with its inbound and outbound configuration, secrets as hints', async () => {
    const result = field(await h.gql(CONNECTION, { id: jiraId }), 'connection');
    expect(result).toMatchObject({
      __typename: 'OpsRampInstalledIntegration',
      id: jiraId,
      vendor: 'OPSRAMP',
      name: 'JIRA Service Management',
      service: 'OTHER',
      account: { key: MAIN, vendor: 'OPSRAMP' },
      tenantId: TENANT,
      installedId: OPSRAMP_SEED_IDS.jira,
      status: 'ENABLED',
      statusText: 'enabled',
      installedBy: 'platform.team',
      // 2023-11-20T10:02:31+0530, OpsRamp's offset format.
      installedAt: '2023-11-20T04:32:31.000Z',
      createdAt: '2023-11-20T04:32:31.000Z',
      integration: { id: 'JIRA', name: 'JIRA', kind: 'SERVICE_DESK', service: 'OTHER', multipleInstallations: true },
    });
    const inbound = result['inboundConfig'] as Record<string, unknown>;
    expect(inbound['authentication']).toEqual({
      authType: 'WEBHOOK',
      roleUniqueId: null,
      roleName: null,
      token: { field: 'inboundConfig.authentication.token', isSet: true, lastFour: 'DuWb' },
      apiKeyPairs: [],
    });
    expect((inbound['mapAttributes'] as unknown[])[1]).toEqual({
      name: 'Priority',
      attrName: 'incident.priority.name',
      entityType: 'INCIDENT',
      thirdPartyAttrName: 'severity',
      thirdPartyEntityType: 'TICKET',
      mode: null,
      attrValues: [
        { attrValue: 'Urgent', thirdPartyAttrValue: 'Highest' },
        { attrValue: 'High', thirdPartyAttrValue: 'High' },
        { attrValue: 'Low', thirdPartyAttrValue: 'Low' },
      ],
    });
    const notifier = (result['outboundConfig'] as Record<string, unknown>)['baseNotifier'];
    expect(notifier).toEqual({
      type: 'REST_API',
      baseUri: 'https://acme.atlassian.net/…',
      authType: 'OAUTH2',
      auth: {
        __typename: 'OpsRampOAuth2NotifierAuth',
        grantType: 'PASSWORD',
        accessTokenUri: 'https://auth.atlassian.com/…',
        apiKey: { field: 'outboundConfig.baseNotifier.apiKey', isSet: true, lastFour: '4c2x' },
        // Omitted by OpsRamp on read, and required for this grant: known to be set.
        apiSecret: { field: 'outboundConfig.baseNotifier.apiSecret', isSet: true, lastFour: null },
        userName: 'opsramp-bot@acme.example',
        password: { field: 'outboundConfig.baseNotifier.password', isSet: true, lastFour: null },
      },
    });
    expect((result['secrets'] as { field: string }[]).map((s) => s.field)).toEqual([
      'inboundConfig.authentication.token',
      'outboundConfig.baseNotifier.password',
      'outboundConfig.baseNotifier.apiKey',
      'outboundConfig.baseNotifier.apiSecret',
    ]);
    expect(apiCalls(sim)).toEqual([`GET ${API}/installed/${OPSRAMP_SEED_IDS.jira}`]);
  });

  it('shows each notifier auth type as its own union member, and key pairs as hints', async () => {
    const servicenow = field(await h.gql(CONNECTION, { id: integrationId(MAIN, OPSRAMP_SEED_IDS.serviceNow) }), 'connection');
    expect((servicenow['outboundConfig'] as Record<string, Record<string, unknown>>)['baseNotifier']?.['auth']).toEqual({
      __typename: 'OpsRampBasicNotifierAuth',
      userName: 'svc_opsramp',
      password: { field: 'outboundConfig.baseNotifier.password', isSet: true, lastFour: null },
    });
    const slack = field(await h.gql(CONNECTION, { id: integrationId(MAIN, OPSRAMP_SEED_IDS.slack) }), 'connection');
    expect((slack['outboundConfig'] as Record<string, Record<string, unknown>>)['baseNotifier']?.['auth']).toEqual({ __typename: 'OpsRampNoNotifierAuth', authType: 'NONE' });
    const terraform = field(await h.gql(CONNECTION, { id: integrationId(MAIN, OPSRAMP_SEED_IDS.terraform) }), 'connection');
    expect((terraform['inboundConfig'] as Record<string, unknown>)['authentication']).toEqual({
      authType: 'OAUTH2',
      roleUniqueId: 'ROLE-4d64a7ca-20ca-7c7c-e439-3977aa9c87a4',
      roleName: 'Client Administrator',
      token: null,
      apiKeyPairs: [
        {
          key: { field: 'inboundConfig.authentication.apiKeyPairs.0.key', isSet: true, lastFour: '1j0k' },
          secret: { field: 'inboundConfig.authentication.apiKeyPairs.0.secret', isSet: true, lastFour: null },
        },
      ],
    });
  });

  it('redacts the vtoken of the webhook addresses OpsRamp hands out', async () => {
    const result = field(await h.gql(CONNECTION, { id: integrationId(MAIN, OPSRAMP_SEED_IDS.pagerDutyBridge) }), 'connection');
    const inbound = result['inboundConfig'] as Record<string, unknown>;
    expect(inbound['entityTypes']).toEqual(['INCIDENT']);
    expect(inbound['webhookUris']).toEqual([{ entityType: 'INCIDENT', url: `https://api.opsramp.com/integrations/${TENANT}/webhook/incident?vtoken=REDACTED` }]);
    expect(JSON.stringify(result)).not.toContain('Zq7TnV2mXc9LwP4sRb8KdY3hJf6GtA1e');
  });

  it('resolves node(id), and answers NotFoundError for unknown, foreign-tenant and malformed ids', async () => {
    const node = (await h.gql(NODE, { id: jiraId })).data?.['node'];
    expect(node).toEqual({ __typename: 'OpsRampInstalledIntegration', id: jiraId, installedId: OPSRAMP_SEED_IDS.jira, name: 'JIRA Service Management' });
    sim.server.clearRequests();
    const foreign = integrationId(MAIN, OPSRAMP_SEED_IDS.jira, 'client_99');
    expect(field(await h.gql(CONNECTION, { id: foreign }), 'connection')).toMatchObject({ __typename: 'NotFoundError', resourceId: foreign });
    expect((await h.gql(NODE, { id: foreign })).data?.['node']).toBeNull();
    expect(field(await h.gql(CONNECTION, { id: 'not-a-global-id!' }), 'connection')['__typename']).toBe('NotFoundError');
    expect(calls(sim)).toEqual([]);
    const missing = integrationId(MAIN, 'INTG-00000000-0000-4000-8000-000000000000');
    expect(field(await h.gql(CONNECTION, { id: missing }), 'connection')).toMatchObject({ __typename: 'NotFoundError', resourceId: missing });
  });

  it('asks for one token for many GraphQL requests', async () => {
    const id = integrationId('or-fresh', OPSRAMP_SEED_IDS.slack);
    for (let i = 0; i < 3; i += 1) expect(field(await h.gql(CONNECTION, { id }), 'connection')['installedId']).toBe(OPSRAMP_SEED_IDS.slack);
    field(await h.gql(CONNECTIONS, { filter: { accounts: ['or-fresh'] } }), 'connections');
    expect(tokenCalls(sim)).toBe(1);
    expect(calls(sim)[0]).toBe(`POST ${TOKEN_PATH}`);
  });

  it('renews an expired token through GraphQL without the caller noticing', async () => {
    field(await h.gql(CONNECTION, { id: jiraId }), 'connection');
    sim.expireTokens();
    sim.server.clearRequests();
    expect(field(await h.gql(CONNECTION, { id: jiraId }), 'connection')['installedId']).toBe(OPSRAMP_SEED_IDS.jira);
    expect(calls(sim)).toEqual([`GET ${API}/installed/${OPSRAMP_SEED_IDS.jira}`, `POST ${TOKEN_PATH}`, `GET ${API}/installed/${OPSRAMP_SEED_IDS.jira}`]);
  });
});

describe('installing', () => {
  it('installs a CUSTOM integration and sends the names OpsRamp’s schema documents', async () => {
    const result = field(
      await h.gql(INSTALL, {
        input: {
          account: MAIN,
          integrationId: 'CUSTOM',
          displayName: 'ITSM bridge',
          description: 'Tickets both ways',
          category: 'CUSTOM',
          inboundConfig: { authentication: { authType: 'OAUTH2', roleUniqueId: roleId }, mapAttributes: [mapping], dropAlerts: false },
          outboundConfig: { mapAttributes: [mapping], baseNotifier: oauthNotifier },
        },
      }),
      'installOpsRampIntegration',
    );
    expect(result['__typename']).toBe('OpsRampInstalledIntegrationPayload');
    const integration = result['integration'] as Record<string, unknown>;
    const installedId = integration['installedId'] as string;
    expect(installedId).toMatch(/^INTG-/);
    expect(integration).toMatchObject({
      id: integrationId(MAIN, installedId),
      name: 'ITSM bridge',
      description: 'Tickets both ways',
      category: 'CUSTOM',
      status: 'ENABLED',
      service: 'WEBHOOK',
      integration: { id: 'CUSTOM', kind: 'CUSTOM' },
      inboundConfig: { dropAlerts: false, authentication: { authType: 'OAUTH2', roleUniqueId: roleId } },
      outboundConfig: { mapAttributes: [{ ...mapping, attrName: 'incident.status.name', mode: null }] },
    });
    const stored = sim.stored(installedId);
    expect(stored?.outboundConfig?.baseNotifier).toEqual({
      type: 'REST_API',
      baseURI: oauthNotifier.baseUri,
      authType: 'OAUTH2',
      grantType: 'PASSWORD',
      userName: 'opsramp-bot',
      password: oauthNotifier.password,
      apiKey: oauthNotifier.apiKey,
      apiSecret: oauthNotifier.apiSecret,
      accessTokenURI: oauthNotifier.accessTokenUri,
    });
    // The body uses the spec schema's names, never the examples' (the simulator refuses those).
    const sent = JSON.stringify(sim.writes()[0]?.body);
    expect(sent).toContain('"tenantAttrName":"state"');
    expect(sent).toContain('"tenantEntityType":"ticket"');
    expect(sent).toContain('"tenantAttrValue":"close"');
    expect(sent).toContain('"accessTokenURL"');
    expect(sent).not.toContain('thirdParty');
    expect(sent).not.toContain('accessTokenURI');
    // OpsRamp shows the new key pair's secret once; Patchbay passes on a hint only.
    const pair = stored?.inboundConfig?.authentication?.apiKeyPairs?.[0];
    expect(pair).toBeDefined();
    const raw = JSON.stringify(result);
    for (const secret of [pair?.secret ?? 'x', pair?.key ?? 'x', oauthNotifier.password, oauthNotifier.apiKey, oauthNotifier.apiSecret]) expect(raw).not.toContain(secret);
    expect(apiCalls(sim)).toEqual([`POST ${API}/install/CUSTOM`]);
    const listed = field(await h.gql(CONNECTIONS, { filter: { accounts: [MAIN] }, first: 100 }), 'connections');
    expect(listed['totalCount']).toBe(SEED_COUNT + 1);
  });

  it('installs once per idempotency key', async () => {
    const input = { account: 'or-idem', integrationId: 'PAGERDUTY', idempotencyKey: 'install-pd-7781' };
    const first = field(await h.gql(INSTALL, { input }), 'installOpsRampIntegration');
    const second = field(await h.gql(INSTALL, { input }), 'installOpsRampIntegration');
    expect(second).toEqual(first);
    expect(apiCalls(sim)).toEqual([`POST ${API}/install/PAGERDUTY`]);
    const other = field(await h.gql(INSTALL, { input: { ...input, displayName: 'different' } }), 'installOpsRampIntegration');
    expect(other).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['idempotencyKey'] }] });
  });

  it('refuses bad input with every field error and calls nothing', async () => {
    const result = field(
      await h.gql(INSTALL, {
        input: {
          account: MAIN,
          integrationId: 'CUSTOM',
          direction: 'INBOUND',
          inboundConfig: { mapAttributes: [{ ...mapping, name: ' ', attrValues: [{ attrValue: 'Open', thirdPartyAttrValue: '' }] }] },
          outboundConfig: { baseNotifier: { ...oauthNotifier, apiSecret: '**********', grantType: null, tokenUrl: 'https://x.example' } },
        },
      }),
      'installOpsRampIntegration',
    );
    expect(result['__typename']).toBe('InputValidationError');
    const paths = (result['fieldErrors'] as { path: string[] }[]).map((e) => e.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'category',
        'displayName',
        'direction',
        'inboundConfig.mapAttributes.0.name',
        'inboundConfig.mapAttributes.0.attrValues.0.thirdPartyAttrValue',
        'outboundConfig.baseNotifier.apiSecret',
        'outboundConfig.baseNotifier.grantType',
        'outboundConfig.baseNotifier.tokenUrl',
      ]),
    );
    const slack = field(await h.gql(INSTALL, { input: { account: MAIN, integrationId: 'SLACK', category: 'MONITORING', alertSourceId: 30 } }), 'installOpsRampIntegration');
    expect((slack['fieldErrors'] as { path: string[] }[]).map((e) => e.path.join('.'))).toEqual(['category', 'alertSourceId']);
    const unknown = field(await h.gql(INSTALL, { input: { account: MAIN, integrationId: 'CUSTOM', displayName: 'x', category: 'UNKNOWN' } }), 'installOpsRampIntegration');
    expect(unknown).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['category'] }] });
    const noAccount = field(await h.gql(INSTALL, { input: { account: 'nope', integrationId: 'SLACK' } }), 'installOpsRampIntegration');
    expect(noAccount).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['account'] }] });
    expect(calls(sim)).toEqual([]);
  });

  it('answers ConflictError for a second installation of a single-install integration', async () => {
    const result = field(await h.gql(INSTALL, { input: { account: MAIN, integrationId: 'SLACK' } }), 'installOpsRampIntegration');
    expect(result).toMatchObject({ __typename: 'ConflictError', httpStatus: 409, vendorCode: 'conflict', retryable: false });
  });

  it('answers NotFoundError for an integration the catalogue lacks', async () => {
    const result = field(await h.gql(INSTALL, { input: { account: MAIN, integrationId: 'NOT_OFFERED' } }), 'installOpsRampIntegration');
    expect(result['__typename']).toBe('NotFoundError');
  });
});

describe('changing installed integrations', () => {
  it('updates with a partial POST and returns the new state', async () => {
    const id = integrationId(MAIN, OPSRAMP_SEED_IDS.serviceNow);
    const result = field(await h.gql(UPDATE, { input: { id, displayName: 'ServiceNow (prod)', outboundConfig: { mapAttributes: [mapping] } } }), 'updateOpsRampInstalledIntegration');
    const integration = result['integration'] as Record<string, unknown>;
    expect(integration).toMatchObject({ id, name: 'ServiceNow (prod)', outboundConfig: { mapAttributes: [{ name: 'Status', thirdPartyAttrName: 'state' }] } });
    // The notifier was not part of the change and stays as it was, secrets included.
    expect(sim.stored(OPSRAMP_SEED_IDS.serviceNow)?.outboundConfig?.baseNotifier?.password).toBe('seed-servicenow-basic-password-7d3f');
    expect(sim.writes()[0]?.body).toEqual({ displayName: 'ServiceNow (prod)', outboundConfig: { mapAttributes: [wireMapping] } });
    expect(apiCalls(sim)).toEqual([`POST ${API}/installed/${OPSRAMP_SEED_IDS.serviceNow}`]);
  });

  it('replaces a notifier only with its secrets, and refuses an empty change', async () => {
    const id = integrationId(MAIN, OPSRAMP_SEED_IDS.jira);
    const missing = field(
      await h.gql(UPDATE, { input: { id, outboundConfig: { baseNotifier: { type: 'REST_API', baseUri: 'https://x.example', authType: 'BASIC', userName: 'u' } } } }),
      'updateOpsRampInstalledIntegration',
    );
    expect(missing).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['outboundConfig', 'baseNotifier', 'password'], message: 'is required' }] });
    const empty = field(await h.gql(UPDATE, { input: { id } }), 'updateOpsRampInstalledIntegration');
    expect(empty['__typename']).toBe('InputValidationError');
    expect(calls(sim)).toEqual([]);
    const basic = field(
      await h.gql(UPDATE, { input: { id, outboundConfig: { baseNotifier: { type: 'REST_API', baseUri: 'https://x.example', authType: 'BASIC', userName: 'u', password: 'new-password-88' } } } }),
      'updateOpsRampInstalledIntegration',
    );
    expect((basic['integration'] as Record<string, Record<string, Record<string, unknown>>>)['outboundConfig']?.['baseNotifier']?.['auth']).toMatchObject({
      __typename: 'OpsRampBasicNotifierAuth',
      userName: 'u',
    });
    expect(sim.stored(OPSRAMP_SEED_IDS.jira)?.outboundConfig?.baseNotifier).toEqual({ type: 'REST_API', baseURI: 'https://x.example', authType: 'BASIC', userName: 'u', password: 'new-password-88' });
  });

  it('uninstalls with the reason in the DELETE body', async () => {
    const id = integrationId(MAIN, OPSRAMP_SEED_IDS.emailAlerts);
    const blank = field(await h.gql(UNINSTALL, { input: { id, reason: '  ' } }), 'uninstallOpsRampIntegration');
    expect(blank).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['reason'] }] });
    expect(calls(sim)).toEqual([]);
    const result = field(await h.gql(UNINSTALL, { input: { id, reason: 'Moved to PagerDuty' } }), 'uninstallOpsRampIntegration');
    expect(result).toEqual({ __typename: 'OpsRampUninstalledIntegrationPayload', uninstalledId: id });
    expect(sim.installedIds()).not.toContain(OPSRAMP_SEED_IDS.emailAlerts);
    expect(sim.writes()).toEqual([{ method: 'DELETE', path: `${API}/installed/${OPSRAMP_SEED_IDS.emailAlerts}`, body: { uninstallReason: 'Moved to PagerDuty' } }]);
    const again = field(await h.gql(UNINSTALL, { input: { id, reason: 'again' } }), 'uninstallOpsRampIntegration');
    expect(again['__typename']).toBe('NotFoundError');
    const audit = await h.store.listAudit({ operation: 'uninstallOpsRampIntegration' });
    expect(audit.map((row) => row.outcome).slice(0, 3)).toEqual(expect.arrayContaining(['OK', 'NotFoundError', 'InputValidationError']));
  });

  it('repeats an uninstall with the same idempotency key without calling OpsRamp again', async () => {
    const input = { id: integrationId('or-idem', OPSRAMP_SEED_IDS.kubernetes), reason: 'Cluster retired', idempotencyKey: 'uninstall-k8s-1' };
    const first = field(await h.gql(UNINSTALL, { input }), 'uninstallOpsRampIntegration');
    const second = field(await h.gql(UNINSTALL, { input }), 'uninstallOpsRampIntegration');
    expect(first['__typename']).toBe('OpsRampUninstalledIntegrationPayload');
    expect(second).toEqual(first);
    expect(apiCalls(sim)).toEqual([`DELETE ${API}/installed/${OPSRAMP_SEED_IDS.kubernetes}`]);
  });

  it('enables and disables, reading the integration back', async () => {
    const id = integrationId(MAIN, OPSRAMP_SEED_IDS.emailAlerts);
    const enabled = field(await h.gql(ENABLE, { input: { id } }), 'enableOpsRampInstalledIntegration');
    expect(enabled).toEqual({ __typename: 'OpsRampIntegrationStatusPayload', id, enabled: true, integration: { installedId: OPSRAMP_SEED_IDS.emailAlerts, status: 'ENABLED', statusText: 'enabled' } });
    const disabled = field(await h.gql(DISABLE, { input: { id } }), 'disableOpsRampInstalledIntegration');
    expect(disabled).toMatchObject({ enabled: false, integration: { status: 'DISABLED' } });
    expect(apiCalls(sim)).toEqual([
      `POST ${API}/installed/${OPSRAMP_SEED_IDS.emailAlerts}/enable`,
      `GET ${API}/installed/${OPSRAMP_SEED_IDS.emailAlerts}`,
      `POST ${API}/installed/${OPSRAMP_SEED_IDS.emailAlerts}/disable`,
      `GET ${API}/installed/${OPSRAMP_SEED_IDS.emailAlerts}`,
    ]);
  });

  it('reports an enable that worked even when the read-back fails', async () => {
    const id = integrationId(MAIN, OPSRAMP_SEED_IDS.emailAlerts);
    sim.server.addFault({ match: { method: 'GET', path: `/installed/${OPSRAMP_SEED_IDS.emailAlerts}$` }, times: 1, response: { status: 500, body: { error: 'server_error' } } });
    const result = field(await h.gql(ENABLE, { input: { id } }), 'enableOpsRampInstalledIntegration');
    expect(result).toEqual({ __typename: 'OpsRampIntegrationStatusPayload', id, enabled: true, integration: null });
    expect(sim.stored(OPSRAMP_SEED_IDS.emailAlerts)?.status).toBe('enabled');
  });
});

describe('the catalogue', () => {
  it('lists every page of available integrations', async () => {
    const result = field(await h.gql(AVAILABLE, { account: MAIN }), 'opsRampAvailableIntegrations');
    expect(result['totalCount']).toBe(OFFERED.length);
    expect(result['nodes']).toContainEqual({ id: 'SLACK', name: 'Slack', kind: 'COLLABORATION', service: 'SLACK', multipleInstallations: null });
    expect(apiCalls(sim)).toHaveLength(Math.ceil(OFFERED.length / PAGE));
  });

  it('narrows by name with an OpsRamp queryString', async () => {
    const result = field(await h.gql(AVAILABLE, { account: MAIN, search: 'pager' }), 'opsRampAvailableIntegrations');
    expect(result).toEqual({
      __typename: 'OpsRampAvailableIntegrationList',
      totalCount: 1,
      nodes: [{ id: 'PAGERDUTY', name: 'PagerDuty', kind: 'COLLABORATION', service: 'PAGERDUTY', multipleInstallations: null }],
    });
    expect(sim.server.requests.at(-1)?.query['queryString']).toBe('name:pager');
  });

  it('refuses a search with OpsRamp’s separators and an unknown account', async () => {
    const plus = field(await h.gql(AVAILABLE, { account: MAIN, search: 'a+b' }), 'opsRampAvailableIntegrations');
    expect(plus).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['search'] }] });
    const none = field(await h.gql(AVAILABLE, { account: 'missing' }), 'opsRampAvailableIntegrations');
    expect(none).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['account'] }] });
    expect(calls(sim)).toEqual([]);
  });
});
