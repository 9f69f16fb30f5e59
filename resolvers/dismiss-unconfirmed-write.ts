import { builder } from '../schema/builder.js';
import { DismissUnconfirmedWriteInput, UnconfirmedWriteDismissedPayload } from '../schema/unconfirmed-write.js';
import { audited } from '../src/app/audit.js';
import { WritePreview } from '../src/app/preview.js';
import { requireUnconfirmedWrite, resolveUnconfirmedWrite } from '../src/app/unconfirmed-writes.js';
import { ForbiddenError, InputValidationError, MutationInProgressError, NotFoundError, StoreUnavailableError } from '../src/core/errors.js';

builder.mutationField('dismissUnconfirmedWrite', (t) =>
  t.field({
    type: UnconfirmedWriteDismissedPayload,
    description:
      'Removes an unconfirmed write from the list once an operator has checked the vendor (to track what it created instead, use the vendor’s track mutation with `unconfirmedWriteId`). Changes nothing at the vendor.',
    args: { input: t.arg({ type: DismissUnconfirmedWriteInput, required: true, description: 'The unconfirmed write.' }) },
    errors: {
      types: [InputValidationError, NotFoundError, ForbiddenError, StoreUnavailableError, MutationInProgressError, WritePreview],
      directResult: true,
      union: { name: 'DismissUnconfirmedWriteResult', description: 'The dismissed write, or why it could not be dismissed.' },
    },
    resolve: async (_, { input }, context) => {
      // Looked up among the accounts the caller may read; dismissing needs the right to write to its account.
      const write = await requireUnconfirmedWrite(context, input.id);
      const preview = async () => ({ operation: 'dismissUnconfirmedWrite', account: write.account, targetId: input.id, before: { listed: true, ...write }, after: null });
      return audited(context, { operation: 'dismissUnconfirmedWrite', account: write.account, targetId: input.id, input, recovery: { kind: 'rerun' }, preview }, async () => ({
        write: await resolveUnconfirmedWrite(context, input.id),
      }));
    },
  }),
);
