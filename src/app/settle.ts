import { foundOrNull, OutcomeUnknownError, PatchbayError, VendorContractError, type VendorError } from '../core/errors.js';
import type { DeleteOutcome } from '../core/http/vendor-http.js';
import type { SettlementResult } from '../core/telemetry/metrics.js';
import { currentRequest } from '../core/telemetry/request-telemetry.js';

/**
 * Whether a write's failure leaves its outcome open: the answer was lost after sending
 * (`OutcomeUnknownError`), or the vendor said yes (2xx) with a body Patchbay cannot read, which
 * proves nothing either way (an HTML page from a proxy that never passed the request on looks
 * just like one from a vendor that did the work).
 */
export function isUnsettled(error: unknown): error is VendorError {
  if (error instanceof OutcomeUnknownError) return true;
  const status = error instanceof VendorContractError ? error.facts.httpStatus : null;
  return status !== null && status >= 200 && status < 300;
}

/**
 * A write whose outcome is open ({@link isUnsettled}) is confirmed by reading it back where the
 * vendor has a natural key (Chronosphere slug, Cloud Manager project + type, Cortex workspace):
 * when the key now holds what was sent, the write happened and the result is settled as a
 * success. Otherwise (not there, something else there, or the read fails too) the caller gets the
 * error; a lost answer stays `OutcomeUnknownError`, with what was checked: the lost request may
 * yet land, so "not found" does not prove it failed.
 */
export function settleByReadBack<T>(write: () => Promise<T>, readBack: () => Promise<T | null>): Promise<T> {
  return settle('create', write, readBack, 'A read-back right after found no matching result yet.');
}

/**
 * {@link settleByReadBack} for an update (PATCH, PUT, a partial POST) of a resource Patchbay can
 * read by its key: when the outcome is open, the resource is read back and the update counts as
 * done only when `reflects` says the read shows what was sent (the non-secret fields the update
 * set, and the visible hint of each secret it sent, where the vendor shows one). A `readBack`
 * answering null (nothing to read, e.g. a dry run) settles nothing. Otherwise the caller gets the
 * error: `VendorContractError` for an unreadable 2xx, `OutcomeUnknownError` for a lost answer,
 * saying the read-back did not show the change yet. Never a success it cannot show.
 */
export function settleUpdateByReadBack<T>(write: () => Promise<T>, readBack: () => Promise<T | null>, reflects: (found: T) => boolean): Promise<T> {
  return settle(
    'update',
    write,
    async () => {
      const found = await readBack();
      return found !== null && reflects(found) ? found : null;
    },
    'A read-back right after did not show the update (yet).',
  );
}

/** Runs the write; settles an open outcome by `readBack`; else the error as it was (a lost answer's `check` led by `notFoundNote`). */
async function settle<T>(kind: 'create' | 'update', write: () => Promise<T>, readBack: () => Promise<T | null>, notFoundNote: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUnsettled(error)) throw error;
    let found: T | null = null;
    let readFailed = false;
    try {
      found = await readBack();
    } catch (readError) {
      if (!(readError instanceof PatchbayError)) throw readError;
      readFailed = true;
    }
    noteSettlement(error, kind, found !== null ? 'confirmed' : readFailed ? 'read_failed' : 'not_confirmed');
    if (found !== null) return found;
    if (!(error instanceof OutcomeUnknownError)) throw error;
    throw new OutcomeUnknownError(error.message, error.facts, `${notFoundNote} ${error.check}`);
  }
}

/** Whether a read finds the resource: false when it answers `NotFoundError`. */
export async function stillThere(read: () => Promise<unknown>): Promise<boolean> {
  return (await foundOrNull(async () => ({ found: await read() }))) !== null;
}

/**
 * A delete is reported as done only when it is: a delete whose outcome is open
 * ({@link isUnsettled}: a 2xx with a body that is not the vendor's, a lost answer) is confirmed by
 * reading the resource back. Gone: the delete is a success. Still there after a 2xx: the vendor
 * said yes and did nothing, a `VendorContractError` that says so. Still there after a lost answer,
 * or the read-back failed too: `OutcomeUnknownError`, saying what to check. Never a success.
 */
export async function confirmDelete(remove: () => Promise<DeleteOutcome>, present: () => Promise<boolean>): Promise<DeleteOutcome> {
  try {
    return await remove();
  } catch (error) {
    if (!isUnsettled(error)) throw error;
    let there: boolean;
    try {
      there = await present();
    } catch (readError) {
      if (!(readError instanceof PatchbayError)) throw readError;
      noteSettlement(error, 'delete', 'read_failed');
      throw new OutcomeUnknownError(`${error.message} Reading it back failed too.`, error.facts, 'Read the resource at the vendor before deleting it again: it may or may not still exist.');
    }
    noteSettlement(error, 'delete', there ? 'not_confirmed' : 'confirmed');
    if (!there) return { alreadyGone: false };
    const stillThereNote = 'A read-back right after still found the resource, so it is not reported as deleted.';
    if (error instanceof VendorContractError) throw new VendorContractError(`${error.message} ${stillThereNote}`, error.facts);
    throw new OutcomeUnknownError(
      `${error.message} ${stillThereNote}`,
      error.facts,
      'Read the resource again in a moment (a vendor may delete in the background); delete it again if it is still there.',
    );
  }
}

/** Counts how an open write ended after its read-back, for the account that was written to. */
function noteSettlement(error: VendorError, kind: 'create' | 'update' | 'delete', result: SettlementResult): void {
  currentRequest()?.metrics.writeSettled({ vendor: error.facts.vendor, account: error.facts.account }, kind, result);
}
