import { builder } from '../schema/builder.js';
import { SecretUsageFilterInput, SecretUsagesType } from '../schema/custody.js';
import { vendorCalls } from '../schema/vendor-calls.js';
import { findSecretUsages } from '../src/app/secret-usages.js';

builder.queryField('secretUsages', (t) =>
  t.field({
    type: SecretUsagesType,
    description:
      'Where is this key used? Every secret field of the connections the caller may read, grouped by the secret they hold (by Patchbay’s fingerprints, and by the vendors’ last-four hints for copies set outside Patchbay), or matched against a secret value given in the filter.',
    extensions: vendorCalls('perAccount'),
    args: { filter: t.arg({ type: SecretUsageFilterInput, description: 'Narrows the list, or gives a value to look up.' }) },
    resolve: (_, args, context) => findSecretUsages(context, args.filter ?? {}),
  }),
);
