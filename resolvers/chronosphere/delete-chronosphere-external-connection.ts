import { builder } from '../../schema/builder.js';
import { ChronosphereExternalConnectionDeletedPayload, ChronosphereExternalConnectionIdInput } from '../../schema/chronosphere/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { noteConnectionGone, storedFingerprints } from '../../src/app/custody.js';
import { confirmDelete, stillThere } from '../../src/app/settle.js';
import { accountOfGlobalId, requireConnectionId } from '../../src/app/lookup.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { checkSlug } from '../../src/vendors/chronosphere/input.js';
import { chronosphereLoaders, chronosphereRuntime } from '../../src/vendors/chronosphere/runtime.js';

builder.mutationField('deleteChronosphereExternalConnection', (t) =>
  t.field({
    type: ChronosphereExternalConnectionDeletedPayload,
    description:
      'Deletes a Chronosphere external connection. Chronosphere refuses (`VendorValidationError`, HTTP 400) while a notification policy still uses it; remove it from those policies first. With `dryRun` it answers a `WritePreview` (read only: Chronosphere has no dry run for a delete) and deletes nothing.',
    args: { input: t.arg({ type: ChronosphereExternalConnectionIdInput, required: true, description: 'The connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'DeleteChronosphereExternalConnectionResult', description: 'The deleted connection, or why it could not be deleted.' } },
    resolve: (_, { input }, context) => {
      /** The connection the id names, its slug checked, and its canonical global id (the one its fingerprints are kept under). */
      const target = () => {
        const { entry, key } = requireConnectionId(context, chronosphereRuntime, input.id);
        const slug = checkSlug(key.slug, ['id']);
        return { entry, slug, globalId: encodeGlobalId(chronosphereRuntime.ids.typename, innerId(entry.ref.key, slug)) };
      };
      return audited(
        context,
        {
          operation: 'deleteChronosphereExternalConnection',
          account: accountOfGlobalId(context, input.id),
          targetId: input.id,
          input,
          preview: async () => {
            const { entry, slug, globalId } = target();
            const current = await chronosphereRuntime.read(context, entry, { account: entry.ref.key, slug });
            return {
              operation: 'deleteChronosphereExternalConnection',
              account: entry.ref.key,
              targetId: globalId,
              current,
              after: null,
              // Every secret it holds goes with it.
              unset: 'others',
              fingerprints: await storedFingerprints(context, globalId),
              vendorValidated: false,
              notes: ['Chronosphere refuses the delete while a notification policy uses the connection; the preview cannot tell whether one does.'],
            };
          },
        },
        async () => {
          const { entry, slug, globalId } = target();
          try {
            const { alreadyGone } = await confirmDelete(
              () => entry.client.deleteConnection(context.scope, slug),
              () => stillThere(() => entry.client.readConnection(context.scope, slug)),
            );
            noteConnectionGone(globalId);
            return { deletedId: input.id, slug, alreadyGone };
          } finally {
            chronosphereLoaders(context).chronosphereConnection.clear({ account: entry.ref.key, slug });
            chronosphereLoaders(context).chronosphereConnections.clear(entry.ref.key);
          }
        },
      );
    },
  }),
);
