import type { AccountEntry, ClientOf } from './accounts.js';
import type { GatewayContext } from './context.js';
import type { ConnectionOf, KeyOf, VendorRuntime } from './vendor-runtime.js';
import { foundOrNull, InputValidationError, NotFoundError } from '../core/errors.js';
import { decodeGlobalId, splitInnerId } from '../core/ids.js';

/** The configured account `key` of `vendor`, or an input error naming the field. */
export function requireAccount<R extends VendorRuntime>(context: GatewayContext, key: string, vendor: R, path: readonly string[] = ['account']): AccountEntry<ClientOf<R>> {
  const entry = context.accounts.ofVendor(key, vendor);
  if (!entry) throw InputValidationError.single(path, `no ${vendor.name} account "${key}" is configured`);
  return entry;
}

/** What a connection's global id names: its vendor's account entry and the vendor's read key. */
export interface ConnectionTarget<Client, Key> {
  readonly entry: AccountEntry<Client>;
  readonly key: Key;
}

/** The read key behind the inner part of one of `vendor`'s global ids; null when it names none. */
export function parseInnerId<R extends VendorRuntime>(context: GatewayContext, vendor: R, inner: string): ConnectionTarget<ClientOf<R>, KeyOf<R>> | null {
  const parts = splitInnerId(inner, vendor.ids.keyParts + 1);
  if (!parts) return null;
  const [account, ...keyParts] = parts as [string, ...string[]];
  const entry = context.accounts.ofVendor(account, vendor);
  if (!entry) return null;
  // `vendor.ids.parse` returns `vendor`'s own key type.
  const key = vendor.ids.parse(keyParts, entry) as KeyOf<R> | null;
  return key === null ? null : { entry, key };
}

/**
 * Decodes a global id that must name one of `vendor`'s connections in a configured account.
 * Anything else (malformed, another type, an unknown account, a foreign key) is `NotFoundError`.
 */
export function requireConnectionId<R extends VendorRuntime>(context: GatewayContext, vendor: R, globalId: string): ConnectionTarget<ClientOf<R>, KeyOf<R>> {
  const decoded = decodeGlobalId(globalId);
  const target = decoded.typename === vendor.ids.typename ? parseInnerId(context, vendor, decoded.id) : null;
  if (!target) throw new NotFoundError(`No ${vendor.ids.typename} has the id "${globalId}".`, globalId);
  return target;
}

/**
 * Reads the connection an inner id names through its vendor's loaders; null when the id names
 * none of a configured account's connections. The vendor's own "not found" is thrown as it came
 * (its code tells a missing project from a missing integration), like every other failure.
 */
export async function readInnerId<R extends VendorRuntime>(context: GatewayContext, vendor: R, inner: string): Promise<ConnectionOf<R> | null> {
  const target = parseInnerId(context, vendor, inner);
  if (!target) return null;
  // `vendor.read` answers `vendor`'s own connection type.
  return (await vendor.read(context, target.entry, target.key)) as ConnectionOf<R>;
}

/** {@link readInnerId} for Relay `node`: the vendor having no such connection is null too. */
export async function readByInnerId<R extends VendorRuntime>(context: GatewayContext, vendor: R, inner: string): Promise<ConnectionOf<R> | null> {
  return foundOrNull(() => readInnerId(context, vendor, inner));
}

/**
 * The configured account a global id names, for the audit log and the rights check; null when it
 * names none. It looks among every configured account, so that a write to an account the caller
 * may not see is refused as forbidden (and recorded against that account).
 */
export function accountOfGlobalId(context: GatewayContext, globalId: string): string | null {
  const decoded = decodeGlobalId(globalId);
  const account = decoded.id.split('/')[0];
  if (account === undefined) return null;
  try {
    const key = decodeURIComponent(account);
    return context.deps.accounts.get(key) ? key : null;
  } catch {
    return null;
  }
}
