import type { GatewayContext } from '../../app/context.js';
import { connectionGlobalId } from '../../app/connections.js';
import { noteSecretsWritten } from '../../app/custody.js';
import { settleUpdateByReadBack } from '../../app/settle.js';
import type { SecretWriter } from '../../app/vendor-runtime.js';
import { InputValidationError, SecretsRequiredError } from '../../core/errors.js';
import { readOf, type CortexClient } from './client.js';
import { buildConfigurationBody } from './input.js';
import { TOKEN_FIELD, type CortexPagerDutyConfiguration } from './map.js';
import { cortexConfigurationShown } from './read-back.js';
import type { CortexLoaders } from './runtime.js';

/**
 * The other secret fields set in `current` that a PUT writing `field` would unset. Cortex's
 * configuration holds one secret, the token, so a PUT that sends the token leaves nothing unset:
 * always empty today, but worked out from the hints, so a second secret Cortex may add is never
 * silently dropped.
 */
function requiredWith(current: CortexPagerDutyConfiguration, field: string): readonly string[] {
  return current.secrets.filter((hint) => hint.isSet && hint.field !== field).map((hint) => hint.field);
}

/**
 * Key custody for Cortex: the token is written by the configuration's own replace (PUT), which
 * sends the whole configuration: the new token and the read-only flag as it is now.
 * `loadersOf` is the runtime's `cortexLoaders` (passed in, so this file needs no import of the runtime).
 */
export function createCortexCustody(loadersOf: (context: GatewayContext) => CortexLoaders): SecretWriter<CortexClient, CortexPagerDutyConfiguration, string> {
  return {
    requiredWith,
    async rotate(context, entry, key, current, field, value, supplied) {
      if (field !== TOKEN_FIELD) throw InputValidationError.single(['field'], `names no secret of a Cortex PagerDuty configuration (its only one is \`${TOKEN_FIELD}\`)`);
      // Shared code asks `requiredWith` first; a PUT must still never unset a secret it was not given.
      const missing = requiredWith(current, field).filter((other) => !supplied.has(other));
      if (missing.length > 0) {
        throw new SecretsRequiredError(`Replacing Cortex's PagerDuty configuration would unset ${missing.join(', ')}: give their values too.`, missing);
      }
      // Everything else as it is now (the read-only flag), never a masked value read back.
      const built = buildConfigurationBody({ token: value, isTokenReadonly: current.isTokenReadonly });
      const { client } = entry;
      const loader = loadersOf(context).cortexPagerDutyConfiguration;
      try {
        const configuration = await settleUpdateByReadBack(
          () => client.replaceConfiguration(context.scope, built),
          () => client.findConfiguration(context.scope),
          (found) => cortexConfigurationShown(found, built),
        );
        loader.clear(key).prime(key, readOf(configuration));
        // A PUT replaces the whole configuration: no other fingerprint of it stays true.
        noteSecretsWritten(context, configuration, connectionGlobalId(entry.vendor, configuration), built.secrets, 'others');
        return configuration;
      } catch (error) {
        // Whatever happened, what this request cached about the workspace may be stale now.
        loader.clear(key);
        throw error;
      }
    },
  };
}
