import { builder } from './builder.js';
import type { ConnectionBase } from '../src/core/domain.js';
import { ConnectedServiceEnum, VendorEnum } from './enums.js';
import { SecretHintType } from './secret-hint.js';
import { VendorAccountRef } from './vendor-account.js';

/** The fields every connection shares, whatever its vendor. */
export const VendorConnectionInterface = builder.interfaceRef<ConnectionBase>('VendorConnection').implement({
  description: 'What every integration connection has in common, whatever vendor keeps it.',
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    vendor: t.field({ type: VendorEnum, description: 'The vendor that keeps this connection.', resolve: (c) => c.account.vendor }),
    account: t.field({ type: VendorAccountRef, description: 'The configured account it was read through.', resolve: (c) => c.account }),
    name: t.exposeString('name', { description: 'Its name at the vendor.' }),
    service: t.field({ type: ConnectedServiceEnum, description: 'What it connects to, normalised across vendors.', resolve: (c) => c.service }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was created, if the vendor says.', resolve: (c) => c.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it last changed, if the vendor says.', resolve: (c) => c.updatedAt }),
    secrets: t.field({ type: [SecretHintType], description: 'Hints about its secrets; the values themselves are write-only.', resolve: (c) => [...c.secrets] }),
  }),
});
