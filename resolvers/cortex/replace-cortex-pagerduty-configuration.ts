import { builder } from '../../schema/builder.js';
import { ReplaceCortexPagerDutyConfigurationInput, CortexPagerDutyConfigurationPayload } from '../../schema/cortex/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { settleUpdateByReadBack } from '../../src/app/settle.js';
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
true satisfies ReadsOnlyFieldsOf<CortexConfigurationInput, typeof ReplaceCortexPagerDutyConfigurationInput.$inferInput>;

builder.mutationField('replaceCortexPagerDutyConfiguration', (t) =>
  t.field({
    type: CortexPagerDutyConfigurationPayload,
    description: "Replaces a Cortex workspace's PagerDuty configuration (PUT) with a new token and read-only flag; the token must be given again, as Cortex never returns it.",
    args: { input: t.arg({ type: ReplaceCortexPagerDutyConfigurationInput, required: true, description: 'The workspace and the new PagerDuty token.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'ReplaceCortexPagerDutyConfigurationResult', description: 'The replaced configuration, or why it could not be replaced.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'replaceCortexPagerDutyConfiguration',
          account: input.account,
          targetId: null,
          input,
          preview: () => {
            const { ref } = requireAccount(context, input.account, cortexRuntime);
            return saveConfigurationPreview(context, 'replaceCortexPagerDutyConfiguration', ref, buildConfigurationBody(input));
          },
        },
        async () => {
          const { client, ref } = requireAccount(context, input.account, cortexRuntime);
          const built = buildConfigurationBody(input);
          // Natural key: the workspace. An unreadable 2xx or a lost answer is done only when it now holds what was sent.
          const configuration = await settleUpdateByReadBack(
            () => client.replaceConfiguration(context.scope, built),
            () => client.findConfiguration(context.scope),
            (found) => cortexConfigurationShown(found, built),
          );
          cortexLoaders(context).cortexPagerDutyConfiguration.clear(ref.key).prime(ref.key, readOf(configuration));
          // A PUT replaces the whole configuration: the token sent is its only secret now.
          noteSecretsWritten(context, configuration, connectionGlobalId(cortexRuntime, configuration), built.secrets, 'others');
          return { configuration };
        },
        (payload) => connectionGlobalId(cortexRuntime, payload.configuration),
      ),
  }),
);
