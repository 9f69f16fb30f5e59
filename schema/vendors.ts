import type { ObjectRef } from '@pothos/core';
import type { ConnectionBase } from '../src/core/domain.js';
import type { PatchbayError } from '../src/core/errors.js';
import { builder } from './builder.js';
import { READ_ERRORS } from './errors.js';
import { setVendorTypes, type VendorTypes } from './vendor-types.js';

type Types = (typeof builder)['$inferSchemaTypes'];

/** How a vendor shows in the graph. */
export interface VendorGraphQL<Connection> {
  /** Its value of the `Vendor` enum, e.g. `MONGODB_CLOUD_MANAGER`. */
  readonly enumValue: string;
  /** The enum value's description. */
  readonly description: string;
  /** Its connections' object type: a member of `IntegrationConnection` implementing `VendorConnection`. */
  readonly member: ObjectRef<Types, Connection>;
}

/** What the graph needs of each registered vendor. */
export interface GraphVendor {
  /** The vendor's id (the `vendor` of its accounts and connections). */
  readonly id: string;
  readonly graphql: VendorGraphQL<ConnectionBase>;
}

/**
 * Defines the types made of the registered vendors. The composition root calls it once, with the
 * registry, before the schema is built; fields refer to the types through {@link vendorTypes},
 * whose field thunks only run while the schema is built.
 */
export function defineVendorTypes(vendors: readonly GraphVendor[]): VendorTypes {
  const typenameOf = (connection: ConnectionBase): string => {
    const vendor = vendors.find((candidate) => candidate.id === connection.account.vendor);
    if (!vendor) throw new Error(`no registered vendor has the id "${connection.account.vendor}"`);
    return vendor.graphql.member.name;
  };
  const members = vendors.map((vendor) => vendor.graphql.member);
  const vendor = builder.enumType('Vendor', {
    description: 'A vendor Patchbay federates.',
    values: Object.fromEntries(vendors.map((v) => [v.graphql.enumValue, { value: v.id, description: v.graphql.description }])),
  });
  const integrationConnection = builder.unionType('IntegrationConnection', {
    description: 'An integration connection kept by any vendor. Every member implements `VendorConnection`.',
    types: members,
    resolveType: typenameOf,
  });
  const connectionResult = builder.errorUnion('ConnectionResult', {
    description: 'A connection, or why it could not be read.',
    types: [...members, ...READ_ERRORS],
    // Errors are resolved by the plugin; what is left is a connection.
    resolveType: (value: ConnectionBase | PatchbayError) => ('account' in value ? typenameOf(value) : value.name),
  });
  const types = { vendor, integrationConnection, connectionResult };
  setVendorTypes(types);
  return types;
}
