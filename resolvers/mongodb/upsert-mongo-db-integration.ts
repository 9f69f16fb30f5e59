import { builder } from '../../schema/builder.js';
import { UpsertMongoDbIntegrationInput, MongoDbIntegrationPayload } from '../../schema/mongodb/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten } from '../../src/app/custody.js';
import { putMongoDbIntegration } from '../../src/vendors/mongodb/custody.js';
import { previewMongoDbWrite } from '../../src/vendors/mongodb/preview.js';
import { rememberMongoDbWrite } from '../../src/vendors/mongodb/loaders.js';
import { requireAccount } from '../../src/app/lookup.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildIntegrationBody, checkGroupId, type MongoDbIntegrationInput } from '../../src/vendors/mongodb/input.js';
import { mongoDbRuntime, mongoDbLoaders } from '../../src/vendors/mongodb/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<MongoDbIntegrationInput, (typeof UpsertMongoDbIntegrationInput.$inferInput)['integration']>;

builder.mutationField('upsertMongoDbIntegration', (t) =>
  t.field({
    type: MongoDbIntegrationPayload,
    description:
      'Creates or replaces, whole, the integration of one type in a Cloud Manager project (PUT). Every required setting must be given, secrets included: Patchbay never sends back a value it read, and settings left out are removed at the vendor.',
    args: { input: t.arg({ type: UpsertMongoDbIntegrationInput, required: true, description: 'The integration, whole.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'UpsertMongoDbIntegrationResult', description: 'The integration as written, or why it could not be written.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'upsertMongoDbIntegration',
          account: input.account,
          targetId: null,
          input,
          preview: () => previewMongoDbWrite(context, 'upsertMongoDbIntegration', input),
        },
        async () => {
          const { client } = requireAccount(context, input.account, mongoDbRuntime);
          const groupId = checkGroupId(input.groupId, client.groupIds);
          const built = buildIntegrationBody(input.integration);
          // Natural key: project + type. An unreadable 2xx or a lost answer is done only when the type now holds what was sent.
          const result = await putMongoDbIntegration(context, client, groupId, built);
          rememberMongoDbWrite(mongoDbLoaders(context).mongoDbGroup, input.account, result);
          // A PUT replaces the whole integration: the secrets sent are all it holds now.
          noteSecretsWritten(context, result.integration, connectionGlobalId(mongoDbRuntime, result.integration), built.secrets, 'others');
          return { integration: result.integration, groupIntegrations: result.group.integrations };
        },
        (payload) => connectionGlobalId(mongoDbRuntime, payload.integration),
      ),
  }),
);
