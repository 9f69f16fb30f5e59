/**
 * How many vendor calls a field may start, for the operation cost limit that runs before
 * execution (src/server/operation-limits.ts). A root field costs 1 unless it says otherwise (every
 * root field may call a vendor, and each alias is one more call); a nested field costs nothing
 * unless it says so. `perAccount` is a field that asks every configured account. An `[ID!]`
 * argument multiplies the field's cost by the number of ids given (`nodes(ids:)`).
 */
export type VendorCalls = number | 'perAccount';

const EXTENSION = 'vendorCalls';

/** Field `extensions` that declare the field's fan-out, e.g. `extensions: vendorCalls('perAccount')`. */
export function vendorCalls(calls: VendorCalls): Readonly<Record<typeof EXTENSION, VendorCalls>> {
  return { [EXTENSION]: calls };
}

/** The fan-out a field's `extensions` declare, or undefined when they say nothing. */
export function declaredVendorCalls(extensions: Readonly<Record<string, unknown>>): VendorCalls | undefined {
  const value = extensions[EXTENSION];
  if (value === 'perAccount') return value;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
