import { builder } from '../../schema/builder.js';
import { AddCortexPagerDutyConfigurationInput, CortexPagerDutyConfigurationPayload } from '../../schema/cortex/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited, readBackRecovery } from '../../src/app/audit.js';
import { settleByReadBack } from '../../src/app/settle.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten } from '../../src/app/custody.js';
import { requireAccount } from '../../src/app/lookup.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { readOf } from '../../src/vendors/cortex/client.js';
import { buildConfigurationBody, type CortexConfigurationInput } from '../../src/vendors/cortex/input.js';
import { saveConfigurationPreview } from '../../src/vendors/cortex/preview.js';
import { cortexConfigurationShown } from '../../src/vendors/cortex/read-back.js';
import { cortexRuntime, cortexLoaders } from '../../src/vendors/cortex/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<CortexConfigurationInput, typeof AddCortexPagerDutyConfigurationInput.$inferInput>;

builder.mutationField('addCortexPagerDutyConfiguration', (t) =>
  t.field({
    type: CortexPagerDutyConfigurationPayload,
    description: "Sets up a Cortex workspace's PagerDuty integration (POST). Cortex keeps one per workspace: when one exists, use `replaceCortexPagerDutyConfiguration`.",
    args: { input: t.arg({ type: AddCortexPagerDutyConfigurationInput, required: true, description: 'The workspace and the PagerDuty token.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'AddCortexPagerDutyConfigurationResult', description: 'The added configuration, or why it could not be added.' } },
    resolve: (_, { input }, context) => {
      // Natural key: the workspace. Settled when it now holds a configuration like the one sent.
      const readBack = async () => {
        const { client } = requireAccount(context, input.account, cortexRuntime);
        const found = await client.findConfiguration(context.scope);
        return found && cortexConfigurationShown(found, buildConfigurationBody(input)) ? found : null;
      };
      const payload = (configuration: NonNullable<Awaited<ReturnType<typeof readBack>>>) => {
        const { ref } = requireAccount(context, input.account, cortexRuntime);
        cortexLoaders(context).cortexPagerDutyConfiguration.clear(ref.key).prime(ref.key, readOf(configuration));
        return { configuration };
      };
      return audited(
        context,
        {
          operation: 'addCortexPagerDutyConfiguration',
          account: input.account,
          targetId: null,
          input,
          // A run that stopped mid-way is settled by the same read-back (never a second add).
          recovery: readBackRecovery(readBack, payload),
          preview: () => {
            const { ref } = requireAccount(context, input.account, cortexRuntime);
            return saveConfigurationPreview(context, 'addCortexPagerDutyConfiguration', ref, buildConfigurationBody(input));
          },
        },
        async () => {
          const { client } = requireAccount(context, input.account, cortexRuntime);
          const built = buildConfigurationBody(input);
          const result = payload(await settleByReadBack(() => client.addConfiguration(context.scope, built), readBack));
          // The POST sends the whole configuration: the token sent is its only secret now.
          noteSecretsWritten(context, result.configuration, connectionGlobalId(cortexRuntime, result.configuration), built.secrets, 'others');
          return result;
        },
        (result) => connectionGlobalId(cortexRuntime, result.configuration),
      );
    },
  }),
);
