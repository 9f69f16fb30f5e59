import { builder } from '../../schema/builder.js';
import { DatadogConnectionIdInput } from '../../schema/datadog/mutations.js';
import { DeletedPayload } from '../../schema/deleted-payload.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { noteConnectionGone, storedFingerprints } from '../../src/app/custody.js';
import { confirmDelete, stillThere } from '../../src/app/settle.js';
import { NotFoundError } from '../../src/core/errors.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { accountOfGlobalId, requireConnectionId } from '../../src/app/lookup.js';
import { datadogLoaders, datadogRuntime } from '../../src/vendors/datadog/runtime.js';

builder.mutationField('deleteDatadogActionConnection', (t) =>
  t.field({
    type: DeletedPayload,
    description: 'Deletes a Datadog action connection at Datadog and stops tracking it.',
    args: { input: t.arg({ type: DatadogConnectionIdInput, required: true, description: 'The connection.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'DeleteDatadogActionConnectionResult', description: 'The id of the deleted connection, or why it could not be deleted.' } },
    resolve: (_, { input }, context) => {
      const account = accountOfGlobalId(context, input.id);
      const preview = async () => {
        const { entry, key } = requireConnectionId(context, datadogRuntime, input.id);
        const current = await datadogRuntime.read(context, entry, key);
        return {
          operation: 'deleteDatadogActionConnection',
          account,
          targetId: input.id,
          current,
          after: null,
          unset: 'others' as const,
          fingerprints: await storedFingerprints(context, connectionGlobalId(datadogRuntime, current)),
          vendorValidated: false,
          notes: ['The connection would be deleted at Datadog (its secrets with it) and no longer tracked by Patchbay.'],
        };
      };
      return audited(context, { operation: 'deleteDatadogActionConnection', account, targetId: input.id, input, preview }, async () => {
        const {
          entry,
          key: { connectionId },
        } = requireConnectionId(context, datadogRuntime, input.id);
        let alreadyGone: boolean;
        try {
          // A 2xx Patchbay cannot read is confirmed by reading the connection back; until then it stays tracked.
          ({ alreadyGone } = await confirmDelete(
            () => entry.client.deleteConnection(context.scope, connectionId),
            () => stillThere(() => entry.client.getConnection(context.scope, connectionId)),
          ));
        } catch (error) {
          // Already gone at Datadog: forget it here too, and say it was not found.
          if (error instanceof NotFoundError) await context.store.untrackDatadogConnection(entry.ref.key, connectionId);
          throw error;
        }
        try {
          await context.store.untrackDatadogConnection(entry.ref.key, connectionId);
        } catch (error) {
          // Deleted at Datadog: that stands. A stale tracked id only shows as gone in later lists.
          context.logger.error('deleted a Datadog connection but could not untrack it', { account: entry.ref.key, connectionId, reason: error instanceof Error ? error.name : 'unknown' });
        }
        datadogLoaders(context).datadogConnection.clear({ account: entry.ref.key, connectionId });
        // Its secrets went with it: so do their fingerprints (stored under the canonical global id).
        noteConnectionGone(encodeGlobalId(datadogRuntime.ids.typename, innerId(entry.ref.key, connectionId)));
        return { deletedId: input.id, alreadyGone };
      });
    },
  }),
);
