import { builder } from './builder.js';

/** What every delete answers: the id the connection had. */
export const DeletedPayload = builder.objectRef<{ deletedId: string }>('DeletedConnectionPayload').implement({
  description: 'A connection that no longer exists (or is no longer tracked).',
  fields: (t) => ({
    deletedId: t.exposeID('deletedId', { description: 'The global id it had.' }),
  }),
});
