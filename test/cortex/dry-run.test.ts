import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCortexSimulator, type CortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { CANARY, DRY_RUN_CASES, DRY_RUN_MUTATIONS, OTHER_TOKEN, type DryRunCase, type Given } from './dry-run.cases.js';
import { ERROR_FIELDS, REPLACE, configurationId, field } from './support.js';

const ACCOUNT = 'cortex-dry';
const CORTEX_KEY = 'ctx-api-key-DryRun42';
const ID = configurationId(ACCOUNT);
const PATH = '/api/v1/pagerduty';

const PREVIEW_FIELDS = `
  ... on WritePreview {
    operation account targetId vendorValidated notes
    current { __typename ... on CortexPagerDutyConfiguration { id isTokenReadonly token { field isSet lastFour } } }
    before { path value secret isSet }
    after { path value secret isSet }
    changes { path kind secret before after }
  }
`;

/** The mutation `name` with `dryRun: true`, asking for the preview and every error. */
function dryRunQuery(name: string): string {
  const inputType = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
  return `mutation($input: ${inputType}!) { ${name}(input: $input) { __typename ${PREVIEW_FIELDS} ${ERROR_FIELDS} } }`;
}

let sim: CortexSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createCortexSimulator({ token: CORTEX_KEY });
  const baseUrl = await sim.server.listen();
  h = await startHarness({ accounts: [{ id: ACCOUNT, vendor: 'cortex', baseUrl, token: CORTEX_KEY }] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(async () => {
  sim.server.reset();
  await h.store.applyFingerprints([{ connectionId: ID, account: '', vendor: '', service: '', set: [], clear: 'all' }]);
});

/** Puts the workspace (and Patchbay's fingerprints) in the state a case starts from. */
async function prepare(given: Given): Promise<void> {
  if (given === 'empty') {
    const res = await fetch(`${sim.server.baseUrl}${PATH}/configurations`, { method: 'DELETE', headers: { authorization: `Bearer ${CORTEX_KEY}` } });
    expect(res.status).toBe(200);
  }
  if (given === 'canary-written') {
    const written = field(await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } }), 'replaceCortexPagerDutyConfiguration');
    expect(written['__typename']).toBe('CortexPagerDutyConfigurationPayload');
    expect(await h.store.listFingerprints([ID])).toHaveLength(1);
  }
  sim.server.clearRequests();
}

describe('dryRun on every Cortex mutation', () => {
  it('covers every Cortex mutation of the schema with a row', async () => {
    const response = await h.gql('{ __schema { mutationType { fields { name } } } }');
    const mutationType = (response.data?.['__schema'] as { mutationType: { fields: { name: string }[] } }).mutationType;
    const cortexMutations = mutationType.fields.map((f) => f.name).filter((name) => name.includes('Cortex'));
    expect([...cortexMutations].sort()).toEqual([...DRY_RUN_MUTATIONS].sort());
    for (const name of DRY_RUN_MUTATIONS)
      expect(
        DRY_RUN_CASES.some((row) => row.mutation === name && row.answer === 'WritePreview'),
        name,
      ).toBe(true);
    for (const row of DRY_RUN_CASES) expect(DRY_RUN_MUTATIONS).toContain(row.mutation);
  });

  it.each(DRY_RUN_CASES.map((row) => [row.title, row] as const))('%s', async (_title, row: DryRunCase) => {
    await prepare(row.given);
    const stateBefore = sim.storedConfiguration();
    const fingerprintsBefore = await h.store.listFingerprints();
    const logLinesBefore = h.logger.lines.length;

    const response = await h.gql(dryRunQuery(row.mutation), { input: { account: ACCOUNT, dryRun: true, ...row.input } });
    const result = field(response, row.mutation);

    // Nothing but reads reached Cortex, and nothing changed there or in Patchbay's fingerprints.
    expect(sim.server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(sim.server.requests.length).toBeLessThanOrEqual(1);
    expect(sim.storedConfiguration()).toEqual(stateBefore);
    expect(await h.store.listFingerprints()).toEqual(fingerprintsBefore);
    // The tokens never come back, nor are logged.
    for (const token of [CANARY, OTHER_TOKEN]) {
      expect(response.raw).not.toContain(token);
      for (const line of h.logger.lines.slice(logLinesBefore)) expect(line).not.toContain(token);
    }

    expect(result['__typename'], response.raw).toBe(row.answer);
    if (row.answer !== 'WritePreview') return;
    expect(result).toMatchObject({ operation: row.mutation, account: ACCOUNT, vendorValidated: false, targetId: row.current === true ? ID : null });
    expect(result['changes']).toEqual(row.changes);
    const notes = result['notes'] as string[];
    expect(notes).toHaveLength(row.notes?.length ?? 0);
    for (const [index, pattern] of (row.notes ?? []).entries()) expect(notes[index]).toMatch(pattern);
    if (row.current === true) {
      expect(result['current']).toMatchObject({ __typename: 'CortexPagerDutyConfiguration', id: ID, token: { field: 'token', isSet: true } });
      expect(result['before']).toContainEqual({ path: 'token', value: null, secret: true, isSet: true });
    } else {
      expect(result['current']).toBeNull();
      expect(result['before']).toBeNull();
    }
    if (row.mutation === 'deleteCortexPagerDutyConfiguration') expect(result['after']).toBeNull();
    else expect(result['after']).toContainEqual({ path: 'token', value: null, secret: true, isSet: true });
    if (row.mutation === 'validateCortexPagerDutyConfiguration') expect(result['after']).toEqual(result['before']);

    const [audit] = await h.store.listAudit({ limit: 1, operation: row.mutation });
    expect(audit).toMatchObject({ account: ACCOUNT, outcome: 'PREVIEWED' });
  });

  it('writes nothing for an idempotency key given with dryRun, and the real write under it still runs once', async () => {
    const input = { account: ACCOUNT, token: OTHER_TOKEN, isTokenReadonly: false, idempotencyKey: 'cortex-dry-run-key' };
    const preview = field(await h.gql(dryRunQuery('replaceCortexPagerDutyConfiguration'), { input: { ...input, dryRun: true } }), 'replaceCortexPagerDutyConfiguration');
    expect(preview['__typename']).toBe('WritePreview');
    expect(sim.server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    const written = field(await h.gql(REPLACE, { input }), 'replaceCortexPagerDutyConfiguration');
    expect(written['__typename']).toBe('CortexPagerDutyConfigurationPayload');
    expect(sim.storedConfiguration()).toEqual({ token: OTHER_TOKEN, isTokenReadonly: false });
    expect(sim.server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('answers dryRun: false as the write itself', async () => {
    const written = field(await h.gql(REPLACE, { input: { account: ACCOUNT, token: OTHER_TOKEN, isTokenReadonly: true, dryRun: false } }), 'replaceCortexPagerDutyConfiguration');
    expect(written['__typename']).toBe('CortexPagerDutyConfigurationPayload');
    expect(sim.storedConfiguration()).toEqual({ token: OTHER_TOKEN, isTokenReadonly: true });
  });
});
