import { builder } from '../builder.js';
import { idempotencyKeyField } from '../idempotency.js';
import { INPUT_LIMITS } from '../../src/core/input-check.js';
import type { ChronosphereWriteResult } from '../../src/vendors/chronosphere/client.js';
import { ChronosphereExternalConnectionRef } from './external-connection.js';
import { ChronosphereConnectionTargetInput } from './target.js';

const DRY_RUN = 'Answer a WritePreview of what the write would do, and write nothing.';

const accountArg = { description: 'The Chronosphere account, by its config key.' } as const;

export const CreateChronosphereExternalConnectionInput = builder.inputType('CreateChronosphereExternalConnectionInput', {
  description: 'A new Chronosphere external connection.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    account: t.string({ required: true, ...accountArg }),
    slug: t.string({ description: 'Its slug (letters, digits, `.`, `_`, `-`); Chronosphere generates one from the name when omitted. It cannot change later.' }),
    name: t.string({ required: true, description: `Its display name, at most ${INPUT_LIMITS.name} characters.` }),
    target: t.field({ type: ChronosphereConnectionTargetInput, required: true, description: 'What it connects to, with credentials.' }),
    dryRun: t.boolean({ description: `${DRY_RUN} Chronosphere also validates the connection (its \`dry_run\`), which stores nothing.`, defaultValue: false }),
  }),
});

export const UpdateChronosphereExternalConnectionInput = builder.inputType('UpdateChronosphereExternalConnectionInput', {
  description:
    'The whole new state of a Chronosphere external connection. Chronosphere replaces the object (PUT; there is no partial update), so give every secret it should keep: secrets left out hold no value afterwards, and Patchbay never re-sends a value it read.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    account: t.string({ required: true, ...accountArg }),
    slug: t.string({ required: true, description: 'The slug of the connection to replace.' }),
    name: t.string({ required: true, description: `Its display name, at most ${INPUT_LIMITS.name} characters.` }),
    target: t.field({ type: ChronosphereConnectionTargetInput, required: true, description: 'What it connects to, with every credential it should hold.' }),
    createIfMissing: t.boolean({ description: 'Create the connection with this slug when it does not exist (an upsert).', defaultValue: false }),
    dryRun: t.boolean({ description: `${DRY_RUN} Chronosphere also validates the change (its \`dry_run\`), which writes nothing.`, defaultValue: false }),
  }),
});

export const ChronosphereExternalConnectionIdInput = builder.inputType('ChronosphereExternalConnectionIdInput', {
  description: 'Names one Chronosphere external connection.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    id: t.id({ required: true, description: 'The connection’s global id.' }),
    dryRun: t.boolean({ description: DRY_RUN, defaultValue: false }),
  }),
});

export const ChronosphereExternalConnectionPayload = builder.objectRef<ChronosphereWriteResult>('ChronosphereExternalConnectionPayload').implement({
  description: 'What a create or update did at Chronosphere.',
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', {
      description: 'Always false: a write asked with `dryRun: true` answers a `WritePreview` instead of this payload.',
      deprecationReason: 'A dry run answers `WritePreview`; this payload is only the answer of a real write.',
    }),
    connection: t.field({
      type: ChronosphereExternalConnectionRef,
      nullable: true,
      description: 'The connection as Chronosphere stored it.',
      resolve: (p) => p.connection,
    }),
    unsetSecrets: t.stringList({
      description:
        "Secret fields of the connection's type that the input did not carry (named as in `SecretHint.field`). Chronosphere stores the object as sent, so these hold no value after the write.",
      resolve: (p) => [...p.unsetSecrets],
    }),
  }),
});

/** A deleted connection. */
export interface ChronosphereDeletedShape {
  readonly deletedId: string;
  readonly slug: string;
  /** The vendor found nothing to delete on a resend after a lost answer. */
  readonly alreadyGone: boolean;
}

export const ChronosphereExternalConnectionDeletedPayload = builder.objectRef<ChronosphereDeletedShape>('ChronosphereExternalConnectionDeletedPayload').implement({
  description: 'An external connection that no longer exists at Chronosphere.',
  fields: (t) => ({
    deletedId: t.exposeID('deletedId', { description: 'The global id it had.' }),
    slug: t.exposeString('slug', { description: 'The slug it had.' }),
    alreadyGone: t.exposeBoolean('alreadyGone', {
      description:
        'True when the vendor found nothing to delete on a resend after an earlier attempt of this request lost its answer (that attempt, or someone else, removed it). A delete that finds nothing on its first attempt is `NotFoundError`.',
    }),
  }),
});
