import { PatchbayError, StoreUnavailableError } from '../core/errors.js';
import type { Clock } from '../core/http/clock.js';
import type { Store } from '../core/store/store.js';

/**
 * Time a store call gets even after the request's deadline has passed: the audit row and the
 * idempotency outcome of a write that just finished at the vendor are still worth a short try.
 */
export const STORE_CALL_FLOOR_MS = 250;

/**
 * The store as one request sees it: every call that returns a promise fails with
 * `StoreUnavailableError` once the request's deadline has passed (at least
 * {@link STORE_CALL_FLOOR_MS} after it started), instead of holding the request for as long as
 * a stalled database takes. The call itself is not cancelled (PGlite cannot be; PostgreSQL's own
 * `statement_timeout` ends it on the server), only no longer waited for. A database that fails
 * (refused connection, a statement cancelled by the server) is a `StoreUnavailableError` too, so
 * that it becomes a typed result (one account's failure in an inventory) rather than a masked
 * one; a `TypeError` or `RangeError` is a bug in the caller and stays what it is.
 *
 * A proxy rather than a wrapper per method, so that a method added to {@link Store} is covered
 * without anyone remembering to.
 */
export function storeUnderDeadline(store: Store, deadline: number | undefined, clock: Clock): Store {
  if (deadline === undefined) return store;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = Reflect.apply(value, target, args);
        return result instanceof Promise ? withinDeadline(result, Math.max(STORE_CALL_FLOOR_MS, deadline - clock.now())) : result;
      };
    },
  });
}

async function withinDeadline<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError("Patchbay's store did not answer before the request deadline.")), ms);
  });
  try {
    return await Promise.race([call, late]);
  } catch (error) {
    if (error instanceof PatchbayError || error instanceof TypeError || error instanceof RangeError) throw error;
    // The driver's code (a SQLSTATE, ECONNREFUSED) says what failed; its message may quote a statement's values.
    const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
    throw new StoreUnavailableError(`Patchbay's store failed${typeof code === 'string' && /^[\w.-]{1,32}$/.test(code) ? ` (${code})` : ''}.`);
  } finally {
    clearTimeout(timer);
  }
}
