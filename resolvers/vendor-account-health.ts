import { builder } from '../schema/builder.js';
import { AccountHealthRef } from '../schema/account-health.js';
import { VendorAccountRef } from '../schema/vendor-account.js';

builder.objectField(VendorAccountRef, 'health', (t) =>
  t.field({
    type: AccountHealthRef,
    description: 'A live, typed health check of this account. Probes of all accounts run at once; each account is probed once per request.',
    resolve: (account, _, context) => context.accountHealth.load(account.key),
  }),
);
