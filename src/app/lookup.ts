import type { AccountEntry } from './accounts.js';
import type { GatewayContext } from './context.js';
import { InputValidationError, NotFoundError } from '../core/errors.js';
import { decodeGlobalId, splitInnerId } from '../core/ids.js';
import type { VendorId } from '../core/vendor.js';
import { VENDOR_NAMES } from '../core/vendor.js';

/** The configured account `key` of `vendor`, or an input error naming the field. */
export function requireAccount<V extends VendorId>(context: GatewayContext, key: string, vendor: V, path: readonly string[] = ['account']): Extract<AccountEntry, { vendor: V }> {
  const entry = context.accounts.ofVendor(key, vendor);
  if (!entry) throw InputValidationError.single(path, `no ${VENDOR_NAMES[vendor]} account "${key}" is configured`);
  return entry;
}

/**
 * Decodes a global id that must be of `typename` and name a configured account of `vendor`;
 * returns the account entry and the vendor key parts. Anything else is `NotFoundError`.
 */
export function requireObjectId<V extends VendorId>(
  context: GatewayContext,
  globalId: string,
  typename: string,
  vendor: V,
  keyParts: number,
  accept: (keyParts: readonly string[]) => boolean = () => true,
): { entry: Extract<AccountEntry, { vendor: V }>; parts: string[] } {
  const decoded = decodeGlobalId(globalId);
  const parts = decoded.typename === typename ? splitInnerId(decoded.id, keyParts + 1) : null;
  const entry = parts ? context.accounts.ofVendor(parts[0] as string, vendor) : undefined;
  if (!parts || !entry || !accept(parts.slice(1))) throw new NotFoundError(`No ${typename} has the id "${globalId}".`, globalId);
  return { entry, parts: parts.slice(1) };
}

/** The configured account a global id names, for the audit log; null when it names none. */
export function accountOfGlobalId(context: GatewayContext, globalId: string): string | null {
  const decoded = decodeGlobalId(globalId);
  const account = decoded.id.split('/')[0];
  if (account === undefined) return null;
  try {
    const key = decodeURIComponent(account);
    return context.accounts.get(key) ? key : null;
  } catch {
    return null;
  }
}
