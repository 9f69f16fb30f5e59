import { AsyncLocalStorage } from 'node:async_hooks';
import type { GatewayContext } from './context.js';
import type { Scope } from '../core/auth/config.js';
import { InputValidationError, MutationInProgressError, NotFoundError, OutcomeUnknownError, PatchbayError } from '../core/errors.js';
import { newRecordId, type IdempotencyRecordUpdate, type MutationRecord } from '../core/store/mutation-records.js';
import { canonicalInput, decodeOutcome, encodeFailure, encodeSuccess, idempotencyRecordKey, isKeptFailure } from './idempotency.js';
import { withCustodyNotes } from './custody.js';
import { previewOf, type PreviewSpec } from './preview.js';
import type { FingerprintChange } from '../core/store/custody-store.js';
import { requireRight } from './rights.js';
import { recordWrite, type Observed } from './history.js';

/**
 * How a mutation whose key this replica took over is settled. A key is taken over when the run
 * that claimed it never recorded an outcome and its lease lapsed: its replica stopped (or lost
 * the store) mid-way, after or before the vendor got the write. Sending the write again could
 * make it twice, so what that run did is found out instead:
 *
 * - `read-back`: the vendor has a natural key for what the write makes (a slug, a type per
 *   project, a singleton): `readBack` answers the mutation's result when the vendor shows the
 *   write done, null when it does not (yet). Found: that is the outcome, recorded under the key.
 *   Not found, or the read failed: `OutcomeUnknownError`, not kept, so the next try reads again.
 * - `rerun`: the mutation changes nothing outside Patchbay's store, so it simply runs again.
 * - absent: nothing can tell (the vendor assigns ids and cannot list them): the outcome is an
 *   `OutcomeUnknownError`, kept under the key, so every retry answers it and none writes again;
 *   a write Patchbay tracks stays listed in `unconfirmedWrites` for an operator.
 */
export type Recovery<T> = { readonly kind: 'rerun' } | { readonly kind: 'read-back'; readBack(): Promise<T | null> };

/**
 * The recovery of a write with a natural key: the same read-back that settles its lost answers
 * (`readBack`, null when nothing shows yet), turned into the mutation's result by `result`.
 */
export function readBackRecovery<F, T>(readBack: () => Promise<F | null>, result: (found: F) => T): Recovery<T> {
  return {
    kind: 'read-back',
    readBack: async () => {
      const found = await readBack();
      return found === null ? null : result(found);
    },
  };
}

/** What a mutation touches, for the audit log. Never a secret. */
export interface AuditTarget<T = unknown> {
  readonly operation: string;
  readonly account: string | null;
  readonly targetId: string | null;
  /** The mutation's input, when it may carry an `idempotencyKey`. */
  readonly input?: { readonly idempotencyKey?: string | null | undefined; readonly dryRun?: boolean | null | undefined };
  /** The scope the operation needs on `account`; every mutation so far needs `connections:write`. */
  readonly scope?: Scope;
  /** How a key taken over from a run that stopped is settled; see {@link Recovery}. */
  readonly recovery?: Recovery<T>;
  /**
   * What the write would do, for `dryRun: true` (every mutation takes it): read what is there now
   * and describe what the write would leave, without writing. See src/app/preview.ts.
   */
  readonly preview?: () => Promise<PreviewSpec>;
}

const IDEMPOTENCY_KEY = /^[\w.:-]{1,200}$/;

/** The idempotency key of the mutation running in this async context (see {@link runningIdempotencyKey}). */
const runningKey = new AsyncLocalStorage<{ readonly key: string; readonly operation: string }>();

/**
 * The idempotency key (store record key and operation) the mutation running here holds, or null:
 * a write-ahead intent records it, so that a replica taking the key over lists the intent at once.
 */
export function runningIdempotencyKey(): { readonly key: string; readonly operation: string } | null {
  return runningKey.getStore() ?? null;
}

/**
 * Runs a mutation: checks the caller's rights, honours its idempotency key, runs it, and records
 * the caller and the outcome (`OK`, the typed error's name, `REPLAYED`, `SETTLED` or `UNEXPECTED`)
 * in the audit log. Every mutation passes through here, so this is the one place writes are
 * authorised: a caller without the scope on the target account gets `ForbiddenError` before any
 * key is claimed or any vendor called.
 *
 * Idempotency: a repeat with the same key and input from the same caller returns the first
 * outcome without calling the vendor (keys are per caller: two callers never share one); the same
 * key with another input is an `InputValidationError`. The replica running a keyed mutation holds
 * the key on a lease (`gateway.idempotencyLeaseSeconds`) and renews it while the mutation runs; a
 * repeat meanwhile gets `MutationInProgressError` with the seconds left. When the lease lapses
 * without an outcome, the next replica to meet the key takes it over and settles it (see
 * {@link Recovery}): never a second write that could double the first.
 *
 * The audit row and the idempotency outcome are recorded together, in one store transaction. When
 * the store cannot take them (down, stalled past the deadline), they go to the gateway's local
 * spool and are stored later: a vendor success is never turned into a failure, and never lost.
 */
export async function audited<T>(context: GatewayContext, target: AuditTarget<T>, run: () => Promise<T>, targetOf?: (result: T) => string | null): Promise<T> {
  let outcome = 'UNEXPECTED';
  let targetId = target.targetId;
  const given = target.input?.idempotencyKey ?? null;
  let key: string | null = null;
  /** This run holds the key: its outcome is to be recorded under it, or the key released. */
  let held = false;
  /** The key was taken over: its outcome is recorded only where none is yet (the run it took over may still record the real one). */
  let takenOver = false;
  /** Leave the key's lease to lapse at once, unrecorded, so that the next try settles it again. */
  let lapse = false;
  let idempotency: IdempotencyRecordUpdate | null = null;
  let keeper: LeaseKeeper | null = null;
  const leaseSeconds = context.deps.gateway.idempotencyLeaseSeconds;
  let fingerprints: readonly FingerprintChange[] = [];
  let observed: readonly Observed[] = [];
  const startedAt = new Date();
  try {
    requireRight(context, target.scope ?? 'connections:write', target.account);
    if (target.input?.dryRun === true) {
      // A mutation that takes dryRun but gave no preview must not fall through to its write.
      if (target.preview === undefined) throw new Error(`${target.operation} was asked for a dry run but describes no preview`);
      // A preview writes nothing, so it claims no key: it is answered (and audited) every time it is asked.
      const spec = await target.preview();
      outcome = 'PREVIEWED';
      throw previewOf(spec, context.deps.custodyKey);
    }
    if (given !== null) {
      if (!IDEMPOTENCY_KEY.test(given)) throw InputValidationError.single(['idempotencyKey'], 'must be 1-200 characters of letters, digits, _ . : -');
      key = idempotencyRecordKey(context.caller, given);
      const claim = await context.store.claimIdempotencyKey(key, target.operation, context.deps.custodyKey.inputHash(canonicalInput(target.input)), leaseSeconds);
      if (claim.state === 'mismatch') throw InputValidationError.single(['idempotencyKey'], 'was already used with a different input');
      if (claim.state === 'in-progress') {
        throw new MutationInProgressError(
          `A run of ${target.operation} with this idempotency key is still going; nothing was sent. Ask again with the same key in ${claim.retryAfterSeconds} s for its outcome.`,
          claim.retryAfterSeconds,
        );
      }
      if (claim.state === 'done') {
        const stored = decodeOutcome(claim.outcome);
        outcome = 'REPLAYED';
        if ('error' in stored) throw stored.error;
        return stored.ok as T;
      }
      held = true;
      keeper = keepLease(context, key, target.operation, leaseSeconds);
      if (claim.state === 'taken-over') {
        takenOver = true;
        context.logger.warn('idempotency key taken over from a run that stopped before recording its outcome', { operation: target.operation, account: target.account });
        if (target.recovery?.kind !== 'rerun') {
          const settled = await settleTakenOver(context, target, key, () => {
            lapse = true;
          });
          outcome = 'SETTLED';
          targetId = targetOf?.(settled) ?? targetId;
          held = false;
          idempotency = { key, operation: target.operation, outcome: encodeSuccess(settled), ifEmpty: true };
          return settled;
        }
      }
    }
    const running = key === null ? null : { key, operation: target.operation };
    const noted = await withCustodyNotes(running === null ? run : () => runningKey.run(running, run));
    const result = noted.result;
    fingerprints = noted.fingerprints;
    observed = noted.observed;
    outcome = 'OK';
    targetId = targetOf?.(result) ?? targetId;
    held = false;
    // The vendor has changed: failing to record that must not report a failure (nor free the key).
    if (key !== null) idempotency = { key, operation: target.operation, outcome: encodeSuccess(result), ifEmpty: takenOver };
    return result;
  } catch (error) {
    if (outcome !== 'REPLAYED' && error instanceof PatchbayError) outcome = error.name;
    if (held && key !== null) {
      keeper?.stop();
      if (lapse) await letLapse(context, key, target.operation);
      else if (error instanceof PatchbayError && isKeptFailure(error)) idempotency = { key, operation: target.operation, outcome: encodeFailure(error), ifEmpty: takenOver };
      else idempotency = { key, operation: target.operation, release: true };
    }
    throw error;
  } finally {
    keeper?.stop();
    await recordMutation(context, {
      id: newRecordId(),
      audit: { caller: context.caller, operation: target.operation, account: bounded(target.account, 64), targetId: bounded(targetId, 512), outcome },
      idempotency,
      fingerprints,
    });
    // The change history of what the write left (never throws: the write happened either way).
    if (observed.length > 0)
      await recordWrite(context.deps, context.deps.store, observed, { actor: context.caller, seen: 'WRITE', writeStartedAt: startedAt, targetExisted: target.targetId !== null }, target.account);
  }
}

/** Stores a mutation's record, or spools it when the store cannot take it now. Never throws. */
async function recordMutation(context: GatewayContext, record: MutationRecord): Promise<void> {
  try {
    await context.store.recordMutation(record);
  } catch (error) {
    context.deps.spool.add(record, error);
  }
}

/**
 * Settles a key taken over from a run that stopped: by reading the vendor back when the mutation
 * can (`lapse` is called when that found nothing, so the next try reads again), otherwise as an
 * `OutcomeUnknownError` to be kept under the key.
 */
async function settleTakenOver<T>(context: GatewayContext, target: AuditTarget<T>, key: string, lapse: () => void): Promise<T> {
  const entry = target.account === null ? undefined : context.deps.accounts.get(target.account);
  if (entry === undefined) throw InputValidationError.single(['account'], 'names no configured account (the earlier run of this key wrote to an account no longer configured)');
  const facts = { vendor: entry.vendor.id, account: entry.ref.key, httpStatus: null, vendorCode: null, vendorRequestId: null, retryAfterSeconds: null };
  const stopped = `An earlier run of ${target.operation} with this idempotency key stopped (its gateway replica ended or lost its store) before recording how the write ended.`;
  const recovery = target.recovery;
  if (recovery?.kind === 'read-back') {
    let found: T | null = null;
    let readFailed = false;
    try {
      found = await recovery.readBack();
    } catch (error) {
      if (!(error instanceof PatchbayError)) throw error;
      // Nothing under the natural key is what "not found" means here, not a failed read.
      readFailed = !(error instanceof NotFoundError);
    }
    if (found !== null) return found;
    lapse();
    throw new OutcomeUnknownError(
      `${stopped} ${readFailed ? 'Reading it back failed' : 'A read-back does not show the write (yet)'}, so it is not known whether it happened.`,
      facts,
      `Ask again with the same key: each try reads ${entry.vendor.name} back again and answers the write once it shows. Sending it with another key instead is safe only once you have checked it is not there.`,
    );
  }
  // What the stopped run had recorded of its write is listed for an operator now, not when it would look abandoned.
  try {
    const interrupted = await context.store.interruptWritesOf(key, target.operation);
    if (interrupted > 0) context.logger.warn('write intents of a taken-over key listed as interrupted', { operation: target.operation, account: target.account, count: interrupted });
  } catch (error) {
    // They still show as interrupted once they look abandoned.
    context.logger.warn('write intents of a taken-over key not marked', { operation: target.operation, reason: error instanceof Error ? error.name : 'unknown' });
  }
  throw new OutcomeUnknownError(
    `${stopped} ${entry.vendor.name} cannot be asked whether it happened, so it is not sent again: this answer is kept for the key.`,
    facts,
    `Look in ${entry.vendor.name} (account "${entry.ref.key}") for what this write makes; a write Patchbay tracks is also listed in \`unconfirmedWrites\`, where you can track or dismiss it. Do not send it again under another key before checking: it would be made twice.`,
  );
}

/** Lets a held key's lease lapse now, so that the next try takes it over. A failure only delays that until the lease ends. */
async function letLapse(context: GatewayContext, key: string, operation: string): Promise<void> {
  try {
    await context.store.renewIdempotencyKey(key, operation, 0);
  } catch (error) {
    context.logger.warn('idempotency lease not ended; it lapses on its own', { operation, reason: error instanceof Error ? error.name : 'unknown' });
  }
}

interface LeaseKeeper {
  stop(): void;
}

/**
 * Renews this replica's lease on a key every third of the lease while its mutation runs, through
 * the gateway's store (not the request's: renewing must not stop at the request deadline before
 * the mutation itself does). A renewal still running is not doubled; a claim found lost stops it.
 */
function keepLease(context: GatewayContext, key: string, operation: string, leaseSeconds: number): LeaseKeeper {
  let busy = false;
  const timer = setInterval(
    () => {
      if (busy) return;
      busy = true;
      context.deps.store
        .renewIdempotencyKey(key, operation, leaseSeconds)
        .then(
          (stillHeld) => {
            if (stillHeld) return;
            clearInterval(timer);
            context.logger.warn('idempotency key no longer held by this run (its lease lapsed and another replica took it over)', { operation });
          },
          (error: unknown) => context.logger.warn('idempotency lease not renewed', { operation, reason: error instanceof Error ? error.name : 'unknown' }),
        )
        .finally(() => {
          busy = false;
        });
    },
    Math.max(100, (leaseSeconds * 1000) / 3),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * A caller's string as the audit log keeps it: cut to `max` characters, so that no request can
 * grow the log by more than a row's worth. Config keys are at most 64 characters and global ids a
 * few hundred, so only a string that names nothing is ever cut.
 */
function bounded(value: string | null, max: number): string | null {
  return value === null || value.length <= max ? value : `${value.slice(0, max)}…`;
}
