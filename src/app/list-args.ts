import { InputValidationError } from '../core/errors.js';
import type { GatewayContext } from './context.js';

/**
 * What the log-like lists (`auditLog`, `changes`, `webhookDeliveries`, the live subscriptions)
 * share about their arguments: a cap on each filter list, keyset cursors over a row number, and
 * the accounts a caller limited to some may see.
 */

/** Most values one filter list may hold. */
export const MAX_FILTER_VALUES = 100;

/** `values` as given (absent: no narrowing), refused with `InputValidationError` at `path` when longer than {@link MAX_FILTER_VALUES}. */
export function filterList<T>(values: readonly T[] | null | undefined, path: readonly string[]): readonly T[] | undefined {
  if (values === null || values === undefined) return undefined;
  if (values.length > MAX_FILTER_VALUES) throw InputValidationError.single(path, `must list at most ${MAX_FILTER_VALUES} values`);
  return values;
}

/** An opaque cursor over a row number (`<prefix>:<id>`, base64url): exact while rows are added, newest first. */
export function rowCursor(prefix: string): { encode(id: number): string; decode(after: string): number } {
  const pattern = new RegExp(`^${prefix}:(\\d{1,15})$`);
  return {
    encode: (id) => Buffer.from(`${prefix}:${id}`, 'utf8').toString('base64url'),
    decode: (after) => {
      const match = pattern.exec(Buffer.from(after, 'base64url').toString('utf8'));
      if (!match) throw InputValidationError.single(['after'], 'is not a cursor this list produced');
      return Number(match[1]);
    },
  };
}

/**
 * The accounts a list is narrowed to for this caller: `requested` as given (undefined: every
 * account) for a caller allowed every account; for one limited to some, the configured accounts it
 * covers, within `requested` when given (an empty answer: nothing to show).
 */
export function visibleAccounts(context: GatewayContext, requested: readonly string[] | undefined): readonly string[] | undefined {
  if (context.rights.everyAccount) return requested;
  const covered = context.deps.accounts.entries.filter((entry) => context.rights.covers(entry.ref)).map((entry) => entry.ref.key);
  return requested === undefined ? covered : requested.filter((key) => covered.includes(key));
}
