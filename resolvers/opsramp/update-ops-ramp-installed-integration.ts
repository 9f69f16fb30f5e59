import { builder } from '../../schema/builder.js';
import { accountOfGlobalId } from '../../src/app/lookup.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { requireOpsRampIntegration } from '../../src/vendors/opsramp/status.js';
import { OpsRampInstalledIntegrationPayload, UpdateOpsRampInstalledIntegrationInput } from '../../schema/opsramp/mutations.js';
import { audited } from '../../src/app/audit.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten, storedFingerprints } from '../../src/app/custody.js';
import { settleUpdateByReadBack } from '../../src/app/settle.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildUpdateBody, type OpsRampUpdateInput } from '../../src/vendors/opsramp/input.js';
import { opsRampUpdateShown } from '../../src/vendors/opsramp/read-back.js';
import { predictedUpdate, unsetByUpdate, updateNotes } from '../../src/vendors/opsramp/preview.js';
import { opsRampLoaders, opsRampRuntime } from '../../src/vendors/opsramp/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<OpsRampUpdateInput, typeof UpdateOpsRampInstalledIntegrationInput.$inferInput>;

builder.mutationField('updateOpsRampInstalledIntegration', (t) =>
  t.field({
    type: OpsRampInstalledIntegrationPayload,
    description:
      'Changes an installed OpsRamp integration (POST with a partial body). A notifier given here replaces the current one and must carry its secrets; Patchbay never re-sends a value it read.',
    args: { input: t.arg({ type: UpdateOpsRampInstalledIntegrationInput, required: true, description: 'The changes.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'UpdateOpsRampInstalledIntegrationResult', description: 'The changed integration, or why it could not be changed.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'updateOpsRampInstalledIntegration',
          account: accountOfGlobalId(context, input.id),
          targetId: input.id,
          input,
          preview: async () => {
            const { entry, installedId } = requireOpsRampIntegration(context, input.id);
            const built = buildUpdateBody(input);
            const current = await opsRampRuntime.read(context, entry, { account: entry.ref.key, installedId });
            return {
              operation: 'updateOpsRampInstalledIntegration',
              account: entry.ref.key,
              targetId: input.id,
              current,
              after: predictedUpdate(current, built.body),
              secrets: built.secrets ?? new Map<string, string>(),
              unset: unsetByUpdate(current, built.body, built.secrets),
              fingerprints: await storedFingerprints(context, input.id),
              vendorValidated: false,
              notes: updateNotes(current, built.body),
            };
          },
        },
        async () => {
          const { entry, installedId } = requireOpsRampIntegration(context, input.id);
          const built = buildUpdateBody(input);
          // An unreadable 2xx or a lost answer: read it back by id; done only when it shows what was sent.
          const integration = await settleUpdateByReadBack(
            () => entry.client.update(context.scope, installedId, built),
            () => entry.client.get(context.scope, installedId),
            (found) => opsRampUpdateShown(found, built.body),
          );
          // A notifier sent replaces the current one whole, and it holds every secret Patchbay can write here.
          if (built.body.outboundConfig?.baseNotifier !== undefined) noteSecretsWritten(context, integration, connectionGlobalId(opsRampRuntime, integration), built.secrets, 'others');
          const key = { account: entry.ref.key, installedId };
          opsRampLoaders(context).opsRampInstalledIntegration.clear(key).prime(key, integration);
          opsRampLoaders(context).opsRampInstalledIntegrations.clear(entry.ref.key);
          return { integration };
        },
      ),
  }),
);
