import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPSRAMP_SEED_IDS } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import { startHarness, type GqlResponse, type Harness } from '../support/harness.js';
import { DRY_RUN_MUTATIONS } from './dry-run.cases.js';
import { CLIENT_ID, CLIENT_SECRET, CONNECTION, ERROR_FIELDS, TENANT, UPDATE, account, field, integrationId } from './support.js';

/*
 * `dryRun: true` on every OpsRamp mutation: a `WritePreview`, no write sent (OpsRamp has no
 * validate-only mode, so a preview only reads), the vendor's state and Patchbay's fingerprints
 * unchanged, and exactly the expected change list. A secret sent again with the value Patchbay
 * wrote is `UNCHANGED`.
 */

const MAIN = 'or-dry-run';
const NOTIFIER = 'outboundConfig.baseNotifier';
/** Distinctive values: they may reach the simulator (through real writes) and nowhere else. */
const CANARY = {
  preview: 'DryRunCanaryPreview-5tQ8wL1z',
  written: 'DryRunCanaryWritten-3kP7vN9m',
  other: 'DryRunCanaryOther-7bX2cR4d',
} as const;

let sim: OpsRampSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT });
  const baseUrl = await sim.server.listen();
  h = await startHarness({ accounts: [account(MAIN, baseUrl)] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(() => sim.server.reset());

const PREVIEW = `
  __typename
  ... on WritePreview {
    operation account targetId vendorValidated notes
    current { __typename ... on OpsRampInstalledIntegration { installedId } }
    changes { path kind secret before after }
    before { path value secret isSet }
    after { path value secret isSet }
  }
  ${ERROR_FIELDS}
`;

const INPUT_TYPES: Readonly<Record<string, string>> = {
  installOpsRampIntegration: 'InstallOpsRampIntegrationInput',
  updateOpsRampInstalledIntegration: 'UpdateOpsRampInstalledIntegrationInput',
  uninstallOpsRampIntegration: 'UninstallOpsRampIntegrationInput',
  enableOpsRampInstalledIntegration: 'OpsRampInstalledIntegrationIdInput',
  disableOpsRampInstalledIntegration: 'OpsRampInstalledIntegrationIdInput',
};

function dryRun(mutation: string, input: Record<string, unknown>): Promise<GqlResponse> {
  return h.gql(`mutation($input: ${INPUT_TYPES[mutation] ?? ''}!) { ${mutation}(input: $input) { ${PREVIEW} } }`, { input: { ...input, dryRun: true } });
}

const serviceNow = (): string => integrationId(MAIN, OPSRAMP_SEED_IDS.serviceNow);
const emailAlerts = (): string => integrationId(MAIN, OPSRAMP_SEED_IDS.emailAlerts);
const jira = (): string => integrationId(MAIN, OPSRAMP_SEED_IDS.jira);

const basicNotifier = (password: string) => ({ type: 'REST_API', baseUri: 'https://acme.service-now.com/api/now/table', authType: 'BASIC', userName: 'svc_opsramp', password });

const added = (path: string, after: string) => ({ path, kind: 'ADDED', secret: false, before: null, after });
const removed = (path: string, before: string) => ({ path, kind: 'REMOVED', secret: false, before, after: null });
const changed = (path: string, before: string, after: string) => ({ path, kind: 'CHANGED', secret: false, before, after });
const secret = (path: string, kind: string) => ({ path, kind, secret: true, before: null, after: null });
const json = (value: unknown): string => JSON.stringify(value);

interface Row {
  readonly mutation: string;
  readonly input: () => Record<string, unknown>;
  readonly targetId: () => string | null;
  readonly changes: readonly unknown[];
}

const ROWS: readonly Row[] = [
  {
    mutation: 'installOpsRampIntegration',
    input: () => ({
      account: MAIN,
      integrationId: 'CUSTOM',
      displayName: 'Dry',
      category: 'COLLABORATION',
      outboundConfig: { baseNotifier: { type: 'REST_API', baseUri: 'https://x.example.com', authType: 'BASIC', userName: 'u', password: CANARY.preview } },
    }),
    targetId: () => null,
    changes: [
      added('category', json('Collaboration')),
      added('categoryText', json('Collaboration')),
      added('displayName', json('Dry')),
      added('integration.id', json('CUSTOM')),
      added('integration.kind', json('CUSTOM')),
      added('integration.name', json('Custom')),
      added('integration.service', json('WEBHOOK')),
      added('kind', json('opsramp')),
      added('name', json('Dry')),
      added('outbound.baseNotifier.authType', json('BASIC')),
      added('outbound.baseNotifier.authTypeText', json('BASIC')),
      added('outbound.baseNotifier.baseUri', json('https://x.example.com')),
      added('outbound.baseNotifier.resourceAuthHeaders', '[]'),
      added('outbound.baseNotifier.tokenHeaders', '[]'),
      added('outbound.baseNotifier.tokensPath', '[]'),
      added('outbound.baseNotifier.type', json('REST_API')),
      added('outbound.baseNotifier.userName', json('u')),
      added('outbound.mapAttributes', '[]'),
      added('service', json('WEBHOOK')),
      added('tenantId', json(TENANT)),
      secret(`${NOTIFIER}.password`, 'SET'),
    ],
  },
  {
    mutation: 'updateOpsRampInstalledIntegration',
    input: () => ({ id: serviceNow(), displayName: 'ServiceNow (renamed)', outboundConfig: { baseNotifier: basicNotifier(CANARY.preview) } }),
    targetId: serviceNow,
    changes: [
      changed('displayName', json('ServiceNow change requests'), json('ServiceNow (renamed)')),
      changed('name', json('ServiceNow change requests'), json('ServiceNow (renamed)')),
      secret(`${NOTIFIER}.password`, 'CHANGED'),
    ],
  },
  {
    mutation: 'uninstallOpsRampIntegration',
    input: () => ({ id: emailAlerts(), reason: 'no longer used' }),
    targetId: emailAlerts,
    changes: [
      removed('createdBy', json('noc.lead')),
      removed('displayName', json('NOC email alerts')),
      removed('installedAt', json('2022-09-01T08:00:00.000Z')),
      removed('installedBy', json('noc.lead')),
      removed('installedId', json(OPSRAMP_SEED_IDS.emailAlerts)),
      removed('integration.id', json('EMAILALERTS')),
      removed('integration.kind', json('EMAIL')),
      removed('integration.multipleInstallations', 'true'),
      removed('integration.name', json('Email Alerts')),
      removed('integration.service', json('OTHER')),
      removed('kind', json('opsramp')),
      removed('name', json('NOC email alerts')),
      removed('service', json('OTHER')),
      removed('status', json('DISABLED')),
      removed('statusText', json('disabled')),
      removed('tenantId', json(TENANT)),
    ],
  },
  {
    mutation: 'enableOpsRampInstalledIntegration',
    input: () => ({ id: emailAlerts() }),
    targetId: emailAlerts,
    changes: [changed('enabled', 'false', 'true')],
  },
  {
    mutation: 'disableOpsRampInstalledIntegration',
    input: () => ({ id: jira() }),
    targetId: jira,
    changes: [changed('enabled', 'true', 'false')],
  },
];

/** The simulator's whole state, secrets included (compared, never printed). */
const vendorState = (): string => JSON.stringify(sim.installedIds().map((id) => sim.stored(id)));

/** Gets a token and clears the request log, so that the call under test is all the log shows. */
async function warmUp(): Promise<void> {
  field(await h.gql(CONNECTION, { id: jira() }), 'connection');
  sim.server.clearRequests();
}

function expectNoCanary(response: GqlResponse): void {
  for (const value of Object.values(CANARY)) {
    expect(response.raw).not.toContain(value);
    for (const line of h.logger.lines) expect(line).not.toContain(value);
  }
}

describe('dryRun on every OpsRamp mutation', () => {
  it('has a row for every OpsRamp mutation of the schema', async () => {
    const schema = field(await h.gql('{ __schema { mutationType { fields { name } } } }'), '__schema') as { mutationType: { fields: { name: string }[] } };
    const opsRamp = schema.mutationType.fields.map((f) => f.name).filter((name) => name.includes('OpsRamp'));
    expect([...DRY_RUN_MUTATIONS].sort()).toEqual(opsRamp.sort());
    expect(ROWS.map((row) => row.mutation).sort()).toEqual([...DRY_RUN_MUTATIONS].sort());
  });

  it.each(ROWS.map((row) => [row.mutation, row] as const))('%s answers a WritePreview, writes nothing and lists exactly its changes', async (mutation, row) => {
    await warmUp();
    const state = vendorState();
    const fingerprints = await h.store.listFingerprints();
    const response = await dryRun(mutation, row.input());
    const preview = field(response, mutation);
    expect(preview['__typename']).toBe('WritePreview');
    expect(preview).toMatchObject({ operation: mutation, account: MAIN, targetId: row.targetId(), vendorValidated: false });
    expect(preview['changes']).toEqual(row.changes);
    expect((preview['notes'] as string[]).length).toBeGreaterThan(0);
    // Only reads reached OpsRamp, and nothing changed there or in Patchbay's fingerprints.
    expect(sim.server.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(sim.writes()).toEqual([]);
    expect(vendorState()).toBe(state);
    expect(await h.store.listFingerprints()).toEqual(fingerprints);
    const [audit] = await h.store.listAudit({ operation: mutation, limit: 1 });
    expect(audit?.outcome).toBe('PREVIEWED');
    expectNoCanary(response);
  });
});

describe('a secret in a preview', () => {
  it('is UNCHANGED when re-sent with the value written through Patchbay, CHANGED with another', async () => {
    const written = await h.gql(UPDATE, { input: { id: serviceNow(), outboundConfig: { baseNotifier: basicNotifier(CANARY.written) } } });
    expect(field(written, 'updateOpsRampInstalledIntegration')['integration']).toBeTruthy();
    sim.server.clearRequests();
    const state = vendorState();

    const same = field(await dryRun('updateOpsRampInstalledIntegration', { id: serviceNow(), outboundConfig: { baseNotifier: basicNotifier(CANARY.written) } }), 'updateOpsRampInstalledIntegration');
    expect(same['changes']).toEqual([secret(`${NOTIFIER}.password`, 'UNCHANGED')]);

    const other = await dryRun('updateOpsRampInstalledIntegration', { id: serviceNow(), outboundConfig: { baseNotifier: basicNotifier(CANARY.other) } });
    expect(field(other, 'updateOpsRampInstalledIntegration')['changes']).toEqual([secret(`${NOTIFIER}.password`, 'CHANGED')]);

    expect(sim.server.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(vendorState()).toBe(state);
    expectNoCanary(other);
  });

  it('is UNSET when a notifier of another auth type would replace it', async () => {
    await warmUp();
    const response = await dryRun('updateOpsRampInstalledIntegration', {
      id: jira(),
      outboundConfig: { baseNotifier: { type: 'REST_API', baseUri: 'https://acme.atlassian.net/rest/api/2', authType: 'BASIC', userName: 'bot', password: CANARY.preview } },
    });
    const changes = field(response, 'updateOpsRampInstalledIntegration')['changes'] as { path: string; kind: string }[];
    expect(changes.filter((change) => change.path.startsWith(NOTIFIER))).toEqual([
      secret(`${NOTIFIER}.password`, 'CHANGED'),
      secret(`${NOTIFIER}.apiKey`, 'UNSET'),
      secret(`${NOTIFIER}.apiSecret`, 'UNSET'),
    ]);
    expect(sim.server.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expectNoCanary(response);
  });
});

describe('a preview answers the errors the write would', () => {
  it('NotFoundError for an integration that is not there, after one GET', async () => {
    await warmUp();
    const missing = integrationId(MAIN, 'INTG-00000000-0000-4000-8000-000000000000');
    for (const mutation of ['updateOpsRampInstalledIntegration', 'uninstallOpsRampIntegration', 'enableOpsRampInstalledIntegration', 'disableOpsRampInstalledIntegration']) {
      const input = mutation === 'updateOpsRampInstalledIntegration' ? { id: missing, displayName: 'x' } : mutation === 'uninstallOpsRampIntegration' ? { id: missing, reason: 'x' } : { id: missing };
      expect(field(await dryRun(mutation, input), mutation)['__typename']).toBe('NotFoundError');
    }
    expect(sim.server.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('InputValidationError for bad input, before any call', async () => {
    await warmUp();
    const install = field(await dryRun('installOpsRampIntegration', { account: MAIN, integrationId: 'CUSTOM', outboundConfig: { baseNotifier: basicNotifier('****') } }), 'installOpsRampIntegration');
    expect(install['__typename']).toBe('InputValidationError');
    const update = field(await dryRun('updateOpsRampInstalledIntegration', { id: serviceNow() }), 'updateOpsRampInstalledIntegration');
    expect(update['__typename']).toBe('InputValidationError');
    const uninstall = field(await dryRun('uninstallOpsRampIntegration', { id: serviceNow(), reason: ' ' }), 'uninstallOpsRampIntegration');
    expect(uninstall['__typename']).toBe('InputValidationError');
    expect(sim.server.requests).toEqual([]);
  });
});
