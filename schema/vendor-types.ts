import type { EnumRef, UnionRef } from '@pothos/core';
import type { ConnectionBase } from '../src/core/domain.js';
import type { PatchbayError } from '../src/core/errors.js';
import type { builder } from './builder.js';

type Types = (typeof builder)['$inferSchemaTypes'];

/** The types whose members are the registered vendors. */
export interface VendorTypes {
  /** `enum Vendor`: one value per registered vendor. */
  readonly vendor: EnumRef<Types, string, string>;
  /** `union IntegrationConnection`: every vendor's connection type. */
  readonly integrationConnection: UnionRef<Types, ConnectionBase, ConnectionBase>;
  /** `union ConnectionResult`: a connection, or why it could not be read. */
  readonly connectionResult: UnionRef<Types, ConnectionBase | PatchbayError, ConnectionBase | PatchbayError>;
}

let defined: VendorTypes | null = null;

/** Records the types `defineVendorTypes` (./vendors.ts) made; once per process. */
export function setVendorTypes(types: VendorTypes): void {
  if (defined) throw new Error('the vendor types are already defined: the schema is built once per process');
  defined = types;
}

/**
 * The types made of the registered vendors (`Vendor`, `IntegrationConnection`,
 * `ConnectionResult`). Only to be called from field thunks, which run while the schema is built,
 * after the composition root has defined them from the registry.
 */
export function vendorTypes(): VendorTypes {
  if (!defined) throw new Error('the vendor types are defined when the schema is built (defineVendorTypes)');
  return defined;
}
