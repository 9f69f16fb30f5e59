import { getNamedType, isInputObjectType, isUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { audited } from '../../src/app/audit.js';
import { createRequestContext } from '../../src/app/context.js';
import { ANONYMOUS } from '../../src/core/auth/authenticator.js';
import { startHarness } from '../support/harness.js';
import { buildSchema } from '../../src/server/schema.js';
import { DRY_RUN_MUTATIONS as CHRONOSPHERE } from '../chronosphere/dry-run.cases.js';
import { DRY_RUN_MUTATIONS as CORTEX } from '../cortex/dry-run.cases.js';
import { DRY_RUN_MUTATIONS as DATADOG } from '../datadog/dry-run.cases.js';
import { DRY_RUN_MUTATIONS as MONGODB } from '../mongodb/dry-run.cases.js';
import { DRY_RUN_MUTATIONS as OPSRAMP } from '../opsramp/dry-run.cases.js';

/*
 * `dryRun` on every mutation. Each vendor's table (test/<vendor>/dry-run.test.ts) runs every one of
 * its mutations with `dryRun: true` against its simulator and checks zero writes and the change
 * list; this test proves the tables together cover the whole schema, so a mutation added without
 * a preview (or without a row in its vendor's table) fails here.
 */

/** Mutations outside the vendors' tables, and the test that runs their dry run. */
const SHARED: Readonly<Record<string, string>> = {
  dismissUnconfirmedWrite: 'test/datadog/unconfirmed-writes.test.ts',
  rotateSecret: 'test/custody/custody.test.ts',
  resumeSecretRotation: 'test/custody/resume.test.ts',
  scanAccount: 'test/history/drift.test.ts',
};
/** The rotation mutations answer a `SecretRotation` with `dryRun: true` (per-target changes) rather than one `WritePreview`. */
const ROTATIONS = new Set(['rotateSecret', 'resumeSecretRotation']);

describe('dryRun on every mutation', () => {
  const schema = buildSchema();
  const fields = Object.values(schema.getMutationType()?.getFields() ?? {});

  it('the vendor tables and the shared tests cover every mutation of the schema, each once', () => {
    const covered = [...CHRONOSPHERE, ...CORTEX, ...DATADOG, ...MONGODB, ...OPSRAMP, ...Object.keys(SHARED)];
    expect(new Set(covered).size).toBe(covered.length);
    expect([...covered].sort()).toEqual(fields.map((field) => field.name).sort());
  });

  it('every mutation takes dryRun (default false) in its input and answers WritePreview among its results', () => {
    for (const field of fields) {
      const input = field.args.find((arg) => arg.name === 'input');
      const inputType = input ? getNamedType(input.type) : null;
      expect(isInputObjectType(inputType), field.name).toBe(true);
      if (!isInputObjectType(inputType)) continue;
      const dryRun = inputType.getFields()['dryRun'];
      expect(dryRun?.type.toString(), field.name).toBe('Boolean');
      expect(dryRun?.defaultValue, field.name).toBe(false);
      const result = getNamedType(field.type);
      if (ROTATIONS.has(field.name)) {
        expect(isUnionType(result) && result.getTypes().some((type) => type.name === 'SecretRotation'), field.name).toBe(true);
        continue;
      }
      expect(isUnionType(result) ? result.getTypes().map((type) => type.name) : [], field.name).toContain('WritePreview');
    }
  });
});

describe('a dry run the mechanism cannot preview', () => {
  it('never falls through to the write: audited refuses a dryRun without a preview', async () => {
    const h = await startHarness({ accounts: [] });
    try {
      const context = createRequestContext(h.runtime.deps, undefined, ANONYMOUS);
      let wrote = false;
      const run = audited(context, { operation: 'previewlessWrite', account: null, targetId: null, input: { dryRun: true } }, async () => {
        wrote = true;
        return 'written';
      });
      await expect(run).rejects.toThrow(/describes no preview/);
      expect(wrote).toBe(false);
    } finally {
      await h.close();
    }
  });
});
