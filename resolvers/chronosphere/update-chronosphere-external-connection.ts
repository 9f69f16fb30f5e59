import { builder } from '../../schema/builder.js';
import { ChronosphereExternalConnectionPayload, UpdateChronosphereExternalConnectionInput } from '../../schema/chronosphere/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten, storedFingerprints } from '../../src/app/custody.js';
import { requireAccount } from '../../src/app/lookup.js';
import { NotFoundError } from '../../src/core/errors.js';
import { settleUpdateByReadBack } from '../../src/app/settle.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildConnection, type ChronosphereConnectionInput } from '../../src/vendors/chronosphere/input.js';
import { predictedConnection } from '../../src/vendors/chronosphere/custody.js';
import type { ChronosphereExternalConnection } from '../../src/vendors/chronosphere/map.js';
import { chronosphereConnectionShown } from '../../src/vendors/chronosphere/read-back.js';
import { chronosphereRuntime, chronosphereLoaders } from '../../src/vendors/chronosphere/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<ChronosphereConnectionInput, typeof UpdateChronosphereExternalConnectionInput.$inferInput>;

builder.mutationField('updateChronosphereExternalConnection', (t) =>
  t.field({
    type: ChronosphereExternalConnectionPayload,
    description:
      'Replaces a Chronosphere external connection (PUT, a full replace): the input is its whole new state, secrets included. Secrets the input leaves out hold no value afterwards and are listed in `unsetSecrets`; Patchbay never re-sends a value it read (Chronosphere reads secrets back as `**REDACTED**`). With `createIfMissing` it creates the connection when the slug is unknown. With `dryRun` it answers a `WritePreview` (every secret the replace would unset shows as `UNSET`) that Chronosphere validated (its `dry_run`), and writes nothing.',
    args: { input: t.arg({ type: UpdateChronosphereExternalConnectionInput, required: true, description: 'The connection’s new state.' }) },
    errors: {
      types: [...WRITE_ERRORS],
      directResult: true,
      union: { name: 'UpdateChronosphereExternalConnectionResult', description: 'What the replace did (or, with `dryRun`, would do), or why it failed.' },
    },
    resolve: (_, { input }, context) => {
      const targetId = encodeGlobalId(chronosphereRuntime.ids.typename, innerId(input.account, input.slug));
      return audited(
        context,
        {
          operation: 'updateChronosphereExternalConnection',
          account: input.account,
          targetId,
          input,
          // Chronosphere validates the replace itself (`dry_run`, which writes nothing).
          preview: async () => {
            const entry = requireAccount(context, input.account, chronosphereRuntime);
            const built = buildConnection(input);
            const upsert = input.createIfMissing === true;
            let current: ChronosphereExternalConnection | null = null;
            try {
              current = await chronosphereRuntime.read(context, entry, { account: input.account, slug: input.slug });
            } catch (error) {
              // An upsert of a slug that does not exist is a create.
              if (!(upsert && error instanceof NotFoundError)) throw error;
            }
            await entry.client.updateConnection(context.scope, input.slug, built, { createIfMissing: upsert, dryRun: true });
            return {
              operation: 'updateChronosphereExternalConnection',
              account: input.account,
              targetId: current === null ? null : targetId,
              current,
              after: predictedConnection(entry.ref, input.slug, built),
              secrets: built.secrets,
              // A PUT replaces the whole object: every secret set now and not sent would hold no value.
              unset: 'others',
              fingerprints: await storedFingerprints(context, targetId),
              vendorValidated: true,
              notes: [],
            };
          },
        },
        async () => {
          const { client } = requireAccount(context, input.account, chronosphereRuntime);
          // Validated with the rest of the input, so every problem is reported at once.
          const built = buildConnection(input);
          const slug = input.slug;
          // Natural key: the slug. An unreadable 2xx or a lost answer is done only when the slug now holds what was sent.
          const result = await settleUpdateByReadBack(
            () => client.updateConnection(context.scope, slug, built, { createIfMissing: input.createIfMissing === true }),
            async () => ({ dryRun: false, connection: await client.readConnection(context.scope, slug), unsetSecrets: built.unsetSecrets }),
            (found) => found.connection !== null && chronosphereConnectionShown(found.connection, built),
          );
          if (result.connection) {
            const key = { account: input.account, slug };
            chronosphereLoaders(context).chronosphereConnection.clear(key).prime(key, result.connection);
            chronosphereLoaders(context).chronosphereConnections.clear(input.account);
            // A full replace: the connection holds exactly the secrets sent.
            noteSecretsWritten(context, result.connection, connectionGlobalId(chronosphereRuntime, result.connection), built.secrets, 'others');
          }
          return result;
        },
      );
    },
  }),
);
