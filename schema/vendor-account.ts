import { builder } from './builder.js';
import type { AccountRef } from '../src/core/domain.js';
import { urlHint } from '../src/core/domain.js';
import { vendorTypes } from './vendor-types.js';

export const VendorAccountRef = builder.objectRef<AccountRef>('VendorAccount');

builder.node(VendorAccountRef, {
  description: 'One configured vendor account. Its credentials never leave the gateway.',
  id: { resolve: (account) => account.key },
  loadOne: (key, context) => context.accounts.get(key)?.ref ?? null,
  fields: (t) => ({
    key: t.exposeString('key', { description: "The account's id in the config file; mutations name accounts by it." }),
    vendor: t.field({ type: vendorTypes().vendor, description: 'The vendor.', resolve: (account) => account.vendor }),
    displayName: t.exposeString('displayName', { description: 'A name for people (defaults to the key).' }),
    baseUrl: t.string({
      description: "The vendor API's base URL this account talks to, as a hint: scheme, host and port, then `/…` when a path follows (a path may carry a tenant token).",
      resolve: (account) => urlHint(account.baseUrl) ?? '…',
    }),
  }),
});
