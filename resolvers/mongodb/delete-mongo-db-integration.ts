import { builder } from '../../schema/builder.js';
import { DeletedPayload } from '../../schema/deleted-payload.js';
import { DeleteMongoDbIntegrationInput } from '../../schema/mongodb/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { noteConnectionGone } from '../../src/app/custody.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { previewMongoDbDelete } from '../../src/vendors/mongodb/preview.js';
import { confirmDelete, stillThere } from '../../src/app/settle.js';
import { accountOfGlobalId, requireConnectionId } from '../../src/app/lookup.js';
import { mongoDbRuntime, mongoDbLoaders } from '../../src/vendors/mongodb/runtime.js';

builder.mutationField('deleteMongoDbIntegration', (t) =>
  t.field({
    type: DeletedPayload,
    description: 'Removes one integration from its Cloud Manager project.',
    args: { input: t.arg({ type: DeleteMongoDbIntegrationInput, required: true, description: 'The integration.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'DeleteMongoDbIntegrationResult', description: 'The id of the deleted integration, or why it could not be deleted.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'deleteMongoDbIntegration',
          account: accountOfGlobalId(context, input.id),
          targetId: input.id,
          input,
          preview: () => previewMongoDbDelete(context, requireConnectionId(context, mongoDbRuntime, input.id).key),
        },
        async () => {
          const {
            key,
            entry: { client },
          } = requireConnectionId(context, mongoDbRuntime, input.id);
          try {
            const { alreadyGone } = await confirmDelete(
              () => client.deleteIntegration(context.scope, key.groupId, key.type),
              () => stillThere(() => client.getIntegration(context.scope, key.groupId, key.type)),
            );
            // Fingerprints are kept under the id as Patchbay makes it (the one given may be spelled otherwise).
            noteConnectionGone(encodeGlobalId(mongoDbRuntime.ids.typename, innerId(key.account, key.groupId, key.type)));
            return { deletedId: input.id, alreadyGone };
          } finally {
            // Whatever happened, the project's cached list may be out of date now.
            mongoDbLoaders(context).mongoDbGroup.clear({ account: key.account, groupId: key.groupId });
          }
        },
      ),
  }),
);
