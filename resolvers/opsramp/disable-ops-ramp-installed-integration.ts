import { builder } from '../../schema/builder.js';
import { accountOfGlobalId } from '../../src/app/lookup.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { OpsRampInstalledIntegrationIdInput, OpsRampIntegrationStatusPayload } from '../../schema/opsramp/mutations.js';
import { audited } from '../../src/app/audit.js';
import { previewOpsRampIntegrationEnabled, setOpsRampIntegrationEnabled } from '../../src/vendors/opsramp/status.js';

builder.mutationField('disableOpsRampInstalledIntegration', (t) =>
  t.field({
    type: OpsRampIntegrationStatusPayload,
    description: 'Disables an installed OpsRamp integration, then reads it back.',
    args: { input: t.arg({ type: OpsRampInstalledIntegrationIdInput, required: true, description: 'The integration.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'DisableOpsRampInstalledIntegrationResult', description: 'The disabled integration, or why it could not be disabled.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'disableOpsRampInstalledIntegration',
          account: accountOfGlobalId(context, input.id),
          targetId: input.id,
          input,
          preview: () => previewOpsRampIntegrationEnabled(context, 'disableOpsRampInstalledIntegration', input.id, false),
        },
        () => setOpsRampIntegrationEnabled(context, input.id, false),
      ),
  }),
);
