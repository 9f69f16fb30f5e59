import { builder } from '../../schema/builder.js';
import { DatadogConnectionPayload, UpdateDatadogActionConnectionInput } from '../../schema/datadog/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteSecretsWritten, storedFingerprints } from '../../src/app/custody.js';
import { accountOfGlobalId, requireConnectionId } from '../../src/app/lookup.js';
import { settleUpdateByReadBack } from '../../src/app/settle.js';
import type { ReadsOnlyFieldsOf } from '../../src/core/input-check.js';
import { datadogClearedBy, predictUpdated } from '../../src/vendors/datadog/custody.js';
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
      const account = accountOfGlobalId(context, input.id);
      const preview = async () => {
        const { entry, key } = requireConnectionId(context, datadogRuntime, input.id);
        const current = await datadogRuntime.read(context, entry, key);
        const built = buildUpdateBody(input, current.integration.type);
        return {
          operation: 'updateDatadogActionConnection',
          account,
          targetId: input.id,
          current,
          after: predictUpdated(current, built.body),
          secrets: built.secrets ?? new Map<string, string>(),
          unset: datadogClearedBy(current, built.body),
          fingerprints: await storedFingerprints(context, connectionGlobalId(datadogRuntime, current)),
          vendorValidated: false,
          notes: ['Datadog has no validate-only mode: only Patchbay checked the input. The update is a PATCH: fields and secrets left out stay as they are.'],
        };
      };
      return audited(context, { operation: 'updateDatadogActionConnection', account, targetId: input.id, input, preview }, async () => {
        const {
          entry,
          key: { connectionId },
        } = requireConnectionId(context, datadogRuntime, input.id);
        // The integration type cannot change, and the secrets a change clears depend on what is there: read it only when the input touches it.
        const before = input.integration ? await entry.client.getConnection(context.scope, connectionId) : null;
        const built = buildUpdateBody(input, before?.integration.type ?? null);
        // An unreadable 2xx or a lost answer: read it back by id; done only when it shows what was sent.
        const connection = await settleUpdateByReadBack(
          () => entry.client.updateConnection(context.scope, connectionId, built),
          () => entry.client.getConnection(context.scope, connectionId),
          (found) => datadogUpdateShown(found, built.body),
        );
        datadogLoaders(context).datadogConnection.clear({ account: entry.ref.key, connectionId }).prime({ account: entry.ref.key, connectionId }, connection);
        // A PATCH: only the secrets it sent change, and those it deleted (or a change of credential variant) go.
        noteSecretsWritten(context, connection, connectionGlobalId(datadogRuntime, connection), built.secrets, before === null ? [] : datadogClearedBy(before, built.body));
        return { connection };
      });
    },
  }),
);
