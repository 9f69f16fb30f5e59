import { builder } from './builder.js';
import type { SecretHint } from '../src/core/domain.js';

export const SecretHintType = builder.objectRef<SecretHint>('SecretHint').implement({
  description: 'What may be said about a secret. Secrets are write-only: their values never come back.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The secret field this hint is about.' }),
    isSet: t.exposeBoolean('isSet', { description: 'Whether the vendor holds a value for it.' }),
    lastFour: t.exposeString('lastFour', { nullable: true, description: 'At most the last four characters, when the vendor shows them and the secret is long enough.' }),
  }),
});
