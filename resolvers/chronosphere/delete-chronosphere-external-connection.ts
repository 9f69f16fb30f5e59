import { builder } from '../../schema/builder.js';
import { ChronosphereExternalConnectionDeletedPayload, ChronosphereExternalConnectionIdInput } from '../../schema/chronosphere/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { confirmDelete, stillThere } from '../../src/app/settle.js';
import { accountOfGlobalId, requireConnectionId } from '../../src/app/lookup.js';
import { checkSlug } from '../../src/vendors/chronosphere/input.js';
import { chronosphereLoaders, chronosphereRuntime } from '../../src/vendors/chronosphere/runtime.js';

builder.mutationField('deleteChronosphereExternalConnection', (t) =>
  t.field({
    type: ChronosphereExternalConnectionDeletedPayload,
    description: 'Deletes a Chronosphere external connection. Chronosphere refuses (`VendorValidationError`, HTTP 400) while a notification policy still uses it; remove it from those policies first.',
    args: { input: t.arg({ type: ChronosphereExternalConnectionIdInput, required: true, description: 'The connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'DeleteChronosphereExternalConnectionResult', description: 'The deleted connection, or why it could not be deleted.' } },
    resolve: (_, { input }, context) =>
      audited(context, { operation: 'deleteChronosphereExternalConnection', account: accountOfGlobalId(context, input.id), targetId: input.id, input }, async () => {
        const { entry, key } = requireConnectionId(context, chronosphereRuntime, input.id);
        const slug = checkSlug(key.slug, ['id']);
        try {
          const { alreadyGone } = await confirmDelete(
            () => entry.client.deleteConnection(context.scope, slug),
            () => stillThere(() => entry.client.readConnection(context.scope, slug)),
          );
          return { deletedId: input.id, slug, alreadyGone };
        } finally {
          chronosphereLoaders(context).chronosphereConnection.clear({ account: entry.ref.key, slug });
          chronosphereLoaders(context).chronosphereConnections.clear(entry.ref.key);
        }
      }),
  }),
);
