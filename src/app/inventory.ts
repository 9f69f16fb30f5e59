import type { AccountEntry } from './accounts.js';
import type { GatewayContext } from './context.js';
import { NotFoundError, PatchbayError } from '../core/errors.js';
import type { ConnectionBase } from '../core/domain.js';
import { type Listed, listed } from './vendor-runtime.js';
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

export interface Inventory {
  readonly connections: readonly ConnectionBase[];
  readonly failures: readonly AccountFailure[];
}

/** Lists one account's connections through its vendor's module. */
async function listAccount(context: GatewayContext, entry: AccountEntry, filter: ConnectionFilter): Promise<Listed<ConnectionBase>> {
  const { listing } = entry.vendor;
  if (listing.kind === 'vendor') return listing.list(context, entry, filter);
  // No list endpoint: read each tracked key. One deleted outside Patchbay is simply gone from the list.
  const keys = await listing.trackedKeys(context, entry);
  const loaded = await Promise.all(
    keys.map(async (key) => {
      try {
        return await entry.vendor.read(context, entry, key);
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    }),
  );
  return listed(loaded.filter((connection) => connection !== null));
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
  for (const result of settled) {
    if ('error' in result) {
      failures.push({ account: result.entry.ref, part: null, error: result.error });
      continue;
    }
    connections.push(...result.listed.items.filter((c) => matches(c, filter)));
    for (const failure of result.listed.failures) failures.push({ account: result.entry.ref, part: failure.part, error: failure.error });
  }
  return { connections, failures };
}
