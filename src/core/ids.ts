/**
 * Relay global ids. A global id is base64url(`<GraphQL type>:<inner>`); the inner part of a
 * vendor object is its account key followed by the vendor's own key parts, each URI-encoded and
 * joined with `/`, so no part can be confused with another.
 */
export interface DecodedGlobalId {
  readonly typename: string;
  readonly id: string;
}

/** Sentinel typename for ids that are not ours: lookups answer "not found", never a crash. */
export const INVALID_TYPENAME = '__invalid__';

export function encodeGlobalId(typename: string, inner: string): string {
  return Buffer.from(`${typename}:${inner}`, 'utf8').toString('base64url');
}

export function decodeGlobalId(globalId: string): DecodedGlobalId {
  if (!/^[A-Za-z0-9_-]{4,2048}$/.test(globalId)) return { typename: INVALID_TYPENAME, id: globalId };
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || !/^[A-Z][A-Za-z0-9]*$/.test(text.slice(0, colon))) return { typename: INVALID_TYPENAME, id: globalId };
  return { typename: text.slice(0, colon), id: text.slice(colon + 1) };
}

/** Joins an account key and the vendor's key parts into the inner part of a global id. */
export function innerId(account: string, ...parts: readonly string[]): string {
  return [account, ...parts].map(encodeURIComponent).join('/');
}

/** Splits an inner id into exactly `count` parts (account first), or null when malformed. */
export function splitInnerId(inner: string, count: number): string[] | null {
  const parts = inner.split('/');
  if (parts.length !== count) return null;
  try {
    const decoded = parts.map(decodeURIComponent);
    return decoded.every((part) => part.length > 0) ? decoded : null;
  } catch {
    return null;
  }
}
