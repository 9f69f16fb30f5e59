import type { ConnectionBase } from '../core/domain.js';
import { encodeGlobalId, innerId } from '../core/ids.js';
import type { AccountRegistry } from './accounts.js';
import type { VendorRuntime } from './vendor-runtime.js';

/** The module of `connection`'s vendor (the one that read it). */
export function vendorOf(accounts: AccountRegistry, connection: ConnectionBase): VendorRuntime {
  const vendor = accounts.vendors.find((candidate) => candidate.id === connection.account.vendor);
  // A connection is only ever made by a registered module, from one of its accounts.
  if (!vendor) throw new Error(`no vendor module "${connection.account.vendor}" is registered`);
  return vendor;
}

/** The inner part of a connection's global id: its account, then the vendor's own key. */
export function connectionInnerId(vendor: VendorRuntime, connection: ConnectionBase): string {
  return innerId(connection.account.key, ...vendor.ids.keyOf(connection));
}

/** A connection's Relay global id: its vendor's GraphQL type and its inner id. */
export function connectionGlobalId(vendor: VendorRuntime, connection: ConnectionBase): string {
  return encodeGlobalId(vendor.ids.typename, connectionInnerId(vendor, connection));
}

/** Whether `value` is a connection `vendor` read (for GraphQL `isTypeOf`). */
export function isConnectionOf(vendor: VendorRuntime, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || !('account' in value)) return false;
  const account: unknown = value.account;
  return typeof account === 'object' && account !== null && 'vendor' in account && account.vendor === vendor.id;
}
