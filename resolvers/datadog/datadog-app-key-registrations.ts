import { builder } from '../../schema/builder.js';
import { DatadogAppKeyRegistrationPageRef } from '../../schema/datadog/app-key-registration.js';
import { READ_ERRORS } from '../../schema/errors.js';
import { InputValidationError } from '../../src/core/errors.js';
import { requireAccount } from '../../src/app/lookup.js';
import { pageSize } from '../../src/core/pagination.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';

/** Datadog pages by number; our cursor is the next page number, opaque to clients. */
function decodePageCursor(after: string | null | undefined): number {
  if (!after) return 0;
  const match = /^page:(\d{1,9})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match) throw InputValidationError.single(['after'], 'is not a cursor this list produced');
  return Number(match[1]);
}

builder.queryField('datadogAppKeyRegistrations', (t) =>
  t.field({
    type: DatadogAppKeyRegistrationPageRef,
    description: 'The application keys registered for Actions in one Datadog account, a page at a time.',
    args: {
      account: t.arg.string({ required: true, description: 'The Datadog account, by its config key.' }),
      first: t.arg.int({ description: 'Page size, at most 100 (default 50).' }),
      after: t.arg.string({ description: 'A cursor from a previous page.' }),
    },
    errors: { types: [...READ_ERRORS], directResult: true, union: { name: 'DatadogAppKeyRegistrationsResult', description: 'A page of registrations, or why it could not be read.' } },
    resolve: async (_, args, context) => {
      const { client, ref } = requireAccount(context, args.account, datadogRuntime);
      const size = pageSize(args.first);
      const number = decodePageCursor(args.after);
      const page = size === 0 ? { registrations: [], failures: [], received: 0, total: null } : await client.listAppKeyRegistrations(context.scope, { size, number });
      // Unreadable registrations still took their place on Datadog's page.
      const seen = number * size + page.received;
      const hasNextPage = page.total !== null ? seen < page.total : page.received === size && size > 0;
      return {
        nodes: page.registrations,
        itemFailures: page.failures.map((failure) => ({ account: ref, part: null, vendorId: failure.vendorId, error: failure.error })),
        totalCount: page.total,
        hasNextPage,
        endCursor: hasNextPage ? Buffer.from(`page:${number + 1}`, 'utf8').toString('base64url') : null,
      };
    },
  }),
);
