import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CANARY, DRY_RUN_CASES, DRY_RUN_MUTATIONS, OTHER_KEY, PASSWORD_CANARY, WRITTEN_NAME, WRITTEN_TARGET, type DryRunCase } from './dry-run.cases.js';
import { CREATE, DELETE, UPDATE, csId, field, requestsSince, startRig, type Rig } from './support.js';

/*
 * `dryRun: true` on every Chronosphere mutation answers a `WritePreview` and writes nothing:
 * create and replace are validated by Chronosphere's own `dry_run` (the only write requests sent,
 * each carrying it), a delete only reads. Proven by the simulator's request and write logs and
 * its state, and the change list is exactly the expected one.
 */

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ sim: { now: () => new Date('2026-07-01T10:00:00Z') } });
});
beforeEach(() => {
  rig.sim.server.reset();
});
afterAll(async () => {
  await rig.close();
});

const DOCUMENTS: Readonly<Record<string, string>> = {
  createChronosphereExternalConnection: CREATE,
  updateChronosphereExternalConnection: UPDATE,
  deleteChronosphereExternalConnection: DELETE,
};

/** Writes the canaries into `slug` through Patchbay, so their fingerprints are stored. */
async function writeThroughPatchbay(slug: string): Promise<void> {
  const created = field(await rig.h.gql(CREATE, { input: { account: 'cs', slug, name: WRITTEN_NAME, target: WRITTEN_TARGET } }), 'createChronosphereExternalConnection');
  expect(created['__typename']).toBe('ChronosphereExternalConnectionPayload');
}

/** Everything the simulator holds, secrets included (to prove a preview changed nothing). */
function vendorState(): unknown {
  return rig.sim.slugs().map((slug) => rig.sim.stored(slug));
}

describe('dryRun on every Chronosphere mutation', () => {
  it('covers every mutation with a row, and every row names one of them', () => {
    expect(new Set(DRY_RUN_CASES.map((c) => c.mutation))).toEqual(new Set(DRY_RUN_MUTATIONS));
    expect(Object.keys(DOCUMENTS).sort()).toEqual([...DRY_RUN_MUTATIONS].sort());
  });

  it.each(DRY_RUN_CASES)('$mutation: $name', async (c: DryRunCase) => {
    if (c.given === 'written') await writeThroughPatchbay(c.slug);
    const id = csId('cs', c.slug);
    const state = vendorState();
    const fingerprints = await rig.h.store.listFingerprints([id]);
    const from = rig.sim.server.requests.length;
    const writesFrom = rig.sim.writes().length;
    const logFrom = rig.h.logger.lines.length;

    const result = await rig.h.gql(DOCUMENTS[c.mutation] ?? '', { input: { ...c.input(c.slug, id), dryRun: true } });
    const preview = field(result, c.mutation);

    expect(preview).toMatchObject({ __typename: 'WritePreview', operation: c.mutation, account: 'cs', vendorValidated: c.vendorValidated, targetId: c.existing ? id : null });
    expect(preview['changes']).toEqual(c.changes);
    expect(preview['current']).toEqual(c.existing ? { __typename: 'ChronosphereExternalConnection', slug: c.slug, name: WRITTEN_NAME } : null);
    // No write reached Chronosphere: only GETs, and writes that asked it to validate only.
    const writes = rig.sim.writes().slice(writesFrom);
    expect(writes.every((w) => w.dryRun)).toBe(true);
    expect(writes.length).toBe(c.vendorValidated ? 1 : 0);
    expect(
      requestsSince(rig.sim, from)
        .filter((r) => r.method !== 'GET')
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual(writes.map((w) => `${w.method} ${w.path}`));
    expect(vendorState()).toEqual(state);
    // Nor did Patchbay's store change, but for the audit row of the preview.
    expect(await rig.h.store.listFingerprints([id])).toEqual(fingerprints);
    const [row] = await rig.h.store.listAudit({ operation: c.mutation, limit: 1 });
    expect(row?.outcome).toBe('PREVIEWED');
    // The canaries never come back, nor are logged.
    for (const value of [CANARY, PASSWORD_CANARY, OTHER_KEY]) {
      expect(result.raw).not.toContain(value);
      expect(rig.h.logger.lines.slice(logFrom).join('\n')).not.toContain(value);
      expect(JSON.stringify(row)).not.toContain(value);
    }
  });

  it('refuses bad input with InputValidationError before any call', async () => {
    const from = rig.sim.server.requests.length;
    const result = field(
      await rig.h.gql(CREATE, { input: { account: 'cs', slug: 'dry-bad', name: 'Bad', target: { cloudflare: { apiToken: 'no-prefix' } }, dryRun: true } }),
      'createChronosphereExternalConnection',
    );
    expect(result['__typename']).toBe('InputValidationError');
    expect(requestsSince(rig.sim, from)).toEqual([]);
  });

  it('answers the usual NotFoundError for a replace or delete of a connection that does not exist', async () => {
    const update = field(
      await rig.h.gql(UPDATE, { input: { account: 'cs', slug: 'dry-absent', name: 'x', target: { sendgrid: { apiKey: 'SG.x' } }, dryRun: true } }),
      'updateChronosphereExternalConnection',
    );
    const remove = field(await rig.h.gql(DELETE, { input: { id: csId('cs', 'dry-absent'), dryRun: true } }), 'deleteChronosphereExternalConnection');
    expect([update['__typename'], remove['__typename']]).toEqual(['NotFoundError', 'NotFoundError']);
    expect(rig.sim.writes()).toEqual([]);
  });

  it("answers what Chronosphere's own validation refuses, as the write would", async () => {
    await writeThroughPatchbay('dry-conflict');
    const result = field(
      await rig.h.gql(CREATE, { input: { account: 'cs', slug: 'dry-conflict', name: 'Again', target: { sendgrid: { apiKey: 'SG.again' } }, dryRun: true } }),
      'createChronosphereExternalConnection',
    );
    expect(result).toMatchObject({ __typename: 'ConflictError', httpStatus: 409 });
    expect(rig.sim.writes().filter((w) => !w.dryRun)).toHaveLength(1);
  });
});
