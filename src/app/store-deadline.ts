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
 * A call of one of {@link RETRIED_ON_LOCK_TIMEOUT} that the server refused for waiting too long on
 * a lock (`lock_timeout`, SQLSTATE 55P03: the statement did nothing) is tried again, with a
 * growing pause, until it succeeds or the deadline passes: a table locked for a few seconds delays
 * the audit row of a write instead of sending it to the record spool, while the connection is
 * handed back between tries.
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
        const call = () => Reflect.apply(value, target, args) as unknown;
        const result = call();
        if (!(result instanceof Promise)) return result;
        const again = typeof property === 'string' && RETRIED_ON_LOCK_TIMEOUT.has(property) ? (call as () => Promise<unknown>) : null;
        return withinDeadline(result, again, Math.max(STORE_CALL_FLOOR_MS, deadline - clock.now()));
      };
    },
  });
}

/**
 * Store methods that are one statement or one transaction each (or read only), so that a try the
 * server refused with `lock_timeout` changed nothing and may be made again: `recordMutation`, the
 * audit row and idempotency outcome of every mutation, is one transaction keyed by its record id.
 * Methods of several separate statements (an idempotency claim) are not: their first statement may
 * have taken effect.
 */
export const RETRIED_ON_LOCK_TIMEOUT: ReadonlySet<string> = new Set([
  'recordMutation',
  'appendAudit',
  'trackDatadogConnection',
  'untrackDatadogConnection',
  'listTrackedDatadogConnections',
  'isTrackedDatadogConnection',
  'listAudit',
  'notifyTrackedChange',
]);

/** SQLSTATE lock_not_available: `lock_timeout` (or NOWAIT) refused the statement before it did anything. */
const LOCK_NOT_AVAILABLE = '55P03';

async function withinDeadline<T>(first: Promise<T>, again: (() => Promise<T>) | null, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError("Patchbay's store did not answer before the request deadline.")), ms);
  });
  // The losing side of a race must not become an unhandled rejection.
  late.catch(() => undefined);
  try {
    let call = first;
    for (let attempt = 1; ; attempt++) {
      try {
        return await Promise.race([call, late]);
      } catch (error) {
        if (again === null || codeOf(error) !== LOCK_NOT_AVAILABLE) throw error;
        call.catch(() => undefined);
      }
      // Rejects with the deadline's error when the deadline comes first.
      await Promise.race([new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 1_000))), late]);
      call = again();
    }
  } catch (error) {
    if (error instanceof PatchbayError || error instanceof TypeError || error instanceof RangeError) throw error;
    // The driver's code (a SQLSTATE, ECONNREFUSED) says what failed; its message may quote a statement's values.
    const code = codeOf(error);
    throw new StoreUnavailableError(`Patchbay's store failed${code !== null && /^[\w.-]{1,32}$/.test(code) ? ` (${code})` : ''}.`);
  } finally {
    clearTimeout(timer);
  }
}

function codeOf(error: unknown): string | null {
  const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
  return typeof code === 'string' ? code : null;
}
