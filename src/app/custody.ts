import { AsyncLocalStorage } from 'node:async_hooks';
import { secretHint, type ConnectionBase } from '../core/domain.js';
import type { FingerprintChange } from '../core/store/custody-store.js';
import type { GatewayContext } from './context.js';
import type { Observed } from './history.js';

/**
 * Key custody's part in every write: a mutation that wrote secrets into a connection notes them
 * here (by hint field and value), and `audited` records their fingerprints — never the values —
 * with the mutation's audit row, in the same transaction, once the write succeeded. A delete
 * notes that the connection's fingerprints go.
 */

interface MutationNotes {
  readonly fingerprints: FingerprintChange[];
  /** What the write left of each connection it touched, for the change history (src/app/history.ts). */
  readonly observed: Observed[];
}

const running = new AsyncLocalStorage<MutationNotes>();

/** Runs a mutation with a place for its notes; answers its result and the fingerprint changes it noted. */
export async function withCustodyNotes<T>(run: () => Promise<T>): Promise<{ readonly result: T; readonly fingerprints: readonly FingerprintChange[]; readonly observed: readonly Observed[] }> {
  const notes: MutationNotes = { fingerprints: [], observed: [] };
  const result = await running.run(notes, run);
  return { result, fingerprints: notes.fingerprints, observed: notes.observed };
}

/**
 * Notes that a write left `connection` (global id `connectionId`) as it is now, for the change
 * history; `secretsWritten` names the secret fields it sent. Writes that send secrets note through
 * {@link noteSecretsWritten}, which calls this.
 */
export function noteWritten(connection: ConnectionBase, connectionId: string, secretsWritten: readonly string[] = []): void {
  running.getStore()?.observed.push({ connectionId, account: connection.account, connection, secretsWritten });
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
  noteWritten(connection, connectionId, [...(secrets?.keys() ?? [])]);
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
  const notes = running.getStore();
  notes?.fingerprints.push({ connectionId, account: '', vendor: '', service: '', set: [], clear: 'all' });
  notes?.observed.push({ connectionId, account: null, connection: null });
}

/** The fingerprints Patchbay stored for the secrets of the connection `connectionId`, by hint field (for previews). */
export async function storedFingerprints(context: GatewayContext, connectionId: string): Promise<ReadonlyMap<string, string>> {
  const rows = await context.store.listFingerprints([connectionId]);
  return new Map(rows.map((row) => [row.field, row.fingerprint]));
}
