import { builder } from '../schema/builder.js';
import { VendorAccountRef } from '../schema/vendor-account.js';

builder.queryField('accounts', (t) =>
  t.field({
    type: [VendorAccountRef],
    description: 'The configured vendor accounts, in config order.',
    resolve: (_, __, context) => context.accounts.entries.map((entry) => entry.ref),
  }),
);
