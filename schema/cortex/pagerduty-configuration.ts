import { builder } from '../builder.js';
import { connectionInnerId } from '../../src/app/connections.js';
import { NotFoundError } from '../../src/core/errors.js';
import { splitInnerId } from '../../src/core/ids.js';
import { loadOnce } from '../../src/app/loaders/index.js';
import type { CortexPagerDutyConfiguration, CortexPagerDutyValidation } from '../../src/vendors/cortex/map.js';
import { SecretHintType } from '../secret-hint.js';
import { VendorConnectionInterface } from '../vendor-connection.js';

export const CortexPagerDutyConfigurationRef = builder.objectRef<CortexPagerDutyConfiguration>('CortexPagerDutyConfiguration');

/** The key of a Cortex configuration inside its global id: the account alone (one per workspace). */
export function parseCortexConfigurationId(inner: string): { account: string } | null {
  const parts = splitInnerId(inner, 1);
  return parts ? { account: parts[0] as string } : null;
}

builder.node(CortexPagerDutyConfigurationRef, {
  description:
    "A Cortex workspace's PagerDuty integration: the PagerDuty API token Cortex uses to read services, on-call schedules and incidents. Cortex keeps one per workspace.",
  interfaces: [VendorConnectionInterface],
  isTypeOf: (value) => (value as { kind?: unknown }).kind === 'cortex',
  id: { resolve: (c) => connectionInnerId(c) },
  loadOne: async (inner, context) => {
    const key = parseCortexConfigurationId(inner);
    if (!key || !context.accounts.ofVendor(key.account, 'cortex')) return null;
    try {
      return await loadOnce(context.loaders.cortexPagerDutyConfiguration, key.account);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  },
  fields: (t) => ({
    isTokenReadonly: t.exposeBoolean('isTokenReadonly', { description: 'Whether the token is a read-only PagerDuty API key.' }),
    token: t.field({
      type: SecretHintType,
      description: 'The PagerDuty API token. Write-only: Cortex shows its last four characters, and so does Patchbay.',
      resolve: (c) => c.token,
    }),
  }),
});

export const CortexPagerDutyConfigurationValidationType = builder
  .objectRef<CortexPagerDutyValidation>('CortexPagerDutyConfigurationValidation')
  .implement({
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
