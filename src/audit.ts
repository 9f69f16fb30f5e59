import type { GatewayContext } from './context.js';
import { PatchbayError } from './errors.js';

/** What a mutation touches, for the audit log. Never a secret. */
export interface AuditTarget {
  readonly operation: string;
  readonly account: string | null;
  readonly targetId: string | null;
}

/**
 * Runs a mutation and records its outcome (`OK`, or the typed error's name, or `UNEXPECTED`) in
 * the audit log. An audit write that fails is logged and does not turn a vendor success into a
 * failure: the vendor state has already changed.
 */
export async function audited<T>(context: GatewayContext, target: AuditTarget, run: () => Promise<T>, targetOf?: (result: T) => string | null): Promise<T> {
  let outcome = 'UNEXPECTED';
  let targetId = target.targetId;
  try {
    const result = await run();
    outcome = 'OK';
    targetId = targetOf?.(result) ?? targetId;
    return result;
  } catch (error) {
    if (error instanceof PatchbayError) outcome = error.name;
    throw error;
  } finally {
    try {
      await context.store.appendAudit({ caller: context.caller, operation: target.operation, account: target.account, targetId, outcome });
    } catch (error) {
      context.logger.error('audit write failed', { operation: target.operation, account: target.account, reason: error instanceof Error ? error.name : 'unknown' });
    }
  }
}
