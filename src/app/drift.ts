import type { Principal } from '../core/auth/authenticator.js';
import { PatchbayError } from '../core/errors.js';
import { encodeGlobalId, innerId } from '../core/ids.js';
import { OUTSIDE_PATCHBAY, type ChangeRow } from '../core/store/history-store.js';
import type { AccountEntry } from './accounts.js';
import { connectionGlobalId } from './connections.js';
import { createRequestContext, type GatewayDeps } from './context.js';
import { decodeItem, observe } from './history.js';
import { listAccount } from './inventory.js';
import type { Listed } from './vendor-runtime.js';
import type { ConnectionBase } from '../core/domain.js';

/**
 * Drift scans: each account is read on an interval and compared with what Patchbay last saw of
 * it, so that a key replaced in a vendor's console, a webhook removed or a connection deleted by
 * someone else shows in the history as an `OUTSIDE_PATCHBAY` change. A scan reads through the
 * account's own client, so it spends the account's quota and respects its breaker like any read.
 * Datadog has no list endpoint: its scan reads the connections Patchbay tracks.
 *
 * Replicas sharing a PostgreSQL store take turns: a scan is claimed in the store for a lease, so
 * each account is scanned by one replica at a time, and a replica that dies mid-scan lets its
 * lease lapse for another to take the next one.
 */

/** Who a scan reads as: the gateway itself, allowed every account (its changes are never a caller's). */
const SCANNER: Principal = { id: 'system:drift-scan', scopes: ['admin'], accounts: null };

/** How one scan ended. */
export interface ScanOutcome {
  readonly account: AccountEntry['ref'];
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** The changes it recorded (none when the account was as Patchbay last saw it). */
  readonly changes: readonly ChangeRow[];
  /** Why the account could not be read; null when it was. */
  readonly error: PatchbayError | null;
  /** Connections left unjudged: a write recorded a newer state while the scan read, or a part of the account failed. */
  readonly skipped: number;
}

/** Why a scan did not run. */
export type ScanRefusal = 'held-elsewhere' | 'not-due';

export interface ScanSettings {
  readonly intervalSeconds: number;
  readonly jitter: number;
}

/**
 * Scans `entry` now if it may: when it is due (or `force`, for `scanAccount`) and no other replica
 * holds its scan. Answers the outcome, or why it did not run.
 */
export async function scanAccount(deps: GatewayDeps, entry: AccountEntry, settings: ScanSettings, force: boolean): Promise<ScanOutcome | ScanRefusal> {
  const leaseSeconds = Math.ceil(deps.gateway.requestDeadlineMs / 1000) + 10;
  const claim = await deps.store.claimScan(entry.ref.key, leaseSeconds, force);
  if (!claim.claimed) return claim.heldElsewhere ? 'held-elsewhere' : 'not-due';
  const startedAt = new Date();
  let outcome: ScanOutcome = { account: entry.ref, startedAt, finishedAt: startedAt, changes: [], error: null, skipped: 0 };
  try {
    outcome = await compare(deps, entry, startedAt, false);
    return outcome;
  } finally {
    const spread = settings.intervalSeconds * settings.jitter;
    const nextInSeconds = Math.max(1, settings.intervalSeconds + (Math.random() * 2 - 1) * spread);
    await deps.store
      .finishScan({ account: entry.ref.key, startedAt, outcome: outcome.error?.name ?? 'OK', changes: outcome.changes.length, nextInSeconds })
      .catch((error: unknown) =>
        deps.logger.warn('drift scan: its end was not recorded; its lease lapses on its own', { account: entry.ref.key, reason: error instanceof Error ? error.name : 'unknown' }),
      );
  }
}

/**
 * What a scan of `entry` would record now, worked out without recording anything (no lease, no
 * health transition, no change, no snapshot): `scanAccount` with `dryRun`. `before` and `after`
 * are the account's connections as last seen and as the vendor shows them, by id.
 */
export async function previewScan(
  deps: GatewayDeps,
  entry: AccountEntry,
): Promise<ScanOutcome & { readonly before: ReadonlyMap<string, ConnectionBase>; readonly after: ReadonlyMap<string, ConnectionBase> }> {
  const outcome = await compare(deps, entry, new Date(), true);
  return { ...outcome, before: outcome.seenBefore ?? new Map(), after: outcome.seenNow ?? new Map() };
}

async function compare(
  deps: GatewayDeps,
  entry: AccountEntry,
  startedAt: Date,
  dry: boolean,
): Promise<ScanOutcome & { readonly seenBefore?: Map<string, ConnectionBase>; readonly seenNow?: Map<string, ConnectionBase> }> {
  // The snapshots are read before the vendor is: one a write moves meanwhile is left to that write.
  const snapshots = new Map((await deps.store.listSnapshots({ account: entry.ref.key })).map((row) => [row.connectionId, row]));
  const context = createRequestContext(deps, undefined, SCANNER);
  let listed: Listed<ConnectionBase>;
  let trackedIds: ReadonlySet<string> | null = null;
  try {
    listed = await listAccount(context, entry, {});
    const { listing } = entry.vendor;
    if (listing.kind === 'tracked') {
      // A tracked listing reads only what Patchbay tracks: an untracked connection is not gone, only no longer watched.
      const keys = await listing.trackedKeys(context, entry);
      trackedIds = new Set(keys.map((key) => encodeGlobalId(entry.vendor.ids.typename, innerId(entry.ref.key, listing.vendorIdOf(key)))));
    }
  } catch (error) {
    if (!(error instanceof PatchbayError)) throw error;
    if (!dry) await deps.health.record(entry.ref, 'FAILING', error);
    return { account: entry.ref, startedAt, finishedAt: new Date(), changes: [], error, skipped: snapshots.size };
  }
  if (!dry) await deps.health.record(entry.ref, 'HEALTHY', null);
  const how = { actor: OUTSIDE_PATCHBAY, seen: 'SCAN' as const, baseline: !(await deps.store.scannedBefore(entry.ref.key)), dry };
  const seenNow = new Map<string, ConnectionBase>();
  const seenBefore = new Map<string, ConnectionBase>();
  for (const snapshot of snapshots.values()) if (snapshot.item !== null) seenBefore.set(snapshot.connectionId, decodeItem(snapshot.item, entry.ref));
  const changes: ChangeRow[] = [];
  let skipped = 0;
  const seen = new Set<string>();
  const account = { key: entry.ref.key, vendor: entry.vendor.id };
  const record = async (connectionId: string, connection: ConnectionBase | null): Promise<void> => {
    const outcome = await observe(deps, deps.store, { connectionId, account, connection }, snapshots.get(connectionId) ?? null, how);
    if (outcome === 'moved') skipped++;
    else if (outcome !== null) changes.push(outcome);
  };
  for (const item of listed.items) {
    const connectionId = connectionGlobalId(entry.vendor, item);
    seen.add(connectionId);
    seenNow.set(connectionId, item);
    await record(connectionId, item);
  }
  // Gone: only judged when the whole account answered (a failed part or an unreadable item may hold it).
  const complete = listed.failures.length === 0 && listed.itemFailures.length === 0;
  for (const snapshot of snapshots.values()) {
    if (snapshot.item === null || seen.has(snapshot.connectionId)) continue;
    if (!complete || (trackedIds !== null && !trackedIds.has(snapshot.connectionId))) {
      skipped++;
      continue;
    }
    await record(snapshot.connectionId, null);
  }
  return { account: entry.ref, startedAt, finishedAt: new Date(), changes, error: null, skipped, seenBefore, seenNow };
}

/** The background scanner of one replica; `close` stops it and waits for the scans running. */
export interface DriftScanner {
  close(): Promise<void>;
}

/**
 * Starts scanning every configured account on `settings.intervalSeconds` (0: never), at most
 * `concurrency` at once. Each tick asks the store which scans are due; a scan another replica
 * holds or that is not due is passed over.
 */
export function startDriftScanner(deps: GatewayDeps, settings: ScanSettings & { readonly concurrency: number; readonly tickMs?: number }): DriftScanner {
  if (settings.intervalSeconds <= 0) return { close: async () => undefined };
  const tickMs = settings.tickMs ?? Math.min(5_000, Math.max(250, (settings.intervalSeconds * 1000) / 4));
  let closed = false;
  let running: Promise<void> | null = null;
  const tick = async (): Promise<void> => {
    const queue = [...deps.accounts.entries];
    const worker = async (): Promise<void> => {
      for (let entry = queue.shift(); entry !== undefined && !closed; entry = queue.shift()) {
        try {
          await scanAccount(deps, entry, settings, false);
        } catch (error) {
          deps.logger.warn('drift scan failed', { account: entry.ref.key, reason: error instanceof Error ? error.name : 'unknown' });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, queue.length) }, worker));
  };
  const timer = setInterval(() => {
    if (running !== null || closed) return;
    running = tick().finally(() => {
      running = null;
    });
  }, tickMs);
  timer.unref();
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
