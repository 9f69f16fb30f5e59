import { OutcomeUnknownError, PatchbayError } from '../core/errors.js';

/**
 * A create whose answer was lost (timeout or reset after sending) is `OutcomeUnknownError`. Where
 * the vendor has a natural key (Chronosphere slug, Cloud Manager project + type, Cortex
 * workspace), Patchbay reads that key back once: when it now holds what was sent, the write
 * happened and the result is settled as a success. Otherwise (not there, something else there,
 * or the read fails too) the caller still gets the `OutcomeUnknownError`, with what was checked:
 * the lost request may yet land, so "not found" does not prove it failed.
 */
export async function settleByReadBack<T>(write: () => Promise<T>, readBack: () => Promise<T | null>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof OutcomeUnknownError)) throw error;
    let found: T | null = null;
    try {
      found = await readBack();
    } catch (readError) {
      if (!(readError instanceof PatchbayError)) throw readError;
    }
    if (found !== null) return found;
    throw new OutcomeUnknownError(error.message, error.facts, `A read-back right after found no matching result yet. ${error.check}`);
  }
}
