import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_QUERY } from '../../src/server/yoga.js';
import { startFleet, type Fleet } from '../inventory/support.js';

/** The GraphQL examples of the README run against the demo and answer without errors. */
let fleet: Fleet;
let examples: string[];

beforeAll(async () => {
  fleet = await startFleet();
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
});
afterAll(async () => {
  await fleet.close();
});

describe('README examples', () => {
  it('there are examples to run', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it('each runs against the demo accounts without errors, and so does the query GraphiQL opens with', async () => {
    for (const example of [...examples, FIRST_QUERY]) {
      const result = await fleet.h.gql(example);
      expect(result.errors, example).toBeUndefined();
      expect(JSON.stringify(result.data)).not.toContain('"__typename":"InputValidationError"');
    }
  });
});
