import { builder } from '../builder.js';
import { idempotencyKeyField } from '../idempotency.js';
import type { CortexPagerDutyConfiguration, CortexPagerDutyValidation } from '../../src/vendors/cortex/map.js';
import { CortexPagerDutyConfigurationRef, CortexPagerDutyConfigurationValidationType } from './pagerduty-configuration.js';

const accountArg = { description: 'The Cortex account (workspace), by its config key.' } as const;
const tokenArg = { description: 'The PagerDuty REST API token. Write-only: it is sent to Cortex and never returned.' } as const;
const readonlyArg = { description: 'Whether the token is a read-only PagerDuty API key.' } as const;
const dryRunArg = { defaultValue: false, description: 'Answer a WritePreview of what the write would do, and write nothing.' } as const;

export const AddCortexPagerDutyConfigurationInput = builder.inputType('AddCortexPagerDutyConfigurationInput', {
  description: "Sets up a Cortex workspace's PagerDuty integration.",
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ ...dryRunArg }),
    account: t.string({ required: true, ...accountArg }),
    token: t.string({ required: true, ...tokenArg }),
    isTokenReadonly: t.boolean({ required: true, ...readonlyArg }),
  }),
});

export const ReplaceCortexPagerDutyConfigurationInput = builder.inputType('ReplaceCortexPagerDutyConfigurationInput', {
  description: "Replaces a Cortex workspace's PagerDuty configuration as a whole (Cortex needs the token again).",
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ ...dryRunArg }),
    account: t.string({ required: true, ...accountArg }),
    token: t.string({ required: true, ...tokenArg }),
    isTokenReadonly: t.boolean({ required: true, ...readonlyArg }),
  }),
});

export const ValidateCortexPagerDutyConfigurationInput = builder.inputType('ValidateCortexPagerDutyConfigurationInput', {
  description: 'Names the Cortex workspace whose PagerDuty configuration to validate.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ ...dryRunArg }),
    account: t.string({ required: true, ...accountArg }),
  }),
});

export const DeleteCortexPagerDutyConfigurationInput = builder.inputType('DeleteCortexPagerDutyConfigurationInput', {
  description: 'Names the Cortex workspace whose PagerDuty configuration to delete.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ ...dryRunArg }),
    account: t.string({ required: true, ...accountArg }),
  }),
});

export const CortexPagerDutyConfigurationPayload = builder.objectRef<{ configuration: CortexPagerDutyConfiguration }>('CortexPagerDutyConfigurationPayload').implement({
  description: 'The PagerDuty configuration as Cortex holds it after the change.',
  fields: (t) => ({
    configuration: t.field({ type: CortexPagerDutyConfigurationRef, description: 'The configuration.', resolve: (p) => p.configuration }),
  }),
});

export const ValidateCortexPagerDutyConfigurationPayload = builder.objectRef<{ results: readonly CortexPagerDutyValidation[] }>('ValidateCortexPagerDutyConfigurationPayload').implement({
  description: 'What Cortex reported when it tried the stored configuration against PagerDuty. Nothing was changed.',
  fields: (t) => ({
    results: t.field({
      type: [CortexPagerDutyConfigurationValidationType],
      description: 'One result per configuration Cortex checked (one for PagerDuty).',
      resolve: (p) => [...p.results],
    }),
  }),
});
