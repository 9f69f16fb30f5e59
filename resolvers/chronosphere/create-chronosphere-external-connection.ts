import { builder } from '../../schema/builder.js';
import { ChronosphereExternalConnectionPayload, CreateChronosphereExternalConnectionInput } from '../../schema/chronosphere/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited, readBackRecovery } from '../../src/app/audit.js';
import { settleByReadBack } from '../../src/app/settle.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { requireAccount } from '../../src/app/lookup.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildConnection, type ChronosphereConnectionInput } from '../../src/vendors/chronosphere/input.js';
import type { ChronosphereExternalConnection } from '../../src/vendors/chronosphere/map.js';
import { chronosphereRuntime, chronosphereLoaders } from '../../src/vendors/chronosphere/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<ChronosphereConnectionInput, typeof CreateChronosphereExternalConnectionInput.$inferInput>;

builder.mutationField('createChronosphereExternalConnection', (t) =>
  t.field({
    type: ChronosphereExternalConnectionPayload,
    description: 'Creates a Chronosphere external connection (or, with `dryRun`, only has Chronosphere validate it). A slug that already exists is a `ConflictError`.',
    args: { input: t.arg({ type: CreateChronosphereExternalConnectionInput, required: true, description: 'The new connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'CreateChronosphereExternalConnectionResult', description: 'What the create (or dry run) did, or why it failed.' } },
    resolve: (_, { input }, context) => {
      const dryRun = input.dryRun === true;
      const slug = typeof input.slug === 'string' ? input.slug : null;
      // Natural key: the slug, when the caller chose it. Settled when that slug now holds this name.
      const readBack = async () => {
        if (dryRun || slug === null) return null;
        const { client } = requireAccount(context, input.account, chronosphereRuntime);
        const found = await client.readConnection(context.scope, slug);
        return found.name === input.name ? { dryRun: false, connection: found, unsetSecrets: buildConnection(input).unsetSecrets } : null;
      };
      const primed = <P extends { readonly connection: ChronosphereExternalConnection | null }>(result: P): P => {
        if (result.connection) {
          chronosphereLoaders(context)
            .chronosphereConnection.clear({ account: input.account, slug: result.connection.slug })
            .prime({ account: input.account, slug: result.connection.slug }, result.connection);
          chronosphereLoaders(context).chronosphereConnections.clear(input.account);
        }
        return result;
      };
      return audited(
        context,
        {
          operation: 'createChronosphereExternalConnection',
          account: input.account,
          targetId: null,
          input,
          // A run that stopped mid-way is settled by the same read-back (never a second create).
          recovery: readBackRecovery(readBack, primed),
        },
        async () => {
          const { client } = requireAccount(context, input.account, chronosphereRuntime);
          const built = buildConnection(input);
          return primed(await settleByReadBack(() => client.createConnection(context.scope, built, { dryRun }), readBack));
        },
        (payload) => (payload.connection ? connectionGlobalId(chronosphereRuntime, payload.connection) : null),
      );
    },
  }),
);
