import { builder } from '../schema/builder.js';
import { IntegrationConnectionPageRef, ConnectionFilterInput } from '../schema/connection-page.js';
import { connectionGlobalId, vendorOf } from '../src/app/connections.js';
import { collectInventory, filterConnections } from '../src/app/inventory.js';
import { staleConnections } from '../src/app/history-read.js';
import { compareKeys, decodeCursor, encodeCursor, pageSize, type SortKey } from '../src/core/pagination.js';
import { vendorCalls } from '../schema/vendor-calls.js';

builder.queryField('connections', (t) =>
  t.field({
    type: IntegrationConnectionPageRef,
    description: 'Connections across every configured account (or those the filter selects), ordered by name then id. Accounts that fail are listed in `failures`; the others still answer.',
    // Lists every selected account at once.
    extensions: vendorCalls('perAccount'),
    args: {
      filter: t.arg({ type: ConnectionFilterInput, description: 'Narrows the list.' }),
      first: t.arg.int({ description: 'Page size, at most 100 (default 50).' }),
      after: t.arg.string({ description: 'A cursor from a previous page.' }),
      staleIfFailed: t.arg.boolean({
        description:
          'For an account that fails as a whole, serve the connections Patchbay last saw there (each with `stale: true` and `observedAt`), beside its entry in `failures`, instead of nothing.',
      }),
    },
    resolve: async (_, args, context) => {
      // The page type has no error members: a bad argument is a top-level error whose
      // `extensions.code` is InputValidationError (with `fieldErrors`), never a silent cut.
      const size = pageSize(args.first);
      const after: SortKey | null = args.after ? decodeCursor(args.after) : null;
      const inventory = await collectInventory(context, args.filter ?? {});
      const stale = args.staleIfFailed === true && inventory.failures.length > 0 ? filterConnections(await staleConnections(context, inventory.failures), args.filter ?? {}) : [];
      const sorted = [...inventory.connections, ...stale]
        .map((node) => ({ node, key: [node.name, connectionGlobalId(vendorOf(context.accounts, node), node)] as SortKey }))
        .sort((a, b) => compareKeys(a.key, b.key));
      const start = after ? sorted.findIndex((item) => compareKeys(item.key, after) > 0) : 0;
      const from = start === -1 ? sorted.length : start;
      const slice = sorted.slice(from, from + size);
      return {
        edges: slice.map((item) => ({ cursor: encodeCursor(item.key), node: item.node })),
        totalCount: sorted.length,
        failures: inventory.failures,
        itemFailures: inventory.itemFailures,
        hasNextPage: from + size < sorted.length,
        hasPreviousPage: from > 0,
      };
    },
  }),
);
