import { builder } from './builder.js';
import type { GatewayContext } from '../src/app/context.js';
import { connectionInnerId, isConnectionOf } from '../src/app/connections.js';
import { readByInnerId } from '../src/app/lookup.js';
import type { ConnectionOf, VendorRuntime } from '../src/app/vendor-runtime.js';
import type { ConnectionBase } from '../src/core/domain.js';
import { ConnectedServiceEnum } from './enums.js';
import { vendorTypes } from './vendor-types.js';
import { SecretHintType } from './secret-hint.js';
import { VendorAccountRef } from './vendor-account.js';

/** The fields every connection shares, whatever its vendor. */
export const VendorConnectionInterface = builder.interfaceRef<ConnectionBase>('VendorConnection').implement({
  description: 'What every integration connection has in common, whatever vendor keeps it.',
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    vendor: t.field({ type: vendorTypes().vendor, description: 'The vendor that keeps this connection.', resolve: (c) => c.account.vendor }),
    account: t.field({ type: VendorAccountRef, description: 'The configured account it was read through.', resolve: (c) => c.account }),
    name: t.exposeString('name', { description: 'Its name at the vendor.' }),
    service: t.field({ type: ConnectedServiceEnum, description: 'What it connects to, normalised across vendors.', resolve: (c) => c.service }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was created, if the vendor says.', resolve: (c) => c.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it last changed, if the vendor says.', resolve: (c) => c.updatedAt }),
    secrets: t.field({ type: [SecretHintType], description: 'Hints about its secrets; the values themselves are write-only.', resolve: (c) => [...c.secrets] }),
  }),
});

/**
 * What makes a vendor's connection type a node: it implements `VendorConnection`, its id is the
 * vendor's global id, and `node(id)` reads it through the vendor's module (null when the id names
 * nothing of this vendor's). Spread into `builder.node` by every vendor's connection type.
 */
export function connectionNode<R extends VendorRuntime>(vendor: R, idDescription?: string) {
  return {
    interfaces: [VendorConnectionInterface],
    isTypeOf: (value: unknown) => isConnectionOf(vendor, value),
    id: { ...(idDescription === undefined ? {} : { description: idDescription }), resolve: (connection: ConnectionBase) => connectionInnerId(vendor, connection) },
    loadOne: (inner: string, context: GatewayContext): Promise<ConnectionOf<R> | null> => readByInnerId(context, vendor, inner),
  };
}
