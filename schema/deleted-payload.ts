import { builder } from './builder.js';

/** What every delete answers: the id the connection had, and whether it was gone already. */
export const DeletedPayload = builder.objectRef<{ deletedId: string; alreadyGone: boolean }>('DeletedConnectionPayload').implement({
  description: 'A connection that no longer exists (or is no longer tracked).',
  fields: (t) => ({
    deletedId: t.exposeID('deletedId', { description: 'The global id it had.' }),
    alreadyGone: t.exposeBoolean('alreadyGone', {
      description:
        'True when the vendor found nothing to delete on a resend after an earlier attempt of this request lost its answer (that attempt, or someone else, removed it). A delete that finds nothing on its first attempt is `NotFoundError`.',
    }),
  }),
});
