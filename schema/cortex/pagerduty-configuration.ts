import { builder } from '../builder.js';
import type { CortexPagerDutyConfiguration, CortexPagerDutyValidation } from '../../src/vendors/cortex/map.js';
import { SecretHintType } from '../secret-hint.js';
import { connectionNode } from '../vendor-connection.js';
import { cortexRuntime } from '../../src/vendors/cortex/runtime.js';

export const CortexPagerDutyConfigurationRef = builder.objectRef<CortexPagerDutyConfiguration>(cortexRuntime.ids.typename);

builder.node(CortexPagerDutyConfigurationRef, {
  description: "A Cortex workspace's PagerDuty integration: the PagerDuty API token Cortex uses to read services, on-call schedules and incidents. Cortex keeps one per workspace.",
  ...connectionNode(cortexRuntime),
  fields: (t) => ({
    isTokenReadonly: t.exposeBoolean('isTokenReadonly', { description: 'Whether the token is a read-only PagerDuty API key.' }),
    token: t.field({
      type: SecretHintType,
      description: 'The PagerDuty API token. Write-only: Cortex shows its last four characters, and so does Patchbay.',
      resolve: (c) => c.token,
    }),
  }),
});

export const CortexPagerDutyConfigurationValidationType = builder.objectRef<CortexPagerDutyValidation>('CortexPagerDutyConfigurationValidation').implement({
  description: 'What Cortex found when it tried the stored PagerDuty token against PagerDuty.',
  fields: (t) => ({
    alias: t.exposeString('alias', {
      nullable: true,
      description: 'The configuration Cortex checked, in its generic validation shape; PagerDuty has a single configuration, so Cortex may leave it empty.',
    }),
    isValid: t.exposeBoolean('isValid', { description: 'Whether PagerDuty accepted the token.' }),
    message: t.exposeString('message', { nullable: true, description: "Cortex's explanation, usually present when the token is not valid." }),
  }),
});
