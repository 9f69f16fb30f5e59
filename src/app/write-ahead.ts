import type { GatewayContext } from './context.js';
import { runningIdempotencyKey } from './audit.js';
import { isUnsettled } from './settle.js';
import { PatchbayError, StoreUnavailableError } from '../core/errors.js';

/** One write to run under a write-ahead record. */
export interface WriteAhead<T> {
  /** The account written to (a config key). */
  readonly account: string;
  /** The operation, as the audit log names it. */
  readonly operation: string;
  /** What is written, for a person to recognise it later (e.g. the new object's name). Never a secret. */
  readonly summary: string | null;
  /** Sends the write to the vendor. */
  readonly write: () => Promise<T>;
  /** The vendor's id of what the write made, shown on the unconfirmed write if recording fails. */
  readonly resourceOf: (result: T) => string;
  /** Records the result where Patchbay keeps it (e.g. tracks the new id); its failure does not undo the write. */
  readonly record: (result: T) => Promise<void>;
}

/**
 * Runs a write whose result only Patchbay will remember (a create at a vendor that cannot list
 * what it holds), so that no such write can be lost without a trace: the intent is recorded
 * first, and if that fails the write is not sent (`StoreUnavailableError`). Then:
 *
 * - the write succeeds and its result is recorded: the intent is cleared;
 * - the write succeeds but recording fails: the intent stays as an unconfirmed write with the
 *   vendor's id (`RECORD_FAILED`), and the caller still gets the success, which stands;
 * - its outcome is open (lost answer, unreadable 2xx): it stays as `OUTCOME_UNKNOWN`;
 * - it fails for sure (a typed refusal): the intent is cleared;
 * - the process dies, or the store fails for the final step: the intent stays pending, and shows
 *   as `INTERRUPTED`.
 *
 * Unconfirmed writes are listed by the `unconfirmedWrites` query and counted in
 * `accounts { health }`; an operator resolves each one.
 */
export async function writeAhead<T>(context: GatewayContext, plan: WriteAhead<T>): Promise<T> {
  let intent: { readonly id: string };
  try {
    intent = await context.store.beginWrite({ account: plan.account, operation: plan.operation, caller: context.caller, summary: plan.summary, idempotency: runningIdempotencyKey() });
  } catch (error) {
    context.logger.error('write intent not recorded; the write was not sent', { operation: plan.operation, account: plan.account, reason: reasonOf(error) });
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`Patchbay could not record this write in its store before sending it, so it did not send it.`);
  }
  let result: T;
  try {
    result = await plan.write();
  } catch (error) {
    // A refusal proves nothing happened; anything else (an open outcome, a bug) leaves the write to be checked.
    const settled = error instanceof PatchbayError && !isUnsettled(error);
    await quietly(context, plan, settled ? () => context.store.finishWrite(intent.id) : () => context.store.markWriteUnconfirmed(intent.id, 'OUTCOME_UNKNOWN', null));
    throw error;
  }
  let recorded = false;
  try {
    await plan.record(result);
    recorded = true;
  } catch (error) {
    context.logger.error('write done but its result not recorded; kept as an unconfirmed write', { operation: plan.operation, account: plan.account, reason: reasonOf(error) });
  }
  await quietly(context, plan, recorded ? () => context.store.finishWrite(intent.id) : () => context.store.markWriteUnconfirmed(intent.id, 'RECORD_FAILED', plan.resourceOf(result)));
  return result;
}

/** A final store step that fails leaves the intent pending, which lists it as interrupted: log it and go on. */
async function quietly(context: GatewayContext, plan: Pick<WriteAhead<unknown>, 'operation' | 'account'>, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    context.logger.error('write intent not settled; it will show as interrupted', { operation: plan.operation, account: plan.account, reason: reasonOf(error) });
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
