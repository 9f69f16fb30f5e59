import { builder } from '../builder.js';
import { idempotencyKeyField } from '../idempotency.js';
import { INPUT_LIMITS } from '../../src/core/input-check.js';
import type { DatadogActionConnection, DatadogAppKeyRegistration } from '../../src/vendors/datadog/map.js';
import { DatadogActionConnectionRef } from './action-connection.js';
import { DatadogAppKeyRegistrationRef } from './app-key-registration.js';
import { DatadogIntegrationInput, DatadogIntegrationUpdateInput } from './integration.js';

const accountArg = { description: 'The Datadog account, by its config key.' } as const;

/** `dryRun` of every Datadog mutation input: Datadog has no validate-only mode, so a preview only reads. */
function dryRunField(t: Parameters<typeof idempotencyKeyField>[0]) {
  return t.boolean({ description: 'Answer a WritePreview of what the write would do, and write nothing.', defaultValue: false });
}

export const CreateDatadogActionConnectionInput = builder.inputType('CreateDatadogActionConnectionInput', {
  description: 'A new Datadog action connection.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: dryRunField(t),
    account: t.string({ required: true, ...accountArg }),
    name: t.string({ required: true, description: `Its name, at most ${INPUT_LIMITS.name} characters.` }),
    tags: t.stringList({ description: `At most ${INPUT_LIMITS.tags} tags, each \`key:value\` of at most ${INPUT_LIMITS.tag} characters; the key \`default\` is reserved.` }),
    integration: t.field({ type: DatadogIntegrationInput, required: true, description: 'What it connects to, with credentials.' }),
  }),
});

export const UpdateDatadogActionConnectionInput = builder.inputType('UpdateDatadogActionConnectionInput', {
  description: 'Changes to a Datadog action connection. Omitted fields, secrets included, stay unchanged.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: dryRunField(t),
    id: t.id({ required: true, description: 'The connection’s global id.' }),
    name: t.string({ description: `A new name, at most ${INPUT_LIMITS.name} characters.` }),
    tags: t.stringList({ description: `The new tags (replace the old ones): at most ${INPUT_LIMITS.tags}, each of at most ${INPUT_LIMITS.tag} characters.` }),
    integration: t.field({ type: DatadogIntegrationUpdateInput, description: 'Changes to the integration; its type cannot change.' }),
  }),
});

export const DatadogConnectionIdInput = builder.inputType('DatadogActionConnectionIdInput', {
  description: 'Names one Datadog action connection.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: dryRunField(t),
    id: t.id({ required: true, description: 'The connection’s global id.' }),
  }),
});

export const TrackDatadogActionConnectionInput = builder.inputType('TrackDatadogActionConnectionInput', {
  description: 'An existing Datadog connection for Patchbay to list (Datadog cannot list connections).',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: dryRunField(t),
    account: t.string({ required: true, ...accountArg }),
    connectionId: t.string({ required: true, description: "Datadog's UUID of the connection." }),
    unconfirmedWriteId: t.id({
      description: 'An unconfirmed write (`unconfirmedWrites`) of this account that this connection settles: once it is tracked, that write is no longer listed.',
    }),
  }),
});

export const DatadogAppKeyInput = builder.inputType('DatadogAppKeyInput', {
  description: 'Names one Datadog application key.',
  fields: (t) => ({
    idempotencyKey: idempotencyKeyField(t),
    dryRun: dryRunField(t),
    account: t.string({ required: true, ...accountArg }),
    appKeyId: t.string({ required: true, description: 'The application key id (a UUID).' }),
  }),
});

export const DatadogConnectionPayload = builder.objectRef<{ connection: DatadogActionConnection }>('DatadogActionConnectionPayload').implement({
  description: 'The connection as Datadog holds it after the change.',
  fields: (t) => ({
    connection: t.field({ type: DatadogActionConnectionRef, description: 'The connection.', resolve: (p) => p.connection }),
  }),
});

export const AppKeyRegistrationPayload = builder.objectRef<{ registration: DatadogAppKeyRegistration }>('DatadogAppKeyRegistrationPayload').implement({
  description: 'The registration after the change.',
  fields: (t) => ({
    registration: t.field({ type: DatadogAppKeyRegistrationRef, description: 'The registration.', resolve: (p) => p.registration }),
  }),
});

export const AppKeyUnregisteredPayload = builder.objectRef<{ appKeyId: string; alreadyGone: boolean }>('DatadogAppKeyUnregisteredPayload').implement({
  description: 'An application key that is no longer registered.',
  fields: (t) => ({
    appKeyId: t.exposeString('appKeyId', { description: 'The key id.' }),
    alreadyGone: t.exposeBoolean('alreadyGone', {
      description:
        'True when the vendor found nothing to unregister on a resend after an earlier attempt of this request lost its answer (that attempt, or someone else, removed it). An unregistration that finds nothing on its first attempt is `NotFoundError`.',
    }),
  }),
});
