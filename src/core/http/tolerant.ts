import { z, type ZodType } from 'zod';
import type { VendorContractError } from '../errors.js';

/**
 * Tolerant reading of a vendor's lists: each item is parsed on its own, so one item that breaks
 * the contract (a null where a string belongs, a date in another format) costs that item only,
 * never the items beside it. The list schema collects the broken items; the HTTP layer turns each
 * into an {@link ItemFailure} with the call's facts and logs it by field path, never by value
 * (`interpret.ts`). Writes stay strict: only lists are read this way.
 */

/** One item of a vendor's answer that could not be read, and why. */
export interface ItemFailure {
  /** The vendor's own id of the item, when it could be read and is a plain id; null otherwise. */
  readonly vendorId: string | null;
  /** Where the item sat in the vendor's answer (0-based), for the log. */
  readonly index: number;
  readonly error: VendorContractError;
}

/** A list read item by item: the items that parsed, and the ones that did not. */
export interface Tolerant<T> {
  readonly items: readonly T[];
  /** Filled by the HTTP layer once the answer is interpreted (empty when every item parsed). */
  readonly failures: readonly ItemFailure[];
}

/** What the schema knows of a broken item before the HTTP layer adds the call's facts. */
export interface BrokenItem {
  readonly index: number;
  /** The raw value of the item's id field, not yet checked to be a plain id. */
  readonly rawId: string | null;
  /** One `path: code` per problem, relative to the item: never a value. */
  readonly issues: readonly string[];
  /** What the item is, in words (`connection`, `integration`). */
  readonly what: string;
}

const BROKEN: unique symbol = Symbol('patchbay.brokenItems');

interface Collected<T> extends Tolerant<T> {
  failures: ItemFailure[];
  readonly [BROKEN]: readonly BrokenItem[];
}

/** The field's value when it is a string or a number (ids come as either), else null. */
function idField(raw: unknown, field: string): string | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const value = (raw as Record<string, unknown>)[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * An array whose items are parsed one by one with `item`. `idField` names the item's id (read
 * from the raw item, so a broken item is still named when its id is readable); `what` says what
 * an item is in messages.
 */
export function tolerantList<T>(item: ZodType<T>, options: { readonly idField: string; readonly what: string }): ZodType<Tolerant<T>, unknown[]> {
  return z.array(z.unknown()).transform((raw) => {
    const items: T[] = [];
    const broken: BrokenItem[] = [];
    raw.forEach((value, index) => {
      const parsed = item.safeParse(value);
      if (parsed.success) {
        items.push(parsed.data);
        return;
      }
      broken.push({
        index,
        rawId: idField(value, options.idField),
        issues: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(item)'}: ${issue.code}`),
        what: options.what,
      });
    });
    const collected: Collected<T> = { items, failures: [], [BROKEN]: broken };
    // The marker stays out of JSON and spreads.
    Object.defineProperty(collected, BROKEN, { enumerable: false });
    return collected;
  }) as unknown as ZodType<Tolerant<T>, unknown[]>;
}

/**
 * Finds the tolerant lists of a parsed body (they sit in its envelope objects, never inside
 * arrays) and fills each one's `failures` with `toFailure`. Returns every broken item seen.
 */
export function settleBrokenItems(body: unknown, toFailure: (broken: BrokenItem) => ItemFailure, depth = 0): BrokenItem[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || depth > 4) return [];
  const found: BrokenItem[] = [];
  const broken = (body as Partial<Collected<unknown>>)[BROKEN];
  if (broken !== undefined) {
    const collected = body as Collected<unknown>;
    collected.failures = broken.map(toFailure);
    found.push(...broken);
    return found;
  }
  for (const value of Object.values(body)) found.push(...settleBrokenItems(value, toFailure, depth + 1));
  return found;
}

/** A number the vendor may send as a JSON number or as a string of digits. */
export const looseNumber = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

/**
 * A vendor enum read leniently: a known value as itself, anything else as `unknown` (the schema's
 * explicit unknown member), so a value the vendor adds later costs nothing.
 */
export function lenientEnum<const V extends readonly [string, ...string[]], const U extends string>(values: V, unknown: U): ZodType<V[number] | U> {
  const known = new Set<string>(values);
  return z.string().transform((value) => (known.has(value) ? (value as V[number]) : unknown)) as unknown as ZodType<V[number] | U>;
}
