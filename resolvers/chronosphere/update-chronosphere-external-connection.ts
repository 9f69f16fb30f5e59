import { builder } from '../../schema/builder.js';
import { ChronosphereExternalConnectionPayload, UpdateChronosphereExternalConnectionInput } from '../../schema/chronosphere/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { requireAccount } from '../../src/app/lookup.js';
import { settleUpdateByReadBack } from '../../src/app/settle.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildConnection, type ChronosphereConnectionInput } from '../../src/vendors/chronosphere/input.js';
import { chronosphereConnectionShown } from '../../src/vendors/chronosphere/read-back.js';
import { chronosphereRuntime, chronosphereLoaders } from '../../src/vendors/chronosphere/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<ChronosphereConnectionInput, typeof UpdateChronosphereExternalConnectionInput.$inferInput>;

builder.mutationField('updateChronosphereExternalConnection', (t) =>
  t.field({
    type: ChronosphereExternalConnectionPayload,
    description:
      'Replaces a Chronosphere external connection (PUT, a full replace): the input is its whole new state, secrets included. Secrets the input leaves out hold no value afterwards and are listed in `unsetSecrets`; Patchbay never re-sends a value it read (Chronosphere reads secrets back as `**REDACTED**`). With `createIfMissing` it creates the connection when the slug is unknown; with `dryRun` Chronosphere only validates.',
    args: { input: t.arg({ type: UpdateChronosphereExternalConnectionInput, required: true, description: 'The connection’s new state.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'UpdateChronosphereExternalConnectionResult', description: 'What the replace (or dry run) did, or why it failed.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'updateChronosphereExternalConnection',
          account: input.account,
          targetId: encodeGlobalId('ChronosphereExternalConnection', innerId(input.account, input.slug)),
          input,
        },
        async () => {
          const { client } = requireAccount(context, input.account, chronosphereRuntime);
          // Validated with the rest of the input, so every problem is reported at once.
          const built = buildConnection(input);
          const slug = input.slug;
          const dryRun = input.dryRun === true;
          // Natural key: the slug. An unreadable 2xx or a lost answer is done only when the slug now holds what was sent.
          const result = await settleUpdateByReadBack(
            () => client.updateConnection(context.scope, slug, built, { createIfMissing: input.createIfMissing === true, dryRun }),
            async () => (dryRun ? null : { dryRun: false, connection: await client.readConnection(context.scope, slug), unsetSecrets: built.unsetSecrets }),
            (found) => found.connection !== null && chronosphereConnectionShown(found.connection, built),
          );
          if (result.connection) {
            const key = { account: input.account, slug };
            chronosphereLoaders(context).chronosphereConnection.clear(key).prime(key, result.connection);
            chronosphereLoaders(context).chronosphereConnections.clear(input.account);
          }
          return result;
        },
      ),
  }),
);
