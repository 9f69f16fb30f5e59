import { GraphQLError } from 'graphql';
import { builder } from '../schema/builder.js';
import { ConnectionChangeFilterInput, ConnectionChangeRef } from '../schema/history.js';
import { AccountHealthChangeRef } from '../schema/subscriptions.js';
import { vendorCalls } from '../schema/vendor-calls.js';
import { connectionChangeStream, DEFAULT_MAX_QUEUED, healthChangeStream, type LiveDelivery } from '../src/app/live-events.js';

/**
 * The value of one live delivery, or the error that ends a subscription whose client fell too far
 * behind (src/app/live-events.ts `liveStream`). The error is the last payload of the stream: the
 * client knows it missed events and can read them from `changes(filter: { since })`.
 */
function delivered<T>(delivery: LiveDelivery<T>): T {
  if (delivery.kind === 'event') return delivery.value;
  throw new GraphQLError(`This subscriber fell more than ${delivery.maxQueued} events behind and was unsubscribed; subscribe again and read what was missed from the history.`, {
    extensions: { code: 'SUBSCRIBER_TOO_SLOW', maxQueued: delivery.maxQueued },
  });
}

builder.subscriptionField('connectionChanges', (t) =>
  t.field({
    type: ConnectionChangeRef,
    description: `Each connection change as it is recorded (a write through Patchbay, or what a drift scan found changed outside it), by whichever replica recorded it. Needs \`connections:read\`; changes of accounts the caller may not read are left out. The filter is the change log's; \`since\` has no effect (a subscription starts now; read \`changes\` for the past). A subscriber more than ${DEFAULT_MAX_QUEUED} events behind is ended with the error \`SUBSCRIBER_TOO_SLOW\`.`,
    args: { filter: t.arg({ type: ConnectionChangeFilterInput, description: 'Narrows the changes delivered.' }) },
    extensions: vendorCalls(0),
    subscribe: (_, args, context) => connectionChangeStream(context, args.filter ?? {}),
    resolve: (delivery) => delivered(delivery),
  }),
);

builder.subscriptionField('accountHealthChanges', (t) =>
  t.field({
    type: AccountHealthChangeRef,
    description: `Each account health transition (HEALTHY → FAILING → RECOVERED) as it is recorded, for the given accounts (by config key; every account when absent, none when empty). Needs \`connections:read\`; accounts the caller may not read are left out. A subscriber more than ${DEFAULT_MAX_QUEUED} events behind is ended with the error \`SUBSCRIBER_TOO_SLOW\`.`,
    args: { accounts: t.arg.stringList({ description: 'Account keys to follow, at most 100; absent: every account the caller may read.' }) },
    // A delivery is the recorded row: no vendor call (the subscription itself is counted once).
    extensions: vendorCalls(0),
    subscribe: (_, args, context) => healthChangeStream(context, args.accounts),
    resolve: (delivery) => delivered(delivery),
  }),
);
