import type { GatewayContext } from './context.js';
import type { Scope } from '../core/auth/config.js';
import { InputValidationError, PatchbayError } from '../core/errors.js';
import { decodeOutcome, encodeFailure, encodeSuccess, hashInput, idempotencyRecordKey, isKeptFailure } from './idempotency.js';
import { requireRight } from './rights.js';

/** What a mutation touches, for the audit log. Never a secret. */
export interface AuditTarget {
  readonly operation: string;
  readonly account: string | null;
  readonly targetId: string | null;
  /** The mutation's input, when it may carry an `idempotencyKey`. */
  readonly input?: { readonly idempotencyKey?: string | null | undefined };
  /** The scope the operation needs on `account`; every mutation so far needs `connections:write`. */
  readonly scope?: Scope;
}

const IDEMPOTENCY_KEY = /^[\w.:-]{1,200}$/;

/**
 * Runs a mutation: checks the caller's rights, honours its idempotency key, runs it, and records
 * the caller and the outcome (`OK`, the typed error's name, `REPLAYED` or `UNEXPECTED`) in the
 * audit log. Every mutation passes through here, so this is the one place writes are authorised:
 * a caller without the scope on the target account gets `ForbiddenError` before any key is
 * claimed or any vendor called. A repeat with the same key and input from the same caller returns
 * the first outcome without calling the vendor (keys are per caller: two callers never share one);
 * the same key with another input is an `InputValidationError`. An audit write that fails is
 * logged and does not turn a vendor success into a failure: the vendor state has already changed.
 */
export async function audited<T>(context: GatewayContext, target: AuditTarget, run: () => Promise<T>, targetOf?: (result: T) => string | null): Promise<T> {
  let outcome = 'UNEXPECTED';
  let targetId = target.targetId;
  const given = target.input?.idempotencyKey ?? null;
  let key: string | null = null;
  let claimed = false;
  try {
    requireRight(context, target.scope ?? 'connections:write', target.account);
    if (given !== null) {
      if (!IDEMPOTENCY_KEY.test(given)) throw InputValidationError.single(['idempotencyKey'], 'must be 1-200 characters of letters, digits, _ . : -');
      key = idempotencyRecordKey(context.caller, given);
      const claim = await context.store.claimIdempotencyKey(key, target.operation, hashInput(target.input));
      if (claim.state === 'mismatch') throw InputValidationError.single(['idempotencyKey'], 'was already used with a different input');
      if (claim.state === 'in-progress') throw InputValidationError.single(['idempotencyKey'], 'a mutation with this key is still running; ask again shortly');
      if (claim.state === 'abandoned') {
        throw InputValidationError.single(['idempotencyKey'], 'an earlier mutation with this key never finished, so its outcome is unknown: check the vendor, then use a new key');
      }
      if (claim.state === 'done') {
        const stored = decodeOutcome(claim.outcome);
        outcome = 'REPLAYED';
        if ('error' in stored) throw stored.error;
        return stored.ok as T;
      }
      claimed = true;
    }
    const result = await run();
    outcome = 'OK';
    targetId = targetOf?.(result) ?? targetId;
    claimed = false;
    if (key !== null) {
      // The vendor has changed: failing to record that must not report a failure (nor free the key).
      try {
        await context.store.completeIdempotencyKey(key, target.operation, encodeSuccess(result));
      } catch (error) {
        context.logger.error('idempotency outcome not recorded', { operation: target.operation, reason: error instanceof Error ? error.name : 'unknown' });
      }
    }
    return result;
  } catch (error) {
    if (outcome !== 'REPLAYED' && error instanceof PatchbayError) outcome = error.name;
    if (claimed && key !== null) {
      if (error instanceof PatchbayError && isKeptFailure(error)) await context.store.completeIdempotencyKey(key, target.operation, encodeFailure(error));
      else await context.store.releaseIdempotencyKey(key, target.operation);
    }
    throw error;
  } finally {
    try {
      await context.store.appendAudit({ caller: context.caller, operation: target.operation, account: bounded(target.account, 64), targetId: bounded(targetId, 512), outcome });
    } catch (error) {
      context.logger.error('audit write failed', { operation: target.operation, account: bounded(target.account, 64), reason: error instanceof Error ? error.name : 'unknown' });
    }
  }
}

/**
 * A caller's string as the audit log keeps it: cut to `max` characters, so that no request can
 * grow the log by more than a row's worth. Config keys are at most 64 characters and global ids a
 * few hundred, so only a string that names nothing is ever cut.
 */
function bounded(value: string | null, max: number): string | null {
  return value === null || value.length <= max ? value : `${value.slice(0, max)}…`;
}
