import { builder } from '../../schema/builder.js';
import { AppKeyUnregisteredPayload, DatadogAppKeyInput } from '../../schema/datadog/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { confirmDelete, stillThere } from '../../src/app/settle.js';
import { requireAccount } from '../../src/app/lookup.js';
import { checkUuid } from '../../src/vendors/datadog/input.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';

builder.mutationField('unregisterDatadogAppKey', (t) =>
  t.field({
    type: AppKeyUnregisteredPayload,
    description: 'Unregisters an application key for Actions.',
    args: { input: t.arg({ type: DatadogAppKeyInput, required: true, description: 'The key to unregister.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'UnregisterDatadogAppKeyResult', description: 'The unregistered key id, or why it could not be unregistered.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'unregisterDatadogAppKey',
          account: input.account,
          targetId: input.appKeyId,
          input,
          // The registration as Datadog holds it (NotFoundError, as the write answers, when there is none); nothing is sent but the GET.
          preview: async () => {
            const { client } = requireAccount(context, input.account, datadogRuntime);
            checkUuid(input.appKeyId, ['appKeyId']);
            const before = await client.getAppKeyRegistration(context.scope, input.appKeyId);
            return {
              operation: 'unregisterDatadogAppKey',
              account: input.account,
              targetId: input.appKeyId,
              before,
              after: null,
              vendorValidated: false,
              notes: ['The key would no longer be registered for Actions.'],
            };
          },
        },
        async () => {
          const { client } = requireAccount(context, input.account, datadogRuntime);
          checkUuid(input.appKeyId, ['appKeyId']);
          const { alreadyGone } = await confirmDelete(
            () => client.unregisterAppKey(context.scope, input.appKeyId),
            () => stillThere(() => client.getAppKeyRegistration(context.scope, input.appKeyId)),
          );
          return { appKeyId: input.appKeyId, alreadyGone };
        },
      ),
  }),
);
