import { builder } from '../../schema/builder.js';
import { DatadogConnectionPayload, UpdateDatadogActionConnectionInput } from '../../schema/datadog/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { accountOfGlobalId, requireConnectionId } from '../../src/app/lookup.js';
import { settleUpdateByReadBack } from '../../src/app/settle.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { buildUpdateBody, type DatadogUpdateInput } from '../../src/vendors/datadog/input.js';
import { datadogUpdateShown } from '../../src/vendors/datadog/read-back.js';
import { datadogLoaders, datadogRuntime } from '../../src/vendors/datadog/runtime.js';

/** The builder reads only fields this input has (the call in `resolve` proves the input fits its type). */
true satisfies ReadsOnlyFieldsOf<DatadogUpdateInput, typeof UpdateDatadogActionConnectionInput.$inferInput>;

builder.mutationField('updateDatadogActionConnection', (t) =>
  t.field({
    type: DatadogConnectionPayload,
    description: 'Changes a Datadog action connection (PATCH). Secrets left out of the input stay as they are at Datadog.',
    args: { input: t.arg({ type: UpdateDatadogActionConnectionInput, required: true, description: 'The changes.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'UpdateDatadogActionConnectionResult', description: 'The changed connection, or why it could not be changed.' } },
    resolve: (_, { input }, context) => {
      return audited(context, { operation: 'updateDatadogActionConnection', account: accountOfGlobalId(context, input.id), targetId: input.id, input }, async () => {
        const {
          entry,
          key: { connectionId },
        } = requireConnectionId(context, datadogRuntime, input.id);
        // The integration type cannot change, so read the current one only when the input touches it.
        const currentType = input.integration ? (await entry.client.getConnection(context.scope, connectionId)).integration.type : null;
        const built = buildUpdateBody(input, currentType);
        // An unreadable 2xx or a lost answer: read it back by id; done only when it shows what was sent.
        const connection = await settleUpdateByReadBack(
          () => entry.client.updateConnection(context.scope, connectionId, built),
          () => entry.client.getConnection(context.scope, connectionId),
          (found) => datadogUpdateShown(found, built.body),
        );
        datadogLoaders(context).datadogConnection.clear({ account: entry.ref.key, connectionId }).prime({ account: entry.ref.key, connectionId }, connection);
        return { connection };
      });
    },
  }),
);
