import { builder } from '../schema/builder.js';
import { ConnectionChangeFilterInput, ConnectionChangePageRef } from '../schema/history.js';
import { VendorConnectionInterface } from '../schema/vendor-connection.js';
import { connectionGlobalId, vendorOf } from '../src/app/connections.js';
import { observedAtOf, readChanges } from '../src/app/history-read.js';
import { ForbiddenError, InputValidationError, StoreUnavailableError } from '../src/core/errors.js';
import { MAX_PAGE_SIZE } from '../src/core/pagination.js';

builder.queryField('changes', (t) =>
  t.field({
    type: ConnectionChangePageRef,
    description:
      'The change log across accounts, newest first: every change made through Patchbay (with its caller) and every change a drift scan found made outside it (`OUTSIDE_PATCHBAY`). A caller sees the accounts it may read.',
    args: {
      filter: t.arg({ type: ConnectionChangeFilterInput, description: 'Narrows the log.' }),
      first: t.arg.int({ description: `Page size, at most ${MAX_PAGE_SIZE} (default 50).` }),
      after: t.arg.string({ description: 'A cursor from a previous page.' }),
    },
    errors: {
      types: [ForbiddenError, InputValidationError, StoreUnavailableError],
      directResult: true,
      union: { name: 'ChangesResult', description: 'A page of the change log, or why it cannot be read.' },
    },
    resolve: (_, args, context) => readChanges(context, args.filter ?? {}, args.first, args.after),
  }),
);

builder.interfaceField(VendorConnectionInterface, 'history', (t) =>
  t.field({
    type: ConnectionChangePageRef,
    description: 'This connection’s changes, newest first (the same as `changes(filter: { connectionIds: [id] })`).',
    args: {
      first: t.arg.int({ description: `Page size, at most ${MAX_PAGE_SIZE} (default 50).` }),
      after: t.arg.string({ description: 'A cursor from a previous page.' }),
    },
    resolve: (connection, args, context) => readChanges(context, { connectionIds: [connectionGlobalId(vendorOf(context.deps.accounts, connection), connection)] }, args.first, args.after),
  }),
);

builder.interfaceField(VendorConnectionInterface, 'observedAt', (t) =>
  t.field({
    type: 'DateTime',
    description: 'When Patchbay saw the connection in this state: now for a live read; for a stale one, when it was last read from its vendor.',
    resolve: (connection) => observedAtOf(connection) ?? new Date(),
  }),
);

builder.interfaceField(VendorConnectionInterface, 'stale', (t) =>
  t.boolean({
    description: 'True when the connection comes from Patchbay’s last snapshot because its account failed (`connections(staleIfFailed: true)`), not from its vendor now.',
    resolve: (connection) => observedAtOf(connection) !== null,
  }),
);
