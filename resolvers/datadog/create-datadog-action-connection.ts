import { builder } from '../../schema/builder.js';
import { CreateDatadogActionConnectionInput, DatadogConnectionPayload } from '../../schema/datadog/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { requireAccount } from '../../src/app/lookup.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildCreateBody, type DatadogCreateInput } from '../../src/vendors/datadog/input.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<DatadogCreateInput, typeof CreateDatadogActionConnectionInput.$inferInput>;

builder.mutationField('createDatadogActionConnection', (t) =>
  t.field({
    type: DatadogConnectionPayload,
    description: 'Creates a Datadog action connection and tracks its id (Datadog cannot list connections).',
    args: { input: t.arg({ type: CreateDatadogActionConnectionInput, required: true, description: 'The new connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'CreateDatadogActionConnectionResult', description: 'The created connection, or why it could not be created.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        { operation: 'createDatadogActionConnection', account: input.account, targetId: null, input },
        async () => {
          const { client } = requireAccount(context, input.account, datadogRuntime);
          const built = buildCreateBody(input);
          const connection = await client.createConnection(context.scope, built);
          try {
            await context.store.trackDatadogConnection(input.account, connection.connectionId, connection.name);
          } catch (error) {
            context.logger.error('created a Datadog connection but could not track it', {
              account: input.account,
              connectionId: connection.connectionId,
              reason: error instanceof Error ? error.name : 'unknown',
            });
          }
          return { connection };
        },
        (payload) => connectionGlobalId(datadogRuntime, payload.connection),
      ),
  }),
);
