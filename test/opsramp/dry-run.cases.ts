/**
 * Every OpsRamp mutation: each has a row in ./dry-run.test.ts proving that `dryRun: true` answers a
 * `WritePreview`, sends no write to OpsRamp and lists exactly the changes the write would make.
 */
export const DRY_RUN_MUTATIONS: readonly string[] = [
  'installOpsRampIntegration',
  'updateOpsRampInstalledIntegration',
  'uninstallOpsRampIntegration',
  'enableOpsRampInstalledIntegration',
  'disableOpsRampInstalledIntegration',
];
