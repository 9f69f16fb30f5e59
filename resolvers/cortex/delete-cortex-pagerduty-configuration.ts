import { builder } from '../../schema/builder.js';
import { DeleteCortexPagerDutyConfigurationInput } from '../../schema/cortex/mutations.js';
import { DeletedPayload } from '../../schema/deleted-payload.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { confirmDelete } from '../../src/app/settle.js';
import { noteConnectionGone } from '../../src/app/custody.js';
import { requireAccount } from '../../src/app/lookup.js';
import { configurationGlobalId, deleteConfigurationPreview } from '../../src/vendors/cortex/preview.js';
import { cortexRuntime, cortexLoaders } from '../../src/vendors/cortex/runtime.js';

builder.mutationField('deleteCortexPagerDutyConfiguration', (t) =>
  t.field({
    type: DeletedPayload,
    description: "Removes a Cortex workspace's PagerDuty integration. `NotFoundError` when it has none.",
    args: { input: t.arg({ type: DeleteCortexPagerDutyConfigurationInput, required: true, description: 'The workspace.' }) },
    errors: {
      types: [...WRITE_ERRORS],
      directResult: true,
      union: { name: 'DeleteCortexPagerDutyConfigurationResult', description: 'The deleted configuration’s id, or why it could not be deleted.' },
    },
    resolve: (_, { input }, context) => {
      // The configuration's global id follows from the account alone (one per workspace).
      const globalId = configurationGlobalId(input.account);
      const preview = () => deleteConfigurationPreview(context, requireAccount(context, input.account, cortexRuntime).ref);
      return audited(context, { operation: 'deleteCortexPagerDutyConfiguration', account: input.account, targetId: globalId, input, preview }, async () => {
        const { client, ref } = requireAccount(context, input.account, cortexRuntime);
        try {
          const { alreadyGone } = await confirmDelete(
            () => client.deleteConfiguration(context.scope),
            async () => (await client.findConfiguration(context.scope)) !== null,
          );
          // Gone either way: its fingerprints go with it.
          noteConnectionGone(globalId);
          return { deletedId: globalId, alreadyGone };
        } finally {
          // Whatever the answer, what this request cached about the workspace may be stale now.
          cortexLoaders(context).cortexPagerDutyConfiguration.clear(ref.key);
        }
      });
    },
  }),
);
