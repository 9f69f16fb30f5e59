import { readBackShows } from '../../core/domain.js';
import type { BuiltIntegration } from './input.js';
import type { MongoDbIntegration } from './map.js';

/**
 * Whether the project's integration of the type read back shows the one that was sent (for
 * `settleUpdateByReadBack`): every setting sent, non-secret values equal and each secret's hint
 * (Cloud Manager masks them, e.g. `******7890`) showing the same last characters where it shows any.
 */
export function mongoDbIntegrationShown(found: MongoDbIntegration, built: BuiltIntegration): boolean {
  return found.type === built.type && readBackShows(built.body, found.settings);
}
