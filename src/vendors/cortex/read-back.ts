import { hintShows } from '../../core/domain.js';
import type { BuiltConfiguration } from './input.js';
import type { CortexPagerDutyConfiguration } from './map.js';

/**
 * Whether the workspace's configuration read back shows the one that was sent (for
 * `settleByReadBack` and `settleUpdateByReadBack`): the same read-only flag, and Cortex's
 * `lastFour` of the token matching the token sent.
 */
export function cortexConfigurationShown(found: CortexPagerDutyConfiguration, built: BuiltConfiguration): boolean {
  return found.isTokenReadonly === built.body.isTokenReadonly && hintShows(found.token, built.body.token) && found.token.lastFour !== null;
}
