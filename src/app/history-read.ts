import { MutationInProgressError, NotFoundError, type PatchbayError } from '../core/errors.js';
import { pageSize } from '../core/pagination.js';
import type { ChangeKind, ChangeRow } from '../core/store/history-store.js';
import type { ConnectionBase } from '../core/domain.js';
import type { GatewayContext } from './context.js';
import { previewScan, scanAccount as runScan, type ScanOutcome } from './drift.js';
import type { AccountEntry } from './accounts.js';
import type { PreviewSpec } from './preview.js';
import { decodeItem } from './history.js';
import { requireRight } from './rights.js';
import { filterList, rowCursor, visibleAccounts } from './list-args.js';

/** How `changes` (and a connection's `history`) is narrowed. Every given criterion must hold. */
export interface ChangeFilterArgs {
  readonly accounts?: readonly string[] | null | undefined;
  readonly vendors?: readonly string[] | null | undefined;
  readonly kinds?: readonly ChangeKind[] | null | undefined;
  readonly actors?: readonly string[] | null | undefined;
  readonly connectionIds?: readonly string[] | null | undefined;
  readonly since?: Date | null | undefined;
}

export interface ChangeEdge {
  readonly cursor: string;
  readonly node: ChangeRow;
}

/** One page of changes, newest first. */
export interface ChangePage {
  readonly edges: readonly ChangeEdge[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

const CURSOR = rowCursor('change');

/**
 * A page of the change log, newest first, keyset-paged by the change's number (exact while
 * changes are added). A caller sees the changes of the accounts it may read only; a caller allowed
 * every account also sees those of accounts no longer configured. A deleted connection's history
 * stays readable here by its id (`connectionIds`).
 */
export async function readChanges(context: GatewayContext, filter: ChangeFilterArgs, first: number | null | undefined, after: string | null | undefined): Promise<ChangePage> {
  requireRight(context, 'connections:read', null);
  const size = pageSize(first);
  const beforeId = after ? CURSOR.decode(after) : undefined;
  const accounts = visibleAccounts(context, filterList(filter.accounts, ['filter', 'accounts']));
  const empty: ChangePage = { edges: [], hasNextPage: false, hasPreviousPage: beforeId !== undefined };
  if (accounts !== undefined && accounts.length === 0) return empty;
  const vendors = filterList(filter.vendors, ['filter', 'vendors']);
  const kinds = filterList(filter.kinds, ['filter', 'kinds']);
  const actors = filterList(filter.actors, ['filter', 'actors']);
  const connectionIds = filterList(filter.connectionIds, ['filter', 'connectionIds']);
  const rows = await context.store.listChanges({
    // One more than the page, to know whether another follows.
    limit: size + 1,
    ...(accounts === undefined ? {} : { accounts }),
    ...(vendors === undefined ? {} : { vendors }),
    ...(kinds === undefined ? {} : { kinds }),
    ...(actors === undefined ? {} : { actors }),
    ...(connectionIds === undefined ? {} : { connectionIds }),
    ...(filter.since ? { since: filter.since } : {}),
    ...(beforeId === undefined ? {} : { beforeId }),
  });
  return {
    edges: rows.slice(0, size).map((node) => ({ cursor: CURSOR.encode(node.id), node })),
    hasNextPage: rows.length > size,
    hasPreviousPage: beforeId !== undefined,
  };
}

/** `scanAccount`'s input. */
export interface ScanAccountInput {
  readonly account: string;
  readonly dryRun?: boolean | null | undefined;
}

/**
 * What `scanAccount` with `dryRun` answers: what a scan of the account would record now (its
 * connections as last seen and as the vendor shows them, one note per change), recording nothing.
 */
export async function previewScanOf(context: GatewayContext, input: ScanAccountInput): Promise<PreviewSpec> {
  const seen = await previewScan(context.deps, scannable(context, input.account));
  if (seen.error !== null) throw seen.error;
  return {
    operation: 'scanAccount',
    account: input.account,
    targetId: null,
    before: byName(seen.before),
    after: byName(seen.after),
    notes: seen.changes.length === 0 ? ['The account is as Patchbay last saw it: a scan would record no change.'] : seen.changes.map(describe),
  };
}

/**
 * Scans one account now (`scanAccount`, inside `audited`), on this replica, whatever its schedule.
 * A scan another replica is running answers `MutationInProgressError`.
 */
export async function scanAccountNow(context: GatewayContext, input: ScanAccountInput): Promise<ScanOutcome> {
  const { history } = context.deps.gateway;
  const outcome = await runScan(context.deps, scannable(context, input.account), { intervalSeconds: history.scanIntervalSeconds || 300, jitter: history.scanJitter }, true);
  if (outcome === 'held-elsewhere' || outcome === 'not-due') {
    const seconds = Math.ceil(context.deps.gateway.requestDeadlineMs / 1000);
    throw new MutationInProgressError(`A scan of account "${input.account}" is running on another replica; its changes will be in \`changes\` when it ends. Ask again in ${seconds} s.`, seconds);
  }
  return outcome;
}

function scannable(context: GatewayContext, key: string): AccountEntry {
  const found = context.accounts.get(key);
  if (found === undefined) throw new NotFoundError(`No account "${key}" is configured.`);
  return found;
}

/** Connections by name (a repeated name gets its position), as a preview compares them. */
function byName(connections: ReadonlyMap<string, ConnectionBase>): Record<string, ConnectionBase> {
  const named: Record<string, ConnectionBase> = {};
  for (const connection of [...connections.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    let key = connection.name;
    for (let n = 2; key in named; n++) key = `${connection.name} #${n}`;
    named[key] = connection;
  }
  return named;
}

/** One change a scan would record, in words. */
function describe(change: ChangeRow): string {
  const fields = change.diff.map((field) => `${field.path} ${field.kind}`).join(', ');
  return `${change.name}: ${change.kind}${fields === '' ? '' : ` (${fields})`}`;
}

/** A connection served from its snapshot while its account fails: when it was last seen. */
const staleSince = new WeakMap<ConnectionBase, Date>();

/** When a connection served stale was last seen; null for one read live. */
export function observedAtOf(connection: ConnectionBase): Date | null {
  return staleSince.get(connection) ?? null;
}

/**
 * The last known connections of accounts that failed as a whole (`connections(staleIfFailed:
 * true)`): each marked stale with when it was last seen. Deleted ones are not served.
 */
export async function staleConnections(
  context: GatewayContext,
  failures: readonly { readonly account: { readonly key: string }; readonly part: string | null; readonly error: PatchbayError }[],
): Promise<ConnectionBase[]> {
  const failed = failures.filter((failure) => failure.part === null).map((failure) => failure.account.key);
  const connections: ConnectionBase[] = [];
  for (const key of new Set(failed)) {
    const entry = context.accounts.get(key);
    if (entry === undefined) continue;
    for (const snapshot of await context.store.listSnapshots({ account: key })) {
      if (snapshot.item === null) continue;
      const connection = decodeItem(snapshot.item, entry.ref);
      staleSince.set(connection, snapshot.observedAt);
      connections.push(connection);
    }
  }
  return connections;
}
