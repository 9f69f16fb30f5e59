import { builder } from '../schema/builder.js';
import { DeletedPayload } from '../schema/datadog/mutations.js';
import { DeleteMongoDbIntegrationInput } from '../schema/mongodb/mutations.js';
import { parseMongoDbIntegrationId } from '../schema/mongodb/integration.js';
import { WRITE_ERRORS } from '../schema/errors.js';
import { audited } from '../src/app/audit.js';
import { NotFoundError } from '../src/core/errors.js';
import { decodeGlobalId } from '../src/core/ids.js';
import { accountOfGlobalId, requireAccount } from '../src/app/lookup.js';

builder.mutationField('deleteMongoDbIntegration', (t) =>
  t.field({
    type: DeletedPayload,
    description: 'Removes one integration from its Cloud Manager project.',
    args: { input: t.arg({ type: DeleteMongoDbIntegrationInput, required: true, description: 'The integration.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'DeleteMongoDbIntegrationResult', description: 'The id of the deleted integration, or why it could not be deleted.' } },
    resolve: (_, { input }, context) =>
      audited(context, { operation: 'deleteMongoDbIntegration', account: accountOfGlobalId(context, input.id), targetId: input.id, input }, async () => {
        const decoded = decodeGlobalId(input.id);
        const key = decoded.typename === 'MongoDbIntegration' ? parseMongoDbIntegrationId(context, decoded.id) : null;
        if (!key) throw new NotFoundError(`No MongoDbIntegration has the id "${input.id}".`, input.id);
        const { client } = requireAccount(context, key.account, 'mongodb');
        try {
          await client.deleteIntegration(context.scope, key.groupId, key.type);
        } finally {
          // Whatever happened, the project's cached list may be out of date now.
          context.loaders.mongoDbGroup.clear({ account: key.account, groupId: key.groupId });
        }
        return { deletedId: input.id };
      }),
  }),
);
