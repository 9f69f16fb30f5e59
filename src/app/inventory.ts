import type { AccountEntry } from './accounts.js';
import type { AnyConnection } from './connections.js';
import type { GatewayContext } from './context.js';
import { NotFoundError, PatchbayError } from '../core/errors.js';
import { loadOnce } from './loaders/index.js';
import type { ConnectedService, VendorId } from '../core/vendor.js';
import { CHRONOSPHERE_BLOCKS, CONNECTION_TYPE_OF_BLOCK, SERVICE_OF_BLOCK, type ChronosphereConnectionType } from '../vendors/chronosphere/catalogue.js';

/** How a list across accounts is narrowed. */
export interface ConnectionFilter {
  readonly vendors?: readonly VendorId[] | null | undefined;
  readonly accounts?: readonly string[] | null | undefined;
  readonly services?: readonly ConnectedService[] | null | undefined;
  /** Case-insensitive substring of the name. */
  readonly search?: string | null | undefined;
}

/** An account whose connections could not be listed, and why. */
export interface AccountFailure {
  readonly account: AccountEntry['ref'];
  readonly error: PatchbayError;
}

export interface Inventory {
  readonly connections: readonly AnyConnection[];
  readonly failures: readonly AccountFailure[];
}

/**
 * The Chronosphere `connection_types` that cover `services`, so the vendor filters before it
 * pages; null when a service (such as OTHER) has no exact type and the whole list is needed.
 */
function chronosphereTypesFor(services: readonly ConnectedService[] | null | undefined): ChronosphereConnectionType[] | null {
  if (!services?.length || services.includes('OTHER')) return null;
  return CHRONOSPHERE_BLOCKS.filter((block) => services.includes(SERVICE_OF_BLOCK[block])).map((block) => CONNECTION_TYPE_OF_BLOCK[block]);
}

/** Lists one account's connections. Datadog has no list endpoint: its tracked ids are read one by one. */
async function listAccount(context: GatewayContext, entry: AccountEntry, filter: ConnectionFilter): Promise<AnyConnection[]> {
  switch (entry.vendor) {
    case 'datadog': {
      const tracked = await context.store.listTrackedDatadogConnections(entry.ref.key);
      const loaded = await Promise.all(
        tracked.map(async (row) => {
          try {
            return await loadOnce(context.loaders.datadogConnection, { account: entry.ref.key, connectionId: row.connectionId });
          } catch (error) {
            // A tracked connection deleted outside Patchbay is simply gone from the list.
            if (error instanceof NotFoundError) return null;
            throw error;
          }
        }),
      );
      return loaded.filter((c): c is NonNullable<typeof c> => c !== null);
    }
    case 'chronosphere': {
      // A service filter goes to Chronosphere as `connection_types`.
      const types = chronosphereTypesFor(filter.services);
      if (types !== null) return types.length === 0 ? [] : entry.client.listAll(context.scope, { connectionTypes: types });
      // The client follows `page.next_token` to the end, with a hard page limit (DEFAULT_MAX_PAGES).
      return [...(await loadOnce(context.loaders.chronosphereConnections, entry.ref.key))];
    }
    case 'cortex': {
      // No pagination: a workspace holds at most one PagerDuty configuration, and 404 means none.
      try {
        return [await loadOnce(context.loaders.cortexPagerDutyConfiguration, entry.ref.key)];
      } catch (error) {
        if (error instanceof NotFoundError) return [];
        throw error;
      }
    }
    case 'mongodb': {
      // One list per configured project, concurrently; the client reads every `pageNum` with a
      // hard page limit. A project that fails fails the account (it becomes its AccountFailure).
      const groups = await Promise.all(entry.client.groupIds.map((groupId) => loadOnce(context.loaders.mongoDbGroup, { account: entry.ref.key, groupId })));
      return groups.flatMap((group) => group.integrations);
    }
    case 'opsramp':
      // The client follows `nextPage` through /installed/search, with a hard limit (OPSRAMP_MAX_PAGES).
      return [...(await loadOnce(context.loaders.opsRampInstalledIntegrations, entry.ref.key))];
    default: {
      // With several vendors the whole entry narrows to never, not just its `vendor`.
      const unreachable: never = entry;
      throw new Error(`unknown vendor ${String((unreachable as { vendor?: unknown }).vendor)}`);
    }
  }
}

function matches(connection: AnyConnection, filter: ConnectionFilter): boolean {
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
    (entry) => (!filter.vendors?.length || filter.vendors.includes(entry.vendor)) && (!filter.accounts?.length || filter.accounts.includes(entry.ref.key)),
  );
  const settled = await Promise.all(
    entries.map(async (entry) => {
      try {
        return { entry, connections: await listAccount(context, entry, filter) };
      } catch (error) {
        if (error instanceof PatchbayError) return { entry, error };
        throw error;
      }
    }),
  );
  const connections: AnyConnection[] = [];
  const failures: AccountFailure[] = [];
  for (const result of settled) {
    if ('error' in result) failures.push({ account: result.entry.ref, error: result.error });
    else connections.push(...result.connections.filter((c) => matches(c, filter)));
  }
  return { connections, failures };
}
