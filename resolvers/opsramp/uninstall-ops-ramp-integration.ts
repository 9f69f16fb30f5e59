import { builder } from '../../schema/builder.js';
import { accountOfGlobalId } from '../../src/app/lookup.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { requireOpsRampIntegration } from '../../src/vendors/opsramp/status.js';
import { OpsRampUninstalledIntegrationPayload, UninstallOpsRampIntegrationInput } from '../../schema/opsramp/mutations.js';
import { audited } from '../../src/app/audit.js';
import { noteConnectionGone, storedFingerprints } from '../../src/app/custody.js';
import { confirmDelete, stillThere } from '../../src/app/settle.js';
import { checkUninstallReason } from '../../src/vendors/opsramp/input.js';
import { OPSRAMP_NOT_VALIDATED } from '../../src/vendors/opsramp/preview.js';
import { opsRampLoaders, opsRampRuntime } from '../../src/vendors/opsramp/runtime.js';

builder.mutationField('uninstallOpsRampIntegration', (t) =>
  t.field({
    type: OpsRampUninstalledIntegrationPayload,
    description: 'Uninstalls an OpsRamp integration (DELETE with the reason OpsRamp requires in its body).',
    args: { input: t.arg({ type: UninstallOpsRampIntegrationInput, required: true, description: 'The integration and the reason.' }) },
    errors: {
      types: [...WRITE_ERRORS],
      directResult: true,
      union: { name: 'UninstallOpsRampIntegrationResult', description: "The uninstalled integration's id, or why it could not be uninstalled." },
    },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'uninstallOpsRampIntegration',
          account: accountOfGlobalId(context, input.id),
          targetId: input.id,
          input,
          preview: async () => {
            const { entry, installedId } = requireOpsRampIntegration(context, input.id);
            checkUninstallReason(input.reason);
            const current = await opsRampRuntime.read(context, entry, { account: entry.ref.key, installedId });
            return {
              operation: 'uninstallOpsRampIntegration',
              account: entry.ref.key,
              targetId: input.id,
              current,
              after: null,
              // Uninstalled, it holds no secret any more.
              unset: 'others',
              fingerprints: await storedFingerprints(context, input.id),
              vendorValidated: false,
              notes: [OPSRAMP_NOT_VALIDATED, 'Third parties calling OpsRamp with this integration’s inbound credentials are refused once it is uninstalled.'],
            };
          },
        },
        async () => {
          const { entry, installedId } = requireOpsRampIntegration(context, input.id);
          const reason = checkUninstallReason(input.reason);
          try {
            const { alreadyGone } = await confirmDelete(
              () => entry.client.uninstall(context.scope, installedId, reason),
              () => stillThere(() => entry.client.get(context.scope, installedId)),
            );
            noteConnectionGone(input.id);
            return { uninstalledId: input.id, alreadyGone };
          } finally {
            opsRampLoaders(context).opsRampInstalledIntegration.clear({ account: entry.ref.key, installedId });
            opsRampLoaders(context).opsRampInstalledIntegrations.clear(entry.ref.key);
          }
        },
      ),
  }),
);
