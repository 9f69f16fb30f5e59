import { builder } from '../../schema/builder.js';
import { accountOfGlobalId } from '../../src/app/lookup.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { OpsRampInstalledIntegrationIdInput, OpsRampIntegrationStatusPayload } from '../../schema/opsramp/mutations.js';
import { audited } from '../../src/app/audit.js';
import { previewOpsRampIntegrationEnabled, setOpsRampIntegrationEnabled } from '../../src/vendors/opsramp/status.js';

builder.mutationField('enableOpsRampInstalledIntegration', (t) =>
  t.field({
    type: OpsRampIntegrationStatusPayload,
    description: 'Enables an installed OpsRamp integration, then reads it back.',
    args: { input: t.arg({ type: OpsRampInstalledIntegrationIdInput, required: true, description: 'The integration.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'EnableOpsRampInstalledIntegrationResult', description: 'The enabled integration, or why it could not be enabled.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'enableOpsRampInstalledIntegration',
          account: accountOfGlobalId(context, input.id),
          targetId: input.id,
          input,
          preview: () => previewOpsRampIntegrationEnabled(context, 'enableOpsRampInstalledIntegration', input.id, true),
        },
        () => setOpsRampIntegrationEnabled(context, input.id, true),
      ),
  }),
);
