import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MONGODB_DEMO_GROUP_IDS, mongoDbSeedGroups } from '../../src/simulators/mongodb/seed.js';
import { createMongoDbSimulator, type MongoDbSimulator } from '../../src/simulators/mongodb/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { CANARY, DRY_RUN_ACCOUNT, DRY_RUN_CASES, DRY_RUN_MUTATIONS, OTHER_SECRET, dryRunId, type DryRunTools } from './dry-run.cases.js';
import { EMPTY_GROUP } from './fixtures.js';

/*
 * `dryRun: true` on every Cloud Manager mutation (table in dry-run.cases.ts): a `WritePreview`
 * with exactly the expected changes, no request but GETs reaching the simulator, its state as it
 * was, and the canary nowhere outside it.
 */

const PUBLIC_KEY = 'dry-run-public-key';
const PRIVATE_KEY = 'dry-run-private-key-8c2f0d';

const PREVIEW = `__typename
  ... on Error { message }
  ... on WritePreview { operation account targetId vendorValidated notes changes { path kind secret before after } before { path value secret isSet } after { path value secret isSet } current { ... on MongoDbIntegration { id } } }`;
const INPUT_TYPES: Readonly<Record<string, string>> = {
  createMongoDbIntegration: 'CreateMongoDbIntegrationInput',
  upsertMongoDbIntegration: 'UpsertMongoDbIntegrationInput',
  deleteMongoDbIntegration: 'DeleteMongoDbIntegrationInput',
};

let sim: MongoDbSimulator;
let h: Harness;

function mutationOf(name: string): string {
  return `mutation($input: ${INPUT_TYPES[name] ?? 'missing'}!) { ${name}(input: $input) { ${PREVIEW} } }`;
}

/** Everything the simulator holds, secrets in clear: compared before and after a preview. */
function vendorState(): string {
  return JSON.stringify(sim.groupIds().map((groupId) => [groupId, sim.storedTypes(groupId).map((type) => sim.storedIntegration(groupId, type))]));
}

const tools: DryRunTools = {
  async write(mutation, integration) {
    const response = await h.gql(mutationOf(mutation), { input: { account: DRY_RUN_ACCOUNT, groupId: EMPTY_GROUP, integration } });
    expect(response.errors).toBeUndefined();
    expect((response.data?.[mutation] as { __typename: string }).__typename).toBe('MongoDbIntegrationPayload');
  },
  vendorId(type) {
    const id = sim.integrationId(EMPTY_GROUP, type);
    if (id === undefined) throw new Error(`no ${type} in the project`);
    return id;
  },
};

beforeAll(async () => {
  const groups = mongoDbSeedGroups();
  groups.set(EMPTY_GROUP, []);
  sim = createMongoDbSimulator({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groups });
  const base = await sim.server.listen();
  h = await startHarness({
    accounts: [
      {
        id: DRY_RUN_ACCOUNT,
        vendor: 'mongodb',
        baseUrl: `${base}${sim.basePath}`,
        publicKey: PUBLIC_KEY,
        privateKey: PRIVATE_KEY,
        groupIds: [MONGODB_DEMO_GROUP_IDS.paymentsProd, EMPTY_GROUP],
      },
    ],
    resilience: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 1_000, halfOpenAfterMs: 1 } },
  });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(async () => {
  sim.server.reset();
  const stale = await h.store.listFingerprints();
  await h.store.applyFingerprints([...new Set(stale.map((row) => row.connectionId))].map((connectionId) => ({ connectionId, account: '', vendor: '', service: '', set: [], clear: 'all' as const })));
});

describe('dryRun on every Cloud Manager mutation', () => {
  it('covers every Cloud Manager mutation of the schema, and each has a row', async () => {
    const response = await h.gql('{ __schema { mutationType { fields { name args { name type { name ofType { name inputFields { name defaultValue } } } } } } } }');
    const fields = (
      response.data?.['__schema'] as { mutationType: { fields: { name: string; args: { type: { ofType: { inputFields: { name: string; defaultValue: string | null }[] } | null } }[] }[] } }
    ).mutationType.fields;
    const mine = fields.filter((field) => field.name.includes('MongoDb'));
    expect(mine.map((field) => field.name).sort()).toEqual([...DRY_RUN_MUTATIONS].sort());
    for (const field of mine) expect(field.args[0]?.type.ofType?.inputFields.find((input) => input.name === 'dryRun')).toEqual({ name: 'dryRun', defaultValue: 'false' });
    for (const name of DRY_RUN_MUTATIONS) expect(DRY_RUN_CASES.some((row) => row.mutation === name && row.typename === 'WritePreview')).toBe(true);
  });

  it.each(DRY_RUN_CASES.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    await row.setup?.(tools);
    const state = vendorState();
    sim.server.clearRequests();

    const response = await h.gql(mutationOf(row.mutation), { input: { ...row.input, dryRun: true } });

    expect(response.errors).toBeUndefined();
    // Nothing but reads reached Cloud Manager, and it holds what it held.
    expect(sim.server.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(vendorState()).toBe(state);
    expect(response.raw).not.toContain(CANARY);
    expect(response.raw).not.toContain(OTHER_SECRET);
    expect(h.logger.lines.join('\n')).not.toContain(CANARY);

    const answer = response.data?.[row.mutation] as Record<string, unknown>;
    expect(answer['__typename']).toBe(row.typename);
    if (row.typename !== 'WritePreview') return;
    expect(answer['operation']).toBe(row.mutation);
    expect(answer['account']).toBe(DRY_RUN_ACCOUNT);
    expect(answer['vendorValidated']).toBe(false);
    expect(answer['changes']).toEqual(row.changes?.(tools));
    const notes = answer['notes'] as string[];
    expect(notes.some((note) => note.includes('no validate-only mode'))).toBe(true);
    if (row.note !== undefined) expect(notes.some((note) => note.includes(row.note ?? ''))).toBe(true);
    if (row.targetsExisting === true) {
      expect(answer['targetId']).toBe(dryRunId(typeOf(row.input)));
      expect(answer['current']).toEqual({ id: dryRunId(typeOf(row.input)) });
    } else {
      expect(answer['targetId']).toBeNull();
      expect(answer['current']).toBeNull();
      expect(answer['before']).toBeNull();
    }
    // A secret is never shown with a value, before or after.
    const fields = [...((answer['before'] as { secret: boolean; value: string | null }[] | null) ?? []), ...((answer['after'] as { secret: boolean; value: string | null }[] | null) ?? [])];
    expect(fields.filter((field) => field.secret && field.value !== null)).toEqual([]);
  });

  it('a preview is audited as PREVIEWED and stores no fingerprint', async () => {
    const response = await h.gql(mutationOf('createMongoDbIntegration'), {
      input: { account: DRY_RUN_ACCOUNT, groupId: EMPTY_GROUP, integration: { pagerDuty: { serviceKey: CANARY } }, dryRun: true },
    });
    expect((response.data?.['createMongoDbIntegration'] as { __typename: string }).__typename).toBe('WritePreview');
    const [latest] = await h.store.listAudit({ limit: 1, operation: 'createMongoDbIntegration' });
    expect(latest?.outcome).toBe('PREVIEWED');
    expect(await h.store.listFingerprints([dryRunId('PAGER_DUTY')])).toEqual([]);
    expect(JSON.stringify(await h.store.listAudit({ limit: 1000 }))).not.toContain(CANARY);
  });
});

/** The integration type a row's input names (its one `@oneOf` member, or the type of its id). */
function typeOf(input: Record<string, unknown>): string {
  const integration = input['integration'] as Record<string, unknown> | undefined;
  const member = integration === undefined ? undefined : Object.keys(integration)[0];
  const types: Readonly<Record<string, string>> = {
    pagerDuty: 'PAGER_DUTY',
    opsGenie: 'OPS_GENIE',
    webhook: 'WEBHOOK',
    victorOps: 'VICTOR_OPS',
    slack: 'SLACK',
    microsoftTeams: 'MICROSOFT_TEAMS',
    prometheus: 'PROMETHEUS',
  };
  if (member !== undefined) return types[member] ?? member;
  const id = String(input['id']);
  return ['PAGER_DUTY', 'OPS_GENIE', 'WEBHOOK', 'VICTOR_OPS', 'SLACK', 'MICROSOFT_TEAMS', 'PROMETHEUS'].find((type) => dryRunId(type) === id) ?? '';
}
