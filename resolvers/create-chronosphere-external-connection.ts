import { builder } from '../src/builder.js';
import { ChronosphereExternalConnectionPayload, CreateChronosphereExternalConnectionInput } from '../schema/chronosphere/mutations.js';
import { WRITE_ERRORS } from '../schema/errors.js';
import { audited } from '../src/audit.js';
import { connectionGlobalId } from '../src/connections.js';
import { requireAccount } from '../src/lookup.js';
import { buildConnection } from '../src/vendors/chronosphere/input.js';

builder.mutationField('createChronosphereExternalConnection', (t) =>
  t.field({
    type: ChronosphereExternalConnectionPayload,
    description:
      'Creates a Chronosphere external connection (or, with `dryRun`, only has Chronosphere validate it). A slug that already exists is a `ConflictError`.',
    args: { input: t.arg({ type: CreateChronosphereExternalConnectionInput, required: true, description: 'The new connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'CreateChronosphereExternalConnectionResult', description: 'What the create (or dry run) did, or why it failed.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        { operation: 'createChronosphereExternalConnection', account: input.account, targetId: null, input },
        async () => {
          const { client } = requireAccount(context, input.account, 'chronosphere');
          const built = buildConnection(input);
          const result = await client.createConnection(context.scope, built, { dryRun: input.dryRun === true });
          if (result.connection) {
            context.loaders.chronosphereConnection.clear({ account: input.account, slug: result.connection.slug }).prime({ account: input.account, slug: result.connection.slug }, result.connection);
            context.loaders.chronosphereConnections.clear(input.account);
          }
          return result;
        },
        (payload) => (payload.connection ? connectionGlobalId(payload.connection) : null),
      ),
  }),
);
