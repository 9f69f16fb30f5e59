import { builder } from '../src/builder.js';
import { accountOfGlobalId } from '../src/lookup.js';
import { WRITE_ERRORS } from '../schema/errors.js';
import { requireOpsRampIntegration } from '../schema/opsramp/installed-integration.js';
import { OpsRampInstalledIntegrationIdInput, OpsRampIntegrationStatusPayload, type OpsRampStatusChange } from '../schema/opsramp/mutations.js';
import { audited } from '../src/audit.js';
import { PatchbayError } from '../src/errors.js';

builder.mutationField('enableOpsRampInstalledIntegration', (t) =>
  t.field({
    type: OpsRampIntegrationStatusPayload,
    description: 'Enables an installed OpsRamp integration, then reads it back.',
    args: { input: t.arg({ type: OpsRampInstalledIntegrationIdInput, required: true, description: 'The integration.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'EnableOpsRampInstalledIntegrationResult', description: 'The enabled integration, or why it could not be enabled.' } },
    resolve: (_, { input }, context) =>
      audited(context, { operation: 'enableOpsRampInstalledIntegration', account: accountOfGlobalId(context, input.id), targetId: input.id, input }, async (): Promise<OpsRampStatusChange> => {
        const { entry, installedId } = requireOpsRampIntegration(context, input.id);
        await entry.client.enable(context.scope, installedId);
        const key = { account: entry.ref.key, installedId };
        context.loaders.opsRampInstalledIntegration.clear(key);
        context.loaders.opsRampInstalledIntegrations.clear(entry.ref.key);
        try {
          const integration = await entry.client.get(context.scope, installedId);
          context.loaders.opsRampInstalledIntegration.prime(key, integration);
          return { id: input.id, enabled: true, integration };
        } catch (error) {
          // The integration is enabled either way; a failed read-back must not report the change as failed.
          if (error instanceof PatchbayError) {
            context.logger.warn('OpsRamp integration enabled but not read back', { account: entry.ref.key, reason: error.name });
            return { id: input.id, enabled: true, integration: null };
          }
          throw error;
        }
      }),
  }),
);
