import { builder } from '../../schema/builder.js';
import { CreateDatadogActionConnectionInput, DatadogConnectionPayload } from '../../schema/datadog/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten } from '../../src/app/custody.js';
import { requireAccount } from '../../src/app/lookup.js';
import { writeAhead } from '../../src/app/write-ahead.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { predictCreated } from '../../src/vendors/datadog/custody.js';
import { buildCreateBody, type DatadogCreateInput } from '../../src/vendors/datadog/input.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<DatadogCreateInput, typeof CreateDatadogActionConnectionInput.$inferInput>;

builder.mutationField('createDatadogActionConnection', (t) =>
  t.field({
    type: DatadogConnectionPayload,
    description:
      'Creates a Datadog action connection and tracks its id (Datadog cannot list connections). The intent is recorded first: a create whose outcome is unknown, or whose id could not be tracked, stays listed in `unconfirmedWrites` until an operator resolves it.',
    args: { input: t.arg({ type: CreateDatadogActionConnectionInput, required: true, description: 'The new connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'CreateDatadogActionConnectionResult', description: 'The created connection, or why it could not be created.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'createDatadogActionConnection',
          account: input.account,
          targetId: null,
          input,
          preview: async () => {
            const { ref } = requireAccount(context, input.account, datadogRuntime);
            const built = buildCreateBody(input);
            return {
              operation: 'createDatadogActionConnection',
              account: input.account,
              targetId: null,
              current: null,
              after: predictCreated(ref, built.body),
              secrets: built.secrets ?? new Map<string, string>(),
              vendorValidated: false,
              notes: ['Datadog has no validate-only mode: only Patchbay checked the input. Datadog assigns the id when the connection is created, and Patchbay then tracks it.'],
            };
          },
        },
        async () => {
          const { client } = requireAccount(context, input.account, datadogRuntime);
          const built = buildCreateBody(input);
          // Datadog cannot list connections: one created but not tracked would be lost, so the intent is recorded first.
          const connection = await writeAhead(context, {
            account: input.account,
            operation: 'createDatadogActionConnection',
            summary: input.name,
            write: () => client.createConnection(context.scope, built),
            resourceOf: (created) => created.connectionId,
            record: async (created) => {
              await context.store.trackDatadogConnection(input.account, created.connectionId, created.name);
            },
          });
          // A new connection: no secret of it was known before, so there is nothing else to clear.
          noteSecretsWritten(context, connection, connectionGlobalId(datadogRuntime, connection), built.secrets, []);
          return { connection };
        },
        (payload) => connectionGlobalId(datadogRuntime, payload.connection),
      ),
  }),
);
