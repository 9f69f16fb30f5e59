import { builder } from '../schema/builder.js';
import { AccountHealthRef } from '../schema/account-health.js';
import { VendorAccountRef } from '../schema/vendor-account.js';
import { vendorCalls } from '../schema/vendor-calls.js';

builder.objectField(VendorAccountRef, 'health', (t) =>
  t.field({
    type: AccountHealthRef,
    description: 'A live, typed health check of this account. Probes of all accounts run at once; each account is probed once per request.',
    // Under `accounts` it probes every account (once per request, however often it is selected).
    extensions: vendorCalls('perAccount'),
    resolve: (account, _, context) => context.accountHealth.load(account.key),
  }),
);
