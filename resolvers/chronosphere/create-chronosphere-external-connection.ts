import { builder } from '../../schema/builder.js';
import { ChronosphereExternalConnectionPayload, CreateChronosphereExternalConnectionInput } from '../../schema/chronosphere/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited, readBackRecovery } from '../../src/app/audit.js';
import { settleByReadBack } from '../../src/app/settle.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten } from '../../src/app/custody.js';
import { requireAccount } from '../../src/app/lookup.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildConnection, type ChronosphereConnectionInput } from '../../src/vendors/chronosphere/input.js';
import { predictedConnection } from '../../src/vendors/chronosphere/custody.js';
import type { ChronosphereExternalConnection } from '../../src/vendors/chronosphere/map.js';
import { chronosphereRuntime, chronosphereLoaders } from '../../src/vendors/chronosphere/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<ChronosphereConnectionInput, typeof CreateChronosphereExternalConnectionInput.$inferInput>;

builder.mutationField('createChronosphereExternalConnection', (t) =>
  t.field({
    type: ChronosphereExternalConnectionPayload,
    description:
      'Creates a Chronosphere external connection. A slug that already exists is a `ConflictError`. With `dryRun` it answers a `WritePreview` that Chronosphere validated (its `dry_run`), and creates nothing.',
    args: { input: t.arg({ type: CreateChronosphereExternalConnectionInput, required: true, description: 'The new connection.' }) },
    errors: {
      types: [...WRITE_ERRORS],
      directResult: true,
      union: { name: 'CreateChronosphereExternalConnectionResult', description: 'What the create did (or, with `dryRun`, would do), or why it failed.' },
    },
    resolve: (_, { input }, context) => {
      const slug = typeof input.slug === 'string' ? input.slug : null;
      // Natural key: the slug, when the caller chose it. Settled when that slug now holds this name.
      const readBack = async () => {
        if (slug === null) return null;
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
          // Chronosphere validates the connection itself (`dry_run`, which stores nothing).
          preview: async () => {
            const { client, ref } = requireAccount(context, input.account, chronosphereRuntime);
            const built = buildConnection(input);
            await client.createConnection(context.scope, built, { dryRun: true });
            return {
              operation: 'createChronosphereExternalConnection',
              account: input.account,
              targetId: null,
              current: null,
              after: predictedConnection(ref, slug, built),
              secrets: built.secrets,
              unset: [],
              fingerprints: new Map<string, string>(),
              vendorValidated: true,
              notes: slug === null ? ['Chronosphere makes the slug from the name when the connection is created; the preview does not show it.'] : [],
            };
          },
        },
        async () => {
          const { client } = requireAccount(context, input.account, chronosphereRuntime);
          const built = buildConnection(input);
          const result = primed(await settleByReadBack(() => client.createConnection(context.scope, built), readBack));
          // The new connection holds exactly the secrets sent.
          if (result.connection) noteSecretsWritten(context, result.connection, connectionGlobalId(chronosphereRuntime, result.connection), built.secrets, 'others');
          return result;
        },
        (payload) => (payload.connection ? connectionGlobalId(chronosphereRuntime, payload.connection) : null),
      );
    },
  }),
);
