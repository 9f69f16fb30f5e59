/**
 * Every mutation of the Datadog vendor: `dry-run.test.ts` has at least one row for each, and
 * checks that this list is exactly the schema's Datadog mutations.
 */
export const DRY_RUN_MUTATIONS: readonly string[] = [
  'createDatadogActionConnection',
  'updateDatadogActionConnection',
  'deleteDatadogActionConnection',
  'trackDatadogActionConnection',
  'untrackDatadogActionConnection',
  'registerDatadogAppKey',
  'unregisterDatadogAppKey',
];
