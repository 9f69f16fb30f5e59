import { builder } from '../../schema/builder.js';
import { ValidateCortexPagerDutyConfigurationInput, ValidateCortexPagerDutyConfigurationPayload } from '../../schema/cortex/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { requireAccount } from '../../src/app/lookup.js';
import { validateConfigurationPreview } from '../../src/vendors/cortex/preview.js';
import { cortexRuntime } from '../../src/vendors/cortex/runtime.js';

builder.mutationField('validateCortexPagerDutyConfiguration', (t) =>
  t.field({
    type: ValidateCortexPagerDutyConfigurationPayload,
    description: "Asks Cortex to try its stored PagerDuty token against PagerDuty. Changes nothing; a mutation because Cortex's endpoint is a POST that calls PagerDuty.",
    args: { input: t.arg({ type: ValidateCortexPagerDutyConfigurationInput, required: true, description: 'The workspace.' }) },
    errors: {
      types: [...WRITE_ERRORS],
      directResult: true,
      union: { name: 'ValidateCortexPagerDutyConfigurationResult', description: 'Cortex’s validation results, or why validation could not run.' },
    },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'validateCortexPagerDutyConfiguration',
          account: input.account,
          targetId: null,
          input,
          // The preview reads only: the validation is a POST that makes Cortex call PagerDuty.
          preview: () => validateConfigurationPreview(context, requireAccount(context, input.account, cortexRuntime).ref),
        },
        async () => {
          const { client } = requireAccount(context, input.account, cortexRuntime);
          return { results: await client.validateConfiguration(context.scope) };
        },
      ),
  }),
);
