import { builder } from './builder.js';
import { checkOf, type UnconfirmedWrite } from '../src/app/unconfirmed-writes.js';
import { dryRunField, idempotencyKeyField } from './idempotency.js';
import { VendorAccountRef } from './vendor-account.js';

export const UnconfirmedWriteReasonEnum = builder.enumType('UnconfirmedWriteReason', {
  description: 'Why Patchbay could not confirm a write.',
  values: {
    OUTCOME_UNKNOWN: { description: "The vendor's answer was lost or could not be read: the write may or may not have happened." },
    RECORD_FAILED: { description: 'The write happened, but Patchbay could not record its result (e.g. track the new id); `resourceId` names it.' },
    INTERRUPTED: { description: 'Patchbay stopped, or lost its store, between recording the intent and recording how the write ended.' },
  } as const,
});

export const UnconfirmedWriteRef = builder.objectRef<UnconfirmedWrite>('UnconfirmedWrite').implement({
  description:
    'A write Patchbay recorded before sending (write-ahead) and could not confirm afterwards, so the vendor may hold something Patchbay cannot list. It stays until an operator resolves it: tracks what was created (the vendor’s track mutation, given `unconfirmedWriteId`) or dismisses it (`dismissUnconfirmedWrite`).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its id, for the mutations that resolve it.' }),
    accountKey: t.exposeString('account', { description: 'The config key of the account written to.' }),
    account: t.field({
      type: VendorAccountRef,
      nullable: true,
      description: 'The account written to; null when it is no longer configured.',
      resolve: (write, _, context) => context.accounts.get(write.account)?.ref ?? null,
    }),
    operation: t.exposeString('operation', { description: 'The mutation that wrote, as the audit log names it.' }),
    summary: t.exposeString('summary', { nullable: true, description: 'What was written, to recognise it at the vendor (e.g. the name given). Never a secret.' }),
    caller: t.exposeString('caller', { description: 'Who asked for the write.' }),
    reason: t.field({ type: UnconfirmedWriteReasonEnum, description: 'Why it is unconfirmed.', resolve: (write) => write.reason }),
    resourceId: t.exposeString('resourceId', { nullable: true, description: "The vendor's id of what was written, when Patchbay learnt it." }),
    createdAt: t.field({ type: 'DateTime', description: 'When the intent was recorded, just before the write was sent.', resolve: (write) => write.createdAt }),
    check: t.string({ description: 'What to look at, and how to resolve it.', resolve: (write) => checkOf(write) }),
  }),
});

export const DismissUnconfirmedWriteInput = builder.inputType('DismissUnconfirmedWriteInput', {
  description: 'An unconfirmed write an operator has checked and wants gone from the list.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: dryRunField(t),
    id: t.id({ required: true, description: 'The unconfirmed write.' }),
  }),
});

export const UnconfirmedWriteDismissedPayload = builder.objectRef<{ write: UnconfirmedWrite }>('UnconfirmedWriteDismissedPayload').implement({
  description: 'An unconfirmed write that is no longer listed. Nothing was changed at the vendor.',
  fields: (t) => ({
    write: t.field({ type: UnconfirmedWriteRef, description: 'The write as it was listed.', resolve: (payload) => payload.write }),
  }),
});
