import type { PlainError, RotationResult, RotationTargetResult } from '../src/app/rotation.js';
import type { SecretUsage, SecretUsages } from '../src/app/secret-usages.js';
import type { PatchbayError } from '../src/core/errors.js';
import { ErrorInterface } from './errors.js';
import { ChangeKindEnum } from './preview.js';
import { SecretHintType } from './secret-hint.js';
import { builder } from './builder.js';
import { AccountFailureType } from './connection-page.js';
import { ConnectedServiceEnum } from './enums.js';
import { vendorTypes } from './vendor-types.js';

export const SecretMatchEnum = builder.enumType('SecretMatch', {
  description: 'How a secret matches the one looked up (or the other members of its group).',
  values: {
    EXACT: { value: 'EXACT', description: 'The same secret: Patchbay wrote it, its stored fingerprint is equal, and the vendor’s hint still agrees.' },
    LAST_FOUR: { value: 'LAST_FOUR', description: 'Only the vendor’s hint matches (the same last four characters): a possible copy, e.g. one set at the vendor directly.' },
  } as const,
});

export const SecretUsageFilterInput = builder.inputType('SecretUsageFilter', {
  description: 'Which secrets to list. Every given criterion must hold.',
  fields: (t) => ({
    value: t.string({
      description:
        'A secret value to look up: every connection holding it (`EXACT`) or possibly holding it (`LAST_FOUR`). It is compared in memory by its fingerprint and never stored, logged or answered.',
    }),
    services: t.field({ type: [ConnectedServiceEnum], description: 'Only connections to these services (e.g. `PAGERDUTY`).' }),
    accounts: t.stringList({ description: 'Only these accounts (config keys).' }),
    vendors: t.field({ type: [vendorTypes().vendor], description: 'Only these vendors.' }),
    sharedOnly: t.boolean({ description: 'Only secrets held by more than one connection.' }),
  }),
});

export const SecretUsageType = builder.objectRef<SecretUsage>('SecretUsage').implement({
  description: 'One secret field of one connection. Never the secret: its hint, and how it matches.',
  fields: (t) => ({
    connectionId: t.exposeID('connectionId', { description: 'The connection’s global id.' }),
    connection: t.field({ type: vendorTypes().integrationConnection, description: 'The connection.', resolve: (usage) => usage.connection }),
    field: t.exposeString('field', { description: 'The secret field, as the connection’s `secrets` hints name it.' }),
    service: t.field({ type: ConnectedServiceEnum, description: 'The service the connection reaches.', resolve: (usage) => usage.connection.service }),
    account: t.string({ description: 'The account’s config key.', resolve: (usage) => usage.connection.account.key }),
    vendor: t.field({ type: vendorTypes().vendor, description: 'The vendor.', resolve: (usage) => usage.connection.account.vendor }),
    lastFour: t.exposeString('lastFour', { nullable: true, description: 'The last four characters the vendor’s hint shows, when it shows any.' }),
    match: t.field({
      type: SecretMatchEnum,
      nullable: true,
      description: 'How it matches the value looked up, or its group; null when it was compared with nothing.',
      resolve: (usage) => usage.match,
    }),
    group: t.exposeInt('group', { nullable: true, description: 'Usages with the same number hold the same secret (numbers mean something within one answer only); null when it shares with none.' }),
    fingerprinted: t.exposeBoolean('fingerprinted', { description: 'Whether Patchbay holds a current fingerprint of it: it wrote the value, and the vendor’s hint still agrees.' }),
  }),
});

export const SecretUsagesType = builder.objectRef<SecretUsages>('SecretUsages').implement({
  description: 'Secret usages across the accounts the caller may read, grouped by secret; accounts that could not be read are in `failures`.',
  fields: (t) => ({
    usages: t.field({ type: [SecretUsageType], description: 'Grouped usages first (by group, exact matches before last-four ones), then the rest.', resolve: (found) => [...found.usages] }),
    failures: t.field({ type: [AccountFailureType], description: 'Accounts (or parts) that could not be read; their secrets are not in `usages`.', resolve: (found) => [...found.failures] }),
  }),
});

export const SecretTargetInput = builder.inputType('SecretTargetInput', {
  description: 'One secret field of one connection.',
  fields: (t) => ({
    connectionId: t.id({ required: true, description: 'The connection’s global id.' }),
    field: t.string({ required: true, description: 'The secret field, as the connection’s `secrets` hints name it (e.g. `events.apiKey`).' }),
  }),
});

export const SuppliedSecretInput = builder.inputType('SuppliedSecretInput', {
  description: 'Another secret of a target, given so that a full-replace write does not unset it (see `SecretsRequiredError`).',
  fields: (t) => ({
    connectionId: t.id({ required: true, description: 'The connection’s global id.' }),
    field: t.string({ required: true, description: 'The secret field.' }),
    value: t.string({ required: true, description: 'Its value (sent to the vendor, never stored or answered).' }),
  }),
});

export const SecretMatchInput = builder.inputType('SecretMatchInput', {
  description: 'Rotate every connection holding a secret value.',
  fields: (t) => ({
    value: t.string({ required: true, description: 'The value being replaced (compared by fingerprint in memory; never stored or answered).' }),
    includeLastFour: t.boolean({ description: 'Also rotate the possible copies that match only by their hint’s last four characters.' }),
    services: t.field({ type: [ConnectedServiceEnum], description: 'Only connections to these services.' }),
    accounts: t.stringList({ description: 'Only these accounts.' }),
    vendors: t.field({ type: [vendorTypes().vendor], description: 'Only these vendors.' }),
  }),
});

export const RotateSecretInput = builder.inputType('RotateSecretInput', {
  description: 'A new value for one secret in many connections. Give `targets` or `match`.',
  fields: (t) => ({
    targets: t.field({ type: [SecretTargetInput], description: 'The secret fields to write the new value into (at most 100).' }),
    match: t.field({ type: SecretMatchInput, description: 'Instead of `targets`: every connection holding this value.' }),
    newValue: t.string({ required: true, description: 'The new secret (sent to each vendor; never stored, logged or answered).' }),
    supplied: t.field({ type: [SuppliedSecretInput], description: 'Other secrets of full-replace targets, so that the write does not unset them.' }),
    dryRun: t.boolean({ defaultValue: false, description: 'Check every target (rights, secret field, secrets a full replace needs) and say how each would change; write nothing.' }),
    idempotencyKey: t.string({ description: 'Makes the rotation safe to repeat: a repeat with the same key resumes it (only targets not yet done are written) or answers its outcome.' }),
  }),
});

export const ResumeSecretRotationInput = builder.inputType('ResumeSecretRotationInput', {
  description: 'A rotation that stopped before every target was written.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The rotation’s id (`rotationId`).' }),
    newValue: t.string({ required: true, description: 'The same new value (checked against the rotation’s fingerprint of it).' }),
    supplied: t.field({ type: [SuppliedSecretInput], description: 'Other secrets of full-replace targets.' }),
    dryRun: t.boolean({
      defaultValue: false,
      description: 'Write nothing: the targets already settled answer as recorded, the others as `rotateSecret` with `dryRun` would (how each would change, or why it could not be written).',
    }),
  }),
});

export const RotationTargetStateEnum = builder.enumType('RotationTargetState', {
  description: 'How one target of a rotation ended.',
  values: {
    DONE: { value: 'DONE', description: 'Written.' },
    FAILED: { value: 'FAILED', description: 'Not written, or not known to be written: see `error`.' },
    SKIPPED: { value: 'SKIPPED', description: 'Nothing to write: see `reason`.' },
    PREVIEWED: { value: 'PREVIEWED', description: 'A dry run: would be written as `change` says.' },
  } as const,
});

export const RotationTargetResultType = builder.objectRef<RotationTargetResult>('SecretRotationTarget').implement({
  description: 'One target of a rotation and how it ended.',
  fields: (t) => ({
    connectionId: t.exposeID('connectionId', { description: 'The connection’s global id.' }),
    field: t.exposeString('field', { description: 'The secret field.' }),
    account: t.exposeString('account', { nullable: true, description: 'The account’s config key, when the id names a configured one.' }),
    state: t.field({ type: RotationTargetStateEnum, description: 'How it ended.', resolve: (target) => target.state }),
    error: t.field({
      type: ErrorInterface,
      nullable: true,
      description: 'Why it was not written (a typed error), when it failed.',
      resolve: (target) => target.error as PlainError | null as PatchbayError | null,
    }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it was skipped, or how it was settled.' }),
    hint: t.field({ type: SecretHintType, nullable: true, description: 'The hint the vendor shows afterwards (now, for a dry run).', resolve: (target) => target.hint }),
    verified: t.exposeBoolean('verified', { nullable: true, description: 'Whether the hint read back shows the new value; null when the vendor shows no tail to tell by.' }),
    change: t.field({ type: ChangeKindEnum, nullable: true, description: 'For a dry run: how the field would change.', resolve: (target) => target.change }),
  }),
});

export const RotationResultType = builder.objectRef<RotationResult>('SecretRotation').implement({
  description: 'A rotation of one secret into many connections, target by target.',
  fields: (t) => ({
    rotationId: t.exposeID('rotationId', { nullable: true, description: 'The rotation’s id, for `resumeSecretRotation`; null for a dry run.' }),
    dryRun: t.exposeBoolean('dryRun', { description: 'Whether this was a dry run (nothing written).' }),
    targets: t.field({ type: [RotationTargetResultType], description: 'Every target, in order.', resolve: (rotation) => [...rotation.targets] }),
  }),
});
