import { builder } from '../../schema/builder.js';
import { ChronosphereExternalConnectionFilterInput, ChronosphereExternalConnectionPageRef } from '../../schema/chronosphere/external-connection.js';
import { READ_ERRORS } from '../../schema/errors.js';
import { InputValidationError } from '../../src/core/errors.js';
import { InputChecks } from '../../src/core/input-check.js';
import { requireAccount } from '../../src/app/lookup.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/core/pagination.js';
import { chronosphereRuntime, chronosphereLoaders } from '../../src/vendors/chronosphere/runtime.js';

const CURSOR_PREFIX = 'chronosphere:';

/** Our cursor wraps Chronosphere's opaque page token, so a foreign cursor is recognised before any call. */
function decodeCursor(after: string | null | undefined): string | null {
  if (!after) return null;
  const text = /^[A-Za-z0-9_-]+$/.test(after) ? Buffer.from(after, 'base64url').toString('utf8') : '';
  if (!text.startsWith(CURSOR_PREFIX) || text.length === CURSOR_PREFIX.length) {
    throw InputValidationError.single(['after'], 'is not a cursor this list produced');
  }
  return text.slice(CURSOR_PREFIX.length);
}

function encodeCursor(token: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${token}`, 'utf8').toString('base64url');
}

/** Slugs and names go to Chronosphere in the query string: each is bounded like a slug (catalogue.ts, `SLUG`). */
const MAX_FILTER_VALUE = 256;

function checkNames(values: readonly string[] | null | undefined, field: string): string[] | undefined {
  if (!values) return undefined;
  if (values.length > MAX_PAGE_SIZE) throw InputValidationError.single(['filter', field], `must list at most ${MAX_PAGE_SIZE} values`);
  const out = new InputChecks();
  values.forEach((value, index) => {
    const path = ['filter', field, String(index)];
    if (out.maxLength(value, path, MAX_FILTER_VALUE) && value.trim() === '') out.fail(path, 'must not be empty');
  });
  out.throwIfAny();
  return [...values];
}

builder.queryField('chronosphereExternalConnections', (t) =>
  t.field({
    type: ChronosphereExternalConnectionPageRef,
    description: "One page of a Chronosphere account's external connections, filtered at Chronosphere. `first` is passed on as the page size Chronosphere should prefer; it may return fewer or more.",
    args: {
      account: t.arg.string({ required: true, description: 'The Chronosphere account, by its config key.' }),
      filter: t.arg({ type: ChronosphereExternalConnectionFilterInput, description: 'Narrows the list.' }),
      first: t.arg.int({ description: `Preferred page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` }),
      after: t.arg.string({ description: 'A cursor from a previous page.' }),
    },
    errors: {
      types: [...READ_ERRORS],
      directResult: true,
      union: { name: 'ChronosphereExternalConnectionsResult', description: 'A page of Chronosphere external connections, or why it could not be read.' },
    },
    resolve: async (_, args, context) => {
      const { client, ref } = requireAccount(context, args.account, chronosphereRuntime);
      const first = args.first ?? DEFAULT_PAGE_SIZE;
      // 0 would mean "the server's default" to Chronosphere, so it is refused rather than passed on.
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw InputValidationError.single(['first'], `must be between 1 and ${MAX_PAGE_SIZE}`);
      const pageToken = decodeCursor(args.after);
      const filter = {
        slugs: checkNames(args.filter?.slugs, 'slugs'),
        names: checkNames(args.filter?.names, 'names'),
        connectionTypes: args.filter?.connectionTypes ? [...args.filter.connectionTypes] : undefined,
      };
      const page = await client.listPage(context.scope, { filter, pageSize: first, pageToken });
      for (const connection of page.connections) {
        chronosphereLoaders(context).chronosphereConnection.prime({ account: args.account, slug: connection.slug }, connection);
      }
      return {
        nodes: page.connections,
        endCursor: page.nextPageToken === null ? null : encodeCursor(page.nextPageToken),
        hasNextPage: page.nextPageToken !== null,
        itemFailures: page.itemFailures.map((failure) => ({ account: ref, part: null, vendorId: failure.vendorId, error: failure.error })),
      };
    },
  }),
);
