import { builder } from '../../schema/builder.js';
import { DatadogConnectionIdInput } from '../../schema/datadog/mutations.js';
import { DeletedPayload } from '../../schema/deleted-payload.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { NotFoundError } from '../../src/core/errors.js';
import { accountOfGlobalId, requireConnectionId } from '../../src/app/lookup.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';

builder.mutationField('untrackDatadogActionConnection', (t) =>
  t.field({
    type: DeletedPayload,
    description: 'Stops listing a Datadog connection. The connection itself stays at Datadog.',
    args: { input: t.arg({ type: DatadogConnectionIdInput, required: true, description: 'The connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'UntrackDatadogActionConnectionResult', description: 'The id no longer tracked, or why it could not be untracked.' } },
    resolve: (_, { input }, context) =>
      audited(context, { operation: 'untrackDatadogActionConnection', account: accountOfGlobalId(context, input.id), targetId: input.id, input, recovery: { kind: 'rerun' } }, async () => {
        const { entry, key } = requireConnectionId(context, datadogRuntime, input.id);
        const removed = await context.store.untrackDatadogConnection(entry.ref.key, key.connectionId);
        if (!removed) throw new NotFoundError(`Patchbay does not track the connection "${input.id}".`, input.id);
        return { deletedId: input.id, alreadyGone: false };
      }),
  }),
);
