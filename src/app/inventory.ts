import type { AccountEntry } from './accounts.js';
import type { GatewayContext } from './context.js';
import { NotFoundError, PatchbayError, VendorContractError } from '../core/errors.js';
import type { ConnectionBase } from '../core/domain.js';
import type { Listed, ListedItemFailure } from './vendor-runtime.js';
import type { ConnectedService } from '../core/vendor.js';

/** How a list across accounts is narrowed. */
export interface ConnectionFilter {
  readonly vendors?: readonly string[] | null | undefined;
  readonly accounts?: readonly string[] | null | undefined;
  readonly services?: readonly ConnectedService[] | null | undefined;
  /** Case-insensitive substring of the name. */
  readonly search?: string | null | undefined;
}

/** An account, or a part of one, whose connections could not be listed, and why. */
export interface AccountFailure {
  readonly account: AccountEntry['ref'];
  /** The part that failed while the rest of the account answered; null when the whole account failed. */
  readonly part: string | null;
  readonly error: PatchbayError;
}

/** One item an account listed that could not be read; the account's other items still answered. */
export interface ItemFailure {
  readonly account: AccountEntry['ref'];
  /** The part of the account it belongs to; null for an account without parts. */
  readonly part: string | null;
  /** The vendor's id of the item, when it could be read. */
  readonly vendorId: string | null;
  readonly error: VendorContractError;
}

export interface Inventory {
  readonly connections: readonly ConnectionBase[];
  readonly failures: readonly AccountFailure[];
  readonly itemFailures: readonly ItemFailure[];
}

/** Lists one account's connections through its vendor's module. */
export async function listAccount(context: GatewayContext, entry: AccountEntry, filter: ConnectionFilter): Promise<Listed<ConnectionBase>> {
  const { listing } = entry.vendor;
  if (listing.kind === 'vendor') return listing.list(context, entry, filter);
  // No list endpoint: read each tracked key. One deleted outside Patchbay is simply gone from the
  // list; one the vendor answers with something unreadable is an item failure beside the others.
  const keys = await listing.trackedKeys(context, entry);
  const items: ConnectionBase[] = [];
  const itemFailures: ListedItemFailure[] = [];
  await Promise.all(
    keys.map(async (key, index) => {
      try {
        items.push(await entry.vendor.read(context, entry, key));
      } catch (error) {
        if (error instanceof NotFoundError) return;
        if (error instanceof VendorContractError) {
          itemFailures.push({ vendorId: listing.vendorIdOf(key), index, part: null, error });
          return;
        }
        throw error;
      }
    }),
  );
  // Reads finish in any order (the page sorts the items); failures keep the tracked order.
  return { items, failures: [], itemFailures: itemFailures.sort((a, b) => a.index - b.index) };
}

/** The connections that `filter`'s service and name criteria select (accounts and vendors are chosen before listing). */
export function filterConnections(connections: readonly ConnectionBase[], filter: ConnectionFilter): ConnectionBase[] {
  return connections.filter((connection) => matches(connection, filter));
}

function matches(connection: ConnectionBase, filter: ConnectionFilter): boolean {
  if (filter.services?.length && !filter.services.includes(connection.service)) return false;
  if (filter.search && !connection.name.toLowerCase().includes(filter.search.toLowerCase())) return false;
  return true;
}

/**
 * Asks every selected account at once and merges what came back. One account failing never
 * fails the list: it becomes an `AccountFailure` beside the other accounts' items.
 */
export async function collectInventory(context: GatewayContext, filter: ConnectionFilter): Promise<Inventory> {
  const entries = context.accounts.entries.filter(
    (entry) => (!filter.vendors?.length || filter.vendors.includes(entry.vendor.id)) && (!filter.accounts?.length || filter.accounts.includes(entry.ref.key)),
  );
  const settled = await Promise.all(
    entries.map(async (entry) => {
      try {
        return { entry, listed: await listAccount(context, entry, filter) };
      } catch (error) {
        if (error instanceof PatchbayError) return { entry, error };
        throw error;
      }
    }),
  );
  const connections: ConnectionBase[] = [];
  const failures: AccountFailure[] = [];
  const itemFailures: ItemFailure[] = [];
  for (const result of settled) {
    if ('error' in result) {
      failures.push({ account: result.entry.ref, part: null, error: result.error });
      continue;
    }
    connections.push(...result.listed.items.filter((c) => matches(c, filter)));
    for (const failure of result.listed.failures) failures.push({ account: result.entry.ref, part: failure.part, error: failure.error });
    for (const failure of result.listed.itemFailures) itemFailures.push({ account: result.entry.ref, part: failure.part, vendorId: failure.vendorId, error: failure.error });
  }
  return { connections, failures, itemFailures };
}
