import { builder } from '../../schema/builder.js';
import { DatadogConnectionIdInput } from '../../schema/datadog/mutations.js';
import { DeletedPayload } from '../../schema/deleted-payload.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { NotFoundError, PatchbayError } from '../../src/core/errors.js';
import { accountOfGlobalId, requireConnectionId } from '../../src/app/lookup.js';
import type { DatadogActionConnection } from '../../src/vendors/datadog/map.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';

builder.mutationField('untrackDatadogActionConnection', (t) =>
  t.field({
    type: DeletedPayload,
    description: 'Stops listing a Datadog connection. The connection itself stays at Datadog.',
    args: { input: t.arg({ type: DatadogConnectionIdInput, required: true, description: 'The connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'UntrackDatadogActionConnectionResult', description: 'The id no longer tracked, or why it could not be untracked.' } },
    resolve: (_, { input }, context) => {
      const account = accountOfGlobalId(context, input.id);
      // Only Patchbay's store changes: the preview reads it (and the connection, when Datadog still has it) and changes nothing.
      const preview = async () => {
        const { entry, key } = requireConnectionId(context, datadogRuntime, input.id);
        if (!(await context.store.isTrackedDatadogConnection(entry.ref.key, key.connectionId))) throw new NotFoundError(`Patchbay does not track the connection "${input.id}".`, input.id);
        let current: DatadogActionConnection | null = null;
        const notes = ['Only Patchbay changes: it stops listing this connection; the connection itself stays at Datadog.'];
        try {
          current = await datadogRuntime.read(context, entry, key);
        } catch (error) {
          if (!(error instanceof PatchbayError)) throw error;
          notes.push(`The connection could not be read at Datadog (${error.name}); untracking does not need it.`);
        }
        return { operation: 'untrackDatadogActionConnection', account, targetId: input.id, current, before: { tracked: true }, after: { tracked: false }, vendorValidated: false, notes };
      };
      return audited(context, { operation: 'untrackDatadogActionConnection', account, targetId: input.id, input, recovery: { kind: 'rerun' }, preview }, async () => {
        const { entry, key } = requireConnectionId(context, datadogRuntime, input.id);
        const removed = await context.store.untrackDatadogConnection(entry.ref.key, key.connectionId);
        if (!removed) throw new NotFoundError(`Patchbay does not track the connection "${input.id}".`, input.id);
        return { deletedId: input.id, alreadyGone: false };
      });
    },
  }),
);
