import { builder } from '../../schema/builder.js';
import { AppKeyRegistrationPayload, DatadogAppKeyInput } from '../../schema/datadog/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { requireAccount } from '../../src/app/lookup.js';
import { foundOrNull } from '../../src/core/errors.js';
import { checkUuid } from '../../src/vendors/datadog/input.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';

builder.mutationField('registerDatadogAppKey', (t) =>
  t.field({
    type: AppKeyRegistrationPayload,
    description: 'Registers an application key for Actions; Datadog refuses connection calls made with unregistered keys.',
    args: { input: t.arg({ type: DatadogAppKeyInput, required: true, description: 'The key to register.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'RegisterDatadogAppKeyResult', description: 'The registration, or why the key could not be registered.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'registerDatadogAppKey',
          account: input.account,
          targetId: input.appKeyId,
          input,
          // The registration now (read, or none) and the one the write would leave; nothing is sent but the GET.
          preview: async () => {
            const { client } = requireAccount(context, input.account, datadogRuntime);
            checkUuid(input.appKeyId, ['appKeyId']);
            const before = await foundOrNull(() => client.getAppKeyRegistration(context.scope, input.appKeyId));
            return {
              operation: 'registerDatadogAppKey',
              account: input.account,
              targetId: input.appKeyId,
              before,
              after: before ?? { appKeyId: input.appKeyId, type: 'app_key_registration' },
              vendorValidated: false,
              notes: [before === null ? 'The key would be registered for Actions.' : 'The key is registered already: registering it again changes nothing.'],
            };
          },
        },
        async () => {
          const { client } = requireAccount(context, input.account, datadogRuntime);
          checkUuid(input.appKeyId, ['appKeyId']);
          return { registration: await client.registerAppKey(context.scope, input.appKeyId) };
        },
      ),
  }),
);
