import { InputValidationError } from './errors.js';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

/** Checks `first`: a page larger than the cap is refused, never silently cut. */
export function pageSize(first: number | null | undefined, path: readonly string[] = ['first']): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw InputValidationError.single(path, `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Sort key of a list item: name, then global id, so every item has one place. */
export type SortKey = readonly [name: string, id: string];

export function compareKeys(a: SortKey, b: SortKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/** Keyset cursors: a cursor names the last item seen, so pages stay exact while items change. */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, path: readonly string[] = ['after']): SortKey {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw InputValidationError.single(path, 'is not a cursor this list produced');
}
