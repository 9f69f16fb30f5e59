import { WritePreview, type FieldChange, type PreviewField } from '../src/app/preview.js';
import { builder } from './builder.js';
import { vendorTypes } from './vendor-types.js';

export const ChangeKindEnum = builder.enumType('ChangeKind', {
  description: 'How a field changes in a write preview. Secrets change only as `SET`, `CHANGED`, `UNSET` or `UNCHANGED`: never with a value.',
  values: {
    ADDED: { value: 'ADDED', description: 'A field that has no value now gets one.' },
    REMOVED: { value: 'REMOVED', description: 'A field that has a value now would have none.' },
    CHANGED: { value: 'CHANGED', description: 'A field (or a secret) that is set now would hold another value. A secret re-sent without a stored fingerprint to compare counts as changed.' },
    SET: { value: 'SET', description: 'A secret that holds no value now would be set.' },
    UNSET: { value: 'UNSET', description: 'A secret that is set now would hold no value afterwards (a full replace that does not send it).' },
    UNCHANGED: { value: 'UNCHANGED', description: 'A secret sent again with the value it holds: its fingerprint matches the one Patchbay stored, and the vendor’s hint agrees.' },
  } as const,
});

export const PreviewFieldType = builder.objectRef<PreviewField>('PreviewField').implement({
  description: 'One field of an object in a write preview.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'The field’s dotted path in the object, e.g. `pagerDuty.region` or `headers.0.name`.' }),
    value: t.exposeString('value', { nullable: true, description: 'The value as JSON text; null for a secret, which is never shown.' }),
    secret: t.exposeBoolean('secret', { description: 'Whether the field holds a secret.' }),
    isSet: t.exposeBoolean('isSet', { description: 'Whether the field holds a value (for a secret: whether one is set).' }),
  }),
});

export const FieldChangeType = builder.objectRef<FieldChange>('FieldChange').implement({
  description: 'One field a write would change.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'The field’s dotted path (for a secret, its hint’s `field`).' }),
    kind: t.field({ type: ChangeKindEnum, description: 'How it changes.', resolve: (change) => change.kind }),
    secret: t.exposeBoolean('secret', { description: 'Whether the field holds a secret (then `before` and `after` are null).' }),
    before: t.exposeString('before', { nullable: true, description: 'The value now, as JSON text; null when there is none, or for a secret.' }),
    after: t.exposeString('after', { nullable: true, description: 'The value afterwards, as JSON text; null when there is none, or for a secret.' }),
  }),
});

builder.objectType(WritePreview, {
  name: 'WritePreview',
  description:
    'What a mutation asked with `dryRun: true` would do: nothing was written (no vendor write was sent, nothing stored but the audit row). `before` is the object now, `after` what the write would leave, `changes` the difference field by field; secrets appear only as `SET`, `CHANGED`, `UNSET` or `UNCHANGED`.',
  fields: (t) => ({
    operation: t.exposeString('operation', { description: 'The mutation previewed.' }),
    account: t.exposeString('account', { nullable: true, description: 'The config key of the account it would write to.' }),
    targetId: t.exposeID('targetId', { nullable: true, description: 'The global id of the object it would change, when it changes one that exists.' }),
    current: t.field({
      type: vendorTypes().integrationConnection,
      nullable: true,
      description: 'The connection as the vendor holds it now, when the write targets one.',
      resolve: (preview) => preview.current,
    }),
    before: t.field({ type: [PreviewFieldType], nullable: true, description: 'The object now, field by field; null when there is none (a create).', resolve: (preview) => preview.before }),
    after: t.field({
      type: [PreviewFieldType],
      nullable: true,
      description: 'The object the write would leave, field by field; null when it would leave none (a delete).',
      resolve: (preview) => preview.after,
    }),
    changes: t.field({ type: [FieldChangeType], description: 'Every field the write would change, and every secret it would send or unset.', resolve: (preview) => [...preview.changes] }),
    vendorValidated: t.exposeBoolean('vendorValidated', {
      description: 'Whether the vendor itself checked the write without applying it (Chronosphere `dry_run`); otherwise only Patchbay checked it.',
    }),
    notes: t.exposeStringList('notes', { description: 'What the preview could not tell, in words a person can act on.' }),
  }),
});
