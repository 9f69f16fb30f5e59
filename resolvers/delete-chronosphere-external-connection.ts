import { builder } from '../schema/builder.js';
import { ChronosphereExternalConnectionDeletedPayload, ChronosphereExternalConnectionIdInput } from '../schema/chronosphere/mutations.js';
import { WRITE_ERRORS } from '../schema/errors.js';
import { audited } from '../src/app/audit.js';
import { accountOfGlobalId, requireObjectId } from '../src/app/lookup.js';
import { checkSlug } from '../src/vendors/chronosphere/input.js';

builder.mutationField('deleteChronosphereExternalConnection', (t) =>
  t.field({
    type: ChronosphereExternalConnectionDeletedPayload,
    description:
      'Deletes a Chronosphere external connection. Chronosphere refuses (`VendorValidationError`, HTTP 400) while a notification policy still uses it; remove it from those policies first.',
    args: { input: t.arg({ type: ChronosphereExternalConnectionIdInput, required: true, description: 'The connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'DeleteChronosphereExternalConnectionResult', description: 'The deleted connection, or why it could not be deleted.' } },
    resolve: (_, { input }, context) =>
      audited(context, { operation: 'deleteChronosphereExternalConnection', account: accountOfGlobalId(context, input.id), targetId: input.id, input }, async () => {
        const { entry, parts } = requireObjectId(context, input.id, 'ChronosphereExternalConnection', 'chronosphere', 1);
        const slug = checkSlug(parts[0], ['id']);
        await entry.client.deleteConnection(context.scope, slug);
        context.loaders.chronosphereConnection.clear({ account: entry.ref.key, slug });
        context.loaders.chronosphereConnections.clear(entry.ref.key);
        return { deletedId: input.id, slug };
      }),
  }),
);
