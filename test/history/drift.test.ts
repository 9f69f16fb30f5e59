import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONGODB_DEMO_GROUP_IDS } from '../../src/simulators/mongodb/seed.js';
import { CHRONOSPHERE_SEED_SLUGS } from '../../src/simulators/chronosphere/seed.js';
import { buildConfigurationBody } from '../../src/vendors/cortex/input.js';
import { buildIntegrationBody, type MongoDbIntegrationInput } from '../../src/vendors/mongodb/input.js';
import type { CortexClient } from '../../src/vendors/cortex/client.js';
import type { MongoDbClient } from '../../src/vendors/mongodb/client.js';
import type { ChronosphereClient } from '../../src/vendors/chronosphere/client.js';
import type { DatadogClient } from '../../src/vendors/datadog/client.js';
import type { OpsRampClient } from '../../src/vendors/opsramp/client.js';
import type { CallScope } from '../../src/core/http/vendor-http.js';
import { startFleet, type Fleet } from '../inventory/support.js';

/*
 * Drift: a change made at a vendor's own HTTP API (through its client, bypassing Patchbay's
 * GraphQL, audit and store) shows as an OUTSIDE_PATCHBAY change after one scan, for every vendor;
 * a write through Patchbay shows once, with its caller, and a scan does not report it again.
 */

const NEW_CORTEX_TOKEN = 'cx-canary-Drift-7e3d9a1f55';
const NEW_PD_KEY = 'pd-canary-Drift-2b8c4e6f0a9d';
const SCAN = `mutation($account: String!) { scanAccount(input: { account: $account }) {
  __typename ... on Error { message }
  ... on ScanAccountPayload { skipped error { __typename message } changes { id connectionId kind actor seen name fields { path kind secret before after } } }
} }`;
const CHANGES = `query($filter: ConnectionChangeFilter, $first: Int, $after: String) { changes(filter: $filter, first: $first, after: $after) {
  __typename ... on Error { message }
  ... on ConnectionChangePage { pageInfo { hasNextPage endCursor } nodes { id connectionId account kind actor seen name fields { path kind secret before after } } }
} }`;

interface Change {
  id: string;
  connectionId: string;
  account?: string;
  kind: string;
  actor: string;
  seen: string;
  name: string;
  fields: { path: string; kind: string; secret: boolean; before: string | null; after: string | null }[];
}

let fleet: Fleet;
const responses: string[] = [];
const scope: CallScope = { deadline: Date.now() + 60_000 };

async function gql(query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fleet.h.gql(query, variables);
  responses.push(response.raw);
  expect(response.errors).toBeUndefined();
  return response.data ?? {};
}

async function scan(account: string): Promise<Change[]> {
  const data = (await gql(SCAN, { account })) as { scanAccount: { __typename: string; error: unknown; changes: Change[] } };
  expect(data.scanAccount.__typename).toBe('ScanAccountPayload');
  expect(data.scanAccount.error).toBeNull();
  return data.scanAccount.changes;
}

function accountOf(vendor: string): string {
  const account = fleet.accounts.find((a) => a.vendor === vendor);
  if (!account) throw new Error(`no ${vendor} account`);
  return account.id;
}

function clientOf<C>(vendor: string): C {
  const entry = fleet.h.runtime.deps.accounts.get(accountOf(vendor));
  if (!entry) throw new Error(`no ${vendor} entry`);
  return entry.client as C;
}

beforeAll(async () => {
  fleet = await startFleet();
  // The first scan of each account takes its baseline: nothing already there is reported as new.
  for (const account of fleet.accounts) expect(await scan(account.id)).toEqual([]);
}, 60_000);

afterAll(async () => {
  await fleet?.close();
});

describe('drift scans', () => {
  it('with dryRun says what a scan would record, and records nothing', async () => {
    const account = accountOf('chronosphere');
    const slug = CHRONOSPHERE_SEED_SLUGS.webhookBridge;
    await clientOf<ChronosphereClient>('chronosphere').deleteConnection(scope, slug);
    const before = await fleet.store.listChanges({ limit: 1000 });
    const runsBefore = await fleet.store.listScanRuns(account);
    const preview = await gql(`mutation($account: String!) { scanAccount(input: { account: $account, dryRun: true }) { __typename ... on WritePreview { notes changes { path kind } } } }`, {
      account,
    });
    const answer = preview['scanAccount'] as { __typename: string; notes: string[]; changes: { path: string; kind: string }[] };
    expect(answer.__typename).toBe('WritePreview');
    expect(answer.notes).toEqual([expect.stringMatching(/: DELETED/)]);
    expect(answer.changes.length).toBeGreaterThan(0);
    expect(answer.changes.every((change) => change.kind === 'REMOVED')).toBe(true);
    // Nothing recorded: no change, no scan run, and the real scan still finds it.
    expect(await fleet.store.listChanges({ limit: 1000 })).toEqual(before);
    expect(await fleet.store.listScanRuns(account)).toEqual(runsBefore);
    expect((await scan(account)).map((c) => c.kind)).toEqual(['DELETED']);
  });

  it('records a change made at each vendor directly as OUTSIDE_PATCHBAY after one scan', async () => {
    const datadog = clientOf<DatadogClient>('datadog');
    const [tracked] = await fleet.store.listTrackedDatadogConnections(accountOf('datadog'));
    if (!tracked) throw new Error('the demo tracks Datadog connections');
    await datadog.deleteConnection(scope, tracked.connectionId);

    // A connection no notification policy uses (Chronosphere refuses to delete one in use).
    const slug = CHRONOSPHERE_SEED_SLUGS.webhookStatuspage;
    await clientOf<ChronosphereClient>('chronosphere').deleteConnection(scope, slug);

    await clientOf<CortexClient>('cortex').replaceConfiguration(scope, buildConfigurationBody({ token: NEW_CORTEX_TOKEN, isTokenReadonly: true }));

    const pagerDuty = { pagerDuty: { serviceKey: NEW_PD_KEY } } as unknown as MongoDbIntegrationInput;
    await clientOf<MongoDbClient>('mongodb').upsertIntegration(scope, MONGODB_DEMO_GROUP_IDS.paymentsProd, buildIntegrationBody(pagerDuty));

    const opsramp = clientOf<OpsRampClient>('opsramp');
    const page = await opsramp.searchInstalled(scope);
    const installed = page.items.find((item) => item.status === 'ENABLED');
    if (!installed) throw new Error('the demo has an enabled OpsRamp integration');
    await opsramp.disable(scope, installed.installedId);

    const found = new Map<string, Change[]>();
    for (const vendor of ['datadog', 'chronosphere', 'cortex', 'mongodb', 'opsramp']) found.set(vendor, await scan(accountOf(vendor)));

    for (const changes of found.values()) {
      expect(changes.length).toBeGreaterThan(0);
      for (const change of changes) expect(change).toMatchObject({ actor: 'OUTSIDE_PATCHBAY', seen: 'SCAN' });
    }
    expect(found.get('datadog')?.map((c) => c.kind)).toEqual(['DELETED']);
    expect(found.get('chronosphere')?.map((c) => c.kind)).toEqual(['DELETED']);
    // Cortex and Cloud Manager show the key's last four: a key replaced at the vendor is a secret change, with no value.
    expect(found.get('cortex')).toEqual([expect.objectContaining({ kind: 'SECRET_CHANGED', fields: [{ path: 'token', kind: 'CHANGED', secret: true, before: null, after: null }] })]);
    expect(found.get('mongodb')).toEqual([
      expect.objectContaining({ kind: 'SECRET_CHANGED', fields: [expect.objectContaining({ path: 'serviceKey', kind: 'CHANGED', secret: true, before: null, after: null })] }),
    ]);
    const ops = found.get('opsramp') ?? [];
    expect(ops.map((c) => c.kind)).toEqual(['UPDATED']);
    expect(ops[0]?.fields.some((f) => f.path === 'status' && f.after === '"DISABLED"')).toBe(true);

    // A second scan finds nothing new.
    for (const vendor of found.keys()) expect(await scan(accountOf(vendor))).toEqual([]);

    // The deleted Chronosphere connection's history stays readable by its id.
    const deletedId = found.get('chronosphere')?.[0]?.connectionId;
    const history = (await gql(CHANGES, { filter: { connectionIds: [deletedId] } })) as { changes: { nodes: Change[] } };
    expect(history.changes.nodes.map((c) => c.kind)).toEqual(['DELETED']);
  });

  it('records a write through Patchbay once, with its caller, and a scan does not report it again', async () => {
    const account = accountOf('cortex');
    const replaced = await gql(`mutation($input: ReplaceCortexPagerDutyConfigurationInput!) { replaceCortexPagerDutyConfiguration(input: $input) { __typename ... on Error { message } } }`, {
      input: { account, token: 'cx-canary-Through-Patchbay-91c2', isTokenReadonly: false },
    });
    expect(replaced).toMatchObject({ replaceCortexPagerDutyConfiguration: { __typename: expect.not.stringMatching(/Error/) } });
    expect(await scan(account)).toEqual([]);
    const data = (await gql(CHANGES, { filter: { accounts: [account] } })) as { changes: { nodes: Change[] } };
    const [latest, previous] = data.changes.nodes;
    expect(latest).toMatchObject({ actor: 'anonymous', seen: 'WRITE', kind: 'UPDATED' });
    expect(latest?.fields).toEqual(
      expect.arrayContaining([
        { path: 'isTokenReadonly', kind: 'CHANGED', secret: false, before: 'true', after: 'false' },
        { path: 'token', kind: 'CHANGED', secret: true, before: null, after: null },
      ]),
    );
    expect(previous).toMatchObject({ actor: 'OUTSIDE_PATCHBAY', kind: 'SECRET_CHANGED' });
    // Filtered by actor: the write only.
    const mine = (await gql(CHANGES, { filter: { actors: ['anonymous'] } })) as { changes: { nodes: Change[] } };
    expect(mine.changes.nodes.map((c) => c.kind)).toEqual(['UPDATED']);
  });

  it('keeps no secret value anywhere: not in answers, logs or the store', async () => {
    const stored = JSON.stringify([await fleet.store.listChanges({ limit: 1000 }), await fleet.store.listSnapshots({})]);
    for (const secret of [NEW_CORTEX_TOKEN, NEW_PD_KEY, 'cx-canary-Through-Patchbay-91c2']) {
      expect(stored).not.toContain(secret);
      for (const raw of responses) expect(raw).not.toContain(secret);
      for (const line of fleet.h.logger.lines) expect(line).not.toContain(secret);
    }
  });

  it('pages the change log newest first', async () => {
    const first = (await gql(CHANGES, { first: 2 })) as { changes: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Change[] } };
    expect(first.changes.nodes).toHaveLength(2);
    expect(first.changes.pageInfo.hasNextPage).toBe(true);
    const rest = (await gql(CHANGES, { first: 100, after: first.changes.pageInfo.endCursor })) as { changes: { nodes: Change[] } };
    const ids = [...first.changes.nodes, ...rest.changes.nodes].map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe((await fleet.store.listChanges({ limit: 1000 })).length);
  });
});
