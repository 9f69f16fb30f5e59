import { builder } from '../schema/builder.js';
import { UnconfirmedWriteRef } from '../schema/unconfirmed-write.js';
import { listUnconfirmedWrites } from '../src/app/unconfirmed-writes.js';

builder.queryField('unconfirmedWrites', (t) =>
  t.field({
    type: [UnconfirmedWriteRef],
    description:
      "Writes Patchbay recorded before sending and could not confirm (the vendor's answer was lost, its result could not be recorded, or Patchbay stopped mid-way), oldest first, of the accounts the caller may read. Each may have left something at the vendor that Patchbay cannot list.",
    args: { account: t.arg.string({ description: 'Only this account (a config key).' }) },
    resolve: (_, args, context) => listUnconfirmedWrites(context, args.account),
  }),
);
