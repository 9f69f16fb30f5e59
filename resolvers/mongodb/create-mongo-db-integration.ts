import { builder } from '../../schema/builder.js';
import { CreateMongoDbIntegrationInput, MongoDbIntegrationPayload } from '../../schema/mongodb/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited, readBackRecovery } from '../../src/app/audit.js';
import { settleByReadBack } from '../../src/app/settle.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten } from '../../src/app/custody.js';
import { rememberMongoDbWrite } from '../../src/vendors/mongodb/loaders.js';
import { requireAccount } from '../../src/app/lookup.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildIntegrationBody, checkGroupId, type MongoDbIntegrationInput } from '../../src/vendors/mongodb/input.js';
import { previewMongoDbWrite } from '../../src/vendors/mongodb/preview.js';
import { mongoDbRuntime, mongoDbLoaders } from '../../src/vendors/mongodb/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<MongoDbIntegrationInput, (typeof CreateMongoDbIntegrationInput.$inferInput)['integration']>;

builder.mutationField('createMongoDbIntegration', (t) =>
  t.field({
    type: MongoDbIntegrationPayload,
    description:
      'Adds an integration to a Cloud Manager project (POST). A project holds one integration per type: when the type exists, the result is a `ConflictError` (use `upsertMongoDbIntegration`).',
    args: { input: t.arg({ type: CreateMongoDbIntegrationInput, required: true, description: 'The new integration.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'CreateMongoDbIntegrationResult', description: 'The created integration, or why it could not be created.' } },
    resolve: (_, { input }, context) => {
      // Natural key: project + type. Settled when the type now exists in the project.
      const readBack = async () => {
        const { client } = requireAccount(context, input.account, mongoDbRuntime);
        const groupId = checkGroupId(input.groupId, client.groupIds);
        const type = buildIntegrationBody(input.integration).type;
        const group = await client.listIntegrations(context.scope, groupId);
        const integration = group.integrations.find((i) => i.type === type);
        return integration ? { integration, group, complete: true } : null;
      };
      const payload = (result: NonNullable<Awaited<ReturnType<typeof readBack>>>) => {
        rememberMongoDbWrite(mongoDbLoaders(context).mongoDbGroup, input.account, result);
        return { integration: result.integration, groupIntegrations: result.group.integrations };
      };
      return audited(
        context,
        {
          operation: 'createMongoDbIntegration',
          account: input.account,
          targetId: null,
          input,
          // A run that stopped mid-way is settled by the same read-back (never a second create).
          recovery: readBackRecovery(readBack, payload),
          preview: () => previewMongoDbWrite(context, 'createMongoDbIntegration', input),
        },
        async () => {
          const { client } = requireAccount(context, input.account, mongoDbRuntime);
          const groupId = checkGroupId(input.groupId, client.groupIds);
          const built = buildIntegrationBody(input.integration);
          const result = payload(await settleByReadBack(() => client.createIntegration(context.scope, groupId, built), readBack));
          // The POST made the whole integration: its secrets are the ones sent, no other.
          noteSecretsWritten(context, result.integration, connectionGlobalId(mongoDbRuntime, result.integration), built.secrets, 'others');
          return result;
        },
        (result) => connectionGlobalId(mongoDbRuntime, result.integration),
      );
    },
  }),
);
