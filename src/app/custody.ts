import { AsyncLocalStorage } from 'node:async_hooks';
import { secretHint, type ConnectionBase } from '../core/domain.js';
import type { FingerprintChange } from '../core/store/custody-store.js';
import type { GatewayContext } from './context.js';

/**
 * Key custody's part in every write: a mutation that wrote secrets into a connection notes them
 * here (by hint field and value), and `audited` records their fingerprints — never the values —
 * with the mutation's audit row, in the same transaction, once the write succeeded. A delete
 * notes that the connection's fingerprints go.
 */

interface MutationNotes {
  readonly fingerprints: FingerprintChange[];
}

const running = new AsyncLocalStorage<MutationNotes>();

/** Runs a mutation with a place for its notes; answers its result and the fingerprint changes it noted. */
export async function withCustodyNotes<T>(run: () => Promise<T>): Promise<{ readonly result: T; readonly fingerprints: readonly FingerprintChange[] }> {
  const notes: MutationNotes = { fingerprints: [] };
  const result = await running.run(notes, run);
  return { result, fingerprints: notes.fingerprints };
}

/**
 * Notes that a write left `connection` (global id `connectionId`) holding `secrets` (hint field →
 * value, as the input builder collected them). `clear` says which other secret fields the write
 * left without a value: the ones named, or `'others'` for a full replace (every field not sent).
 * Outside a mutation (no notes running) it does nothing.
 */
export function noteSecretsWritten(
  context: GatewayContext,
  connection: ConnectionBase,
  connectionId: string,
  secrets: ReadonlyMap<string, string> | undefined,
  clear: readonly string[] | 'others' = [],
): void {
  const notes = running.getStore();
  const key = context.deps.custodyKey;
  if (notes === undefined || !key.fingerprinting) return;
  notes.fingerprints.push({
    connectionId,
    account: connection.account.key,
    vendor: connection.account.vendor,
    service: connection.service,
    set: [...(secrets ?? new Map<string, string>())].map(([field, value]) => ({ field, fingerprint: key.fingerprint(value), lastFour: secretHint(field, value).lastFour })),
    clear,
  });
}

/** Notes that the connection `connectionId` is gone: its fingerprints go with it. */
export function noteConnectionGone(connectionId: string): void {
  running.getStore()?.fingerprints.push({ connectionId, account: '', vendor: '', service: '', set: [], clear: 'all' });
}

/** The fingerprints Patchbay stored for the secrets of the connection `connectionId`, by hint field (for previews). */
export async function storedFingerprints(context: GatewayContext, connectionId: string): Promise<ReadonlyMap<string, string>> {
  const rows = await context.store.listFingerprints([connectionId]);
  return new Map(rows.map((row) => [row.field, row.fingerprint]));
}
