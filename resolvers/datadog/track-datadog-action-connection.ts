import { builder } from '../../schema/builder.js';
import { DatadogConnectionPayload, TrackDatadogActionConnectionInput } from '../../schema/datadog/mutations.js';
import { WRITE_ERRORS } from '../../schema/errors.js';
import { audited } from '../../src/app/audit.js';
import { connectionGlobalId } from '../../src/app/connections.js';
import { requireAccount } from '../../src/app/lookup.js';
import { requireUnconfirmedWriteOf, resolveUnconfirmedWrite } from '../../src/app/unconfirmed-writes.js';
import { checkUuid } from '../../src/vendors/datadog/input.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';

builder.mutationField('trackDatadogActionConnection', (t) =>
  t.field({
    type: DatadogConnectionPayload,
    description:
      'Adopts an existing Datadog connection: reads it from Datadog, then lists it from now on. With `unconfirmedWriteId`, it also resolves that unconfirmed write (e.g. a create whose answer was lost, now found at Datadog).',
    args: { input: t.arg({ type: TrackDatadogActionConnectionInput, required: true, description: 'The connection to adopt.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'TrackDatadogActionConnectionResult', description: 'The adopted connection, or why it could not be adopted.' } },
    resolve: (_, { input }, context) =>
      audited(
        context,
        {
          operation: 'trackDatadogActionConnection',
          account: input.account,
          targetId: null,
          input,
          recovery: { kind: 'rerun' },
          // Only Patchbay's store changes: the preview reads the connection as the write would, and the store, and changes neither.
          preview: async () => {
            const entry = requireAccount(context, input.account, datadogRuntime);
            checkUuid(input.connectionId, ['connectionId']);
            const settles = input.unconfirmedWriteId ? await requireUnconfirmedWriteOf(context, input.unconfirmedWriteId, input.account, ['unconfirmedWriteId']) : null;
            const current = await datadogRuntime.read(context, entry, { account: entry.ref.key, connectionId: input.connectionId });
            const tracked = await context.store.isTrackedDatadogConnection(entry.ref.key, current.connectionId);
            const unconfirmed = settles === null ? {} : { unconfirmedWriteListed: true };
            return {
              operation: 'trackDatadogActionConnection',
              account: input.account,
              targetId: connectionGlobalId(datadogRuntime, current),
              current,
              before: { tracked, ...unconfirmed },
              after: { tracked: true, ...(settles === null ? {} : { unconfirmedWriteListed: false }) },
              vendorValidated: false,
              notes: [
                tracked
                  ? 'Patchbay already tracks this connection: tracking it again changes nothing at Datadog.'
                  : 'Only Patchbay changes: it lists this connection from now on; nothing is written to Datadog.',
              ],
            };
          },
        },
        async () => {
          const { client } = requireAccount(context, input.account, datadogRuntime);
          checkUuid(input.connectionId, ['connectionId']);
          const settles = input.unconfirmedWriteId ? await requireUnconfirmedWriteOf(context, input.unconfirmedWriteId, input.account, ['unconfirmedWriteId']) : null;
          const connection = await client.getConnection(context.scope, input.connectionId);
          await context.store.trackDatadogConnection(input.account, connection.connectionId, connection.name);
          if (settles) {
            try {
              await resolveUnconfirmedWrite(context, settles.id);
            } catch (error) {
              // Tracked: that stands. The write stays listed, and can be dismissed.
              context.logger.error('tracked, but the unconfirmed write was not resolved', { account: input.account, reason: error instanceof Error ? error.name : 'unknown' });
            }
          }
          return { connection };
        },
        (payload) => connectionGlobalId(datadogRuntime, payload.connection),
      ),
  }),
);
