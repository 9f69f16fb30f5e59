import type { StoredConfiguration } from './state.js';

/**
 * Demo state of the Cortex simulator: the workspace's PagerDuty integration, set up with a
 * read-only general-access PagerDuty REST API key (Cortex only reads services, schedules and
 * incidents, so a read-only key is the usual choice). The key is made up; it has the 20
 * characters of a real one.
 */
export const CORTEX_SEED_CONFIGURATION: StoredConfiguration = {
  token: 'Kq7sD2xRb3W9mTz4pYc8',
  isTokenReadonly: true,
};

/** A fresh copy of the seeded configuration. */
export function cortexSeedConfiguration(): StoredConfiguration {
  return { ...CORTEX_SEED_CONFIGURATION };
}
