import { builder } from '../../schema/builder.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { InstallOpsRampIntegrationInput, OpsRampInstalledIntegrationPayload } from '../../schema/opsramp/mutations.js';
import { audited } from '../../src/app/audit.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten } from '../../src/app/custody.js';
import { requireAccount } from '../../src/app/lookup.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildInstallBody, type OpsRampInstallInput } from '../../src/vendors/opsramp/input.js';
import { OPSRAMP_NOT_VALIDATED, predictedInstall } from '../../src/vendors/opsramp/preview.js';
import { opsRampRuntime, opsRampLoaders } from '../../src/vendors/opsramp/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<OpsRampInstallInput, typeof InstallOpsRampIntegrationInput.$inferInput>;

builder.mutationField('installOpsRampIntegration', (t) =>
  t.field({
    type: OpsRampInstalledIntegrationPayload,
    description:
      'Installs an integration from the OpsRamp catalogue in the account’s tenant. OpsRamp generates the inbound token or key pair; only hints of them are returned. An integration that allows one installation and is already installed is a `ConflictError`.',
    args: { input: t.arg({ type: InstallOpsRampIntegrationInput, required: true, description: 'What to install.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'InstallOpsRampIntegrationResult', description: 'The installed integration, or why it could not be installed.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'installOpsRampIntegration',
          account: input.account,
          targetId: null,
          input,
          preview: async () => {
            const { client, ref } = requireAccount(context, input.account, opsRampRuntime);
            const { integrationId, built } = buildInstallBody(input);
            return {
              operation: 'installOpsRampIntegration',
              account: input.account,
              targetId: null,
              current: null,
              after: predictedInstall(ref, client.tenantId, integrationId, built.body),
              secrets: built.secrets ?? new Map<string, string>(),
              vendorValidated: false,
              notes: [
                OPSRAMP_NOT_VALIDATED,
                'OpsRamp assigns the installed id and generates the inbound credentials (webhook token or key pair) when it installs; they are not part of this prediction.',
              ],
            };
          },
        },
        async () => {
          const { client } = requireAccount(context, input.account, opsRampRuntime);
          const { integrationId, built } = buildInstallBody(input);
          const integration = await client.install(context.scope, integrationId, built);
          noteSecretsWritten(context, integration, connectionGlobalId(opsRampRuntime, integration), built.secrets);
          const key = { account: input.account, installedId: integration.installedId };
          opsRampLoaders(context).opsRampInstalledIntegration.clear(key).prime(key, integration);
          opsRampLoaders(context).opsRampInstalledIntegrations.clear(input.account);
          return { integration };
        },
        (payload) => connectionGlobalId(opsRampRuntime, payload.integration),
      ),
  }),
);
