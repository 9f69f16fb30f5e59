import { randomUUID } from 'node:crypto';
import type { AccountRef, ConnectionBase, SecretHint } from '../core/domain.js';
import { OUTSIDE_PATCHBAY, type ChangeKind, type ChangeRow, type ChangeSeen, type HealthChangeRow, type HealthStatus, type SnapshotRow, type StoredFieldChange } from '../core/store/history-store.js';
import type { Store } from '../core/store/store.js';
import type { GatewayDeps } from './context.js';
import { changeEvent, eventData, eventTypeOf, healthEvent } from './events.js';
import { plainFieldChanges } from './preview.js';

/**
 * Change history: what Patchbay remembers of each connection (its last state, secret-free) and
 * every change to it, whoever made it. A write through Patchbay records its change with the
 * caller as actor (`WRITE`); a drift scan (src/app/drift.ts) records what changed elsewhere as
 * `OUTSIDE_PATCHBAY` (`SCAN`). Each recorded change is published to this replica's subscribers
 * at once, announced to the other replicas by the store, and enqueued for every webhook that
 * takes it, in the transaction that records it.
 *
 * A write and a scan may see one connection at the same moment. Snapshots carry a version: a scan
 * compares what the vendor showed with the snapshot it read *before* asking the vendor, and drops
 * its view of a connection whose snapshot moved meanwhile (a write recorded a newer state). A scan
 * that saw a write's result before the write recorded it makes an `OUTSIDE_PATCHBAY` change; the
 * write then finds its own state already there and takes that change over (actor and `WRITE`),
 * so the history never shows one write twice, nor a write as drift.
 */

/** One connection as something saw it: as it stands, or gone (`connection` null). */
export interface Observed {
  readonly connectionId: string;
  /** Its account (null when a write only knows the id: a delete; the snapshot or the write's account tells). */
  readonly account: Pick<AccountRef, 'key' | 'vendor'> | null;
  readonly connection: ConnectionBase | null;
  /** Secret fields a write sent (by hint field): each counts as changed even where the vendor's hint cannot show it. */
  readonly secretsWritten?: readonly string[];
}

const DATE_MARK = '$date';

/** A connection as its snapshot keeps it: JSON, with dates marked so they come back as dates. */
export function encodeItem(connection: ConnectionBase): unknown {
  const text = JSON.stringify(connection, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE_MARK]: raw.toISOString() } : value;
  });
  return JSON.parse(text) as unknown;
}

/** A snapshot's item as the connection it was, under the account as configured now. */
export function decodeItem(item: unknown, account: AccountRef): ConnectionBase {
  const revive = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(revive);
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === DATE_MARK && typeof record[DATE_MARK] === 'string') return new Date(record[DATE_MARK]);
    return Object.fromEntries(keys.map((key) => [key, revive(record[key])]));
  };
  return { ...(revive(item) as ConnectionBase), account };
}

/** What changed from `before` to `after` (either may be null: created, deleted), or null for nothing. */
export function diffConnections(
  before: ConnectionBase | null,
  after: ConnectionBase | null,
  secretsWritten: readonly string[] = [],
): { readonly kind: ChangeKind; readonly diff: StoredFieldChange[] } | null {
  // plainFieldChanges answers only ADDED, REMOVED and CHANGED.
  const plain = plainFieldChanges(before, after) as StoredFieldChange[];
  const secrets = secretDiff(before?.secrets ?? [], after?.secrets ?? [], after === null ? [] : secretsWritten);
  if (before === null && after === null) return null;
  if (before === null) return { kind: 'CREATED', diff: [...plain, ...secrets] };
  if (after === null) return { kind: 'DELETED', diff: [...plain, ...secrets] };
  if (plain.length === 0 && secrets.length === 0) return null;
  return { kind: plain.length === 0 ? 'SECRET_CHANGED' : 'UPDATED', diff: [...plain, ...secrets] };
}

/**
 * Secrets compared by their hints: `SET` (none before), `UNSET` (none after), `CHANGED` when the
 * visible tail moved or a write sent the field. Never a value: a hint's tail is not kept here.
 */
function secretDiff(before: readonly SecretHint[], after: readonly SecretHint[], written: readonly string[]): StoredFieldChange[] {
  const was = new Map(before.map((hint) => [hint.field, hint]));
  const now = new Map(after.map((hint) => [hint.field, hint]));
  const changes: StoredFieldChange[] = [];
  for (const field of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const a = was.get(field);
    const b = now.get(field);
    const kind =
      a?.isSet !== true && b?.isSet === true
        ? 'SET'
        : a?.isSet === true && b?.isSet !== true
          ? 'UNSET'
          : a?.isSet === true && b?.isSet === true && (a.lastFour !== b.lastFour || written.includes(field))
            ? 'CHANGED'
            : null;
    if (kind !== null) changes.push({ path: field, kind, secret: true, before: null, after: null });
  }
  return changes;
}

/** How an observation is recorded. */
export interface HowSeen {
  readonly actor: string;
  readonly seen: ChangeSeen;
  /** A write: when it started (a scan's change recorded since, leaving the write's state, is the write's). */
  readonly writeStartedAt?: Date;
  /**
   * A write that named an existing connection (an update, a delete): with no snapshot to compare
   * with, it is still an `UPDATED` (its fields as they stand now) or a `DELETED`, never a `CREATED`.
   */
  readonly targetExisted?: boolean;
  /**
   * The first scan of an account: what it finds is the baseline, stored without changes (a gateway
   * pointed at an account for the first time reports no "created" for everything already there).
   */
  readonly baseline?: boolean;
  /** A dry run (`scanAccount` with `dryRun`): the change is worked out and answered, nothing is stored or published. */
  readonly dry?: boolean;
}

/** How many times a write's observation is compared again when a scan moved the snapshot meanwhile. */
const WRITE_ATTEMPTS = 3;

/**
 * Records what a write through Patchbay left (after it succeeded). Compared with the snapshot as
 * it is now; a snapshot another observation moved meanwhile is read again. Never throws: the
 * write happened, and a history that could not be recorded is logged (the next scan records the
 * state, as drift).
 */
export async function recordWrite(deps: GatewayDeps, store: Store, observed: readonly Observed[], how: HowSeen, writeAccount: string | null): Promise<ChangeRow[]> {
  const recorded: ChangeRow[] = [];
  for (const item of observed) {
    try {
      for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
        // A create's connection is new: its first try inserts without reading (one statement); if a
        // snapshot was there after all (an upsert, a scan that saw it first), it is read and compared.
        const fresh = attempt === 1 && how.targetExisted !== true && item.connection !== null && item.account !== null;
        const [snapshot] = fresh ? [] : await store.listSnapshots({ connectionIds: [item.connectionId] });
        const account = item.account ?? (snapshot ? { key: snapshot.account, vendor: snapshot.vendor } : accountOf(deps, writeAccount));
        if (account === null) break;
        const outcome = await observe(deps, store, { ...item, account }, snapshot ?? null, how);
        if (outcome === 'moved') continue;
        if (outcome !== null) recorded.push(outcome);
        break;
      }
    } catch (error) {
      deps.logger.warn('history: a write through Patchbay was not recorded; the next scan records its state as drift', { reason: error instanceof Error ? error.name : 'unknown' });
    }
  }
  return recorded;
}

function accountOf(deps: GatewayDeps, key: string | null): Pick<AccountRef, 'key' | 'vendor'> | null {
  const entry = key === null ? undefined : deps.accounts.get(key);
  return entry === undefined ? null : { key: entry.ref.key, vendor: entry.vendor.id };
}

/**
 * Compares one observation with `snapshot` (the one read before the vendor was asked) and stores
 * the outcome: the change it makes (published and enqueued), null when it changes nothing, or
 * `'moved'` when the snapshot changed since it was read (nothing stored).
 */
export async function observe(
  deps: GatewayDeps,
  store: Store,
  item: Observed & { readonly account: Pick<AccountRef, 'key' | 'vendor'> },
  snapshot: SnapshotRow | null,
  how: HowSeen,
): Promise<ChangeRow | null | 'moved'> {
  const ref = deps.accounts.get(item.account.key)?.ref ?? { key: item.account.key, vendor: item.account.vendor as AccountRef['vendor'], displayName: item.account.key, baseUrl: '' };
  const before = snapshot?.item === null || snapshot?.item === undefined ? null : decodeItem(snapshot.item, ref);
  // A connection Patchbay never saw and that is gone now: nothing to remember, unless this write deleted it.
  if (snapshot === null && item.connection === null && how.seen !== 'WRITE') return null;
  if (how.baseline === true && how.dry === true) return null;
  if (how.baseline === true) {
    const taken = await store.applyObservation({
      connectionId: item.connectionId,
      account: item.account.key,
      vendor: item.account.vendor,
      name: item.connection?.name ?? snapshot?.name ?? '',
      item: item.connection === null ? null : encodeItem(item.connection),
      expectedVersion: snapshot?.version ?? null,
      change: null,
      outbox: [],
    });
    return taken === 'moved' ? 'moved' : null;
  }
  const found = firstSight(diffConnections(before, item.connection, item.secretsWritten), snapshot, item, how);
  const name = item.connection?.name ?? snapshot?.name ?? '';
  const base = {
    connectionId: item.connectionId,
    account: item.account.key,
    vendor: item.account.vendor,
    name,
    item: item.connection === null ? null : encodeItem(item.connection),
    expectedVersion: snapshot?.version ?? null,
  };
  if (found === null) {
    // Already as the write left it: a scan may have seen this write first and called it drift.
    if (how.seen === 'WRITE' && how.writeStartedAt !== undefined) await takeOverScannedChange(store, item.connectionId, how);
    // Only a confirmation: a deleted connection seen deleted again needs no row update; a dry run stores nothing.
    if (snapshot === null || item.connection === null || how.dry === true) return null;
    const confirmed = await store.applyObservation({ ...base, change: null, outbox: [] });
    return confirmed === 'moved' ? 'moved' : null;
  }
  const change = {
    eventId: randomUUID(),
    connectionId: item.connectionId,
    account: item.account.key,
    vendor: item.account.vendor,
    name,
    kind: found.kind,
    actor: how.actor,
    seen: how.seen,
    diff: found.diff,
  };
  if (how.dry === true) return { ...change, id: 0, at: new Date() };
  const type = eventTypeOf(found.kind);
  const outbox = deps.webhooks.rowsFor(change.eventId, type, new Date(), eventData({ type, change }));
  const stored = await store.applyObservation({ ...base, change, outbox });
  if (stored !== null && stored !== 'moved') deps.events.publish(changeEvent(stored));
  return stored;
}

/** A write's change on a connection Patchbay had no snapshot of: an update or a delete, as the write says. */
function firstSight(found: ReturnType<typeof diffConnections>, snapshot: SnapshotRow | null, item: Observed, how: HowSeen): ReturnType<typeof diffConnections> {
  if (snapshot !== null || how.seen !== 'WRITE') return found;
  if (item.connection === null) return { kind: 'DELETED', diff: [] };
  return how.targetExisted === true && found?.kind === 'CREATED' ? { kind: 'UPDATED', diff: found.diff } : found;
}

async function takeOverScannedChange(store: Store, connectionId: string, how: HowSeen): Promise<void> {
  const latest = await store.latestChange(connectionId);
  // A second of slack: the change's time is the database's clock, the write's start this process's.
  if (latest !== null && latest.actor === OUTSIDE_PATCHBAY && how.writeStartedAt !== undefined && latest.at.getTime() >= how.writeStartedAt.getTime() - 1_000) {
    await store.claimChange(latest.id, how.actor);
  }
}

/** How long this process trusts its memory of an account's recorded health before asking the store again. */
const HEALTH_MEMORY_MS = 30_000;

/**
 * Account health transitions (HEALTHY → FAILING → RECOVERED), from scans and reads. Each process
 * remembers the status it last recorded, so a read that finds an account as it was costs no store
 * call; the store decides whether a status is a transition (several replicas may see it).
 */
export class HealthRecorder {
  private readonly known = new Map<string, { readonly status: HealthStatus; readonly at: number }>();

  constructor(private readonly deps: Pick<GatewayDeps, 'store' | 'events' | 'webhooks' | 'logger'>) {}

  /** Records `status` of `account` when it may be a transition; publishes the transition it makes. */
  async record(account: AccountRef, status: HealthStatus, error: { readonly name: string; readonly message: string } | null): Promise<HealthChangeRow | null> {
    const memory = this.known.get(account.key);
    if (memory !== undefined && memory.status === status && Date.now() - memory.at < HEALTH_MEMORY_MS) return null;
    try {
      const eventId = randomUUID();
      const health = { eventId, account: account.key, vendor: account.vendor, errorType: error?.name ?? null, errorMessage: error?.message ?? null };
      const stored = await this.deps.store.recordHealth({
        ...health,
        status,
        outbox: (eventStatus, previous) =>
          this.deps.webhooks.rowsFor(eventId, 'account.health_changed', new Date(), eventData({ type: 'account.health_changed', health: { ...health, status: eventStatus, previous } })),
      });
      this.known.set(account.key, { status, at: Date.now() });
      if (stored !== null) this.deps.events.publish(healthEvent(stored));
      return stored;
    } catch (caught) {
      this.deps.logger.warn('history: an account health transition was not recorded', { account: account.key, reason: caught instanceof Error ? caught.name : 'unknown' });
      return null;
    }
  }
}
