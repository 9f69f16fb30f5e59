import { builder } from '../schema/builder.js';
import { VendorAccountRef } from '../schema/vendor-account.js';
import { vendorCalls } from '../schema/vendor-calls.js';

builder.queryField('accounts', (t) =>
  t.field({
    type: [VendorAccountRef],
    description: 'The configured vendor accounts, in config order.',
    // Read from the config; `health` below them is what calls vendors.
    extensions: vendorCalls(0),
    resolve: (_, __, context) => context.accounts.entries.map((entry) => entry.ref),
  }),
);
