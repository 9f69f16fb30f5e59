import { builder } from './builder.js';
import { pageInfoOf } from './page-info.js';
import type { ChangeEdge, ChangePage } from '../src/app/history-read.js';
import type { ScanOutcome } from '../src/app/drift.js';
import type { ChangeRow } from '../src/core/store/history-store.js';
import { ErrorInterface } from './errors.js';
import { FieldChangeType } from './preview.js';
import { VendorAccountRef } from './vendor-account.js';
import { vendorTypes } from './vendor-types.js';

export const ConnectionChangeKindEnum = builder.enumType('ConnectionChangeKind', {
  description: 'What happened to a connection.',
  values: {
    CREATED: { value: 'CREATED', description: 'It appeared (made through Patchbay, or first seen by a scan).' },
    UPDATED: { value: 'UPDATED', description: 'Fields other than secrets changed (secrets may have changed too).' },
    DELETED: { value: 'DELETED', description: 'It is gone. Its history stays readable by its id.' },
    SECRET_CHANGED: { value: 'SECRET_CHANGED', description: 'Only secrets changed: set, replaced or unset. Never with a value.' },
  } as const,
});

export const ChangeSeenEnum = builder.enumType('ChangeSeen', {
  description: 'How Patchbay saw a change.',
  values: {
    WRITE: { value: 'WRITE', description: 'A write through Patchbay made it.' },
    SCAN: { value: 'SCAN', description: 'A drift scan found it (made outside Patchbay).' },
  } as const,
});

export const ConnectionChangeFilterInput = builder.inputType('ConnectionChangeFilter', {
  description: 'Narrows the change log. Every given criterion must hold.',
  fields: (t) => ({
    accounts: t.stringList({ description: 'Only changes of these accounts (config keys); at most 100.' }),
    vendors: t.field({ type: [vendorTypes().vendor], description: 'Only changes of these vendors.' }),
    kinds: t.field({ type: [ConnectionChangeKindEnum], description: 'Only these kinds of change.' }),
    actors: t.stringList({ description: 'Only changes by these actors: a caller (`apikey:ci`, `jwt:alice`, `anonymous`) or `OUTSIDE_PATCHBAY`; at most 100.' }),
    connectionIds: t.idList({ description: 'Only changes of these connections (global ids; a deleted connection’s too); at most 100.' }),
    since: t.field({ type: 'DateTime', description: 'Only changes recorded at or after this instant.' }),
  }),
});

export const ConnectionChangeRef = builder.objectRef<ChangeRow>('ConnectionChange').implement({
  description: 'One change to one connection: what changed field by field (secrets only as `SET`, `CHANGED` or `UNSET`), who made it, and how Patchbay saw it.',
  fields: (t) => ({
    id: t.id({ description: 'The change’s event id: the same in subscriptions and webhook deliveries, so a receiver can de-duplicate.', resolve: (c) => c.eventId }),
    connectionId: t.id({ description: 'The connection’s global id (it may be deleted: read its history with `changes(filter: { connectionIds })`).', resolve: (c) => c.connectionId }),
    account: t.exposeString('account', { description: 'The account (config key).' }),
    vendor: t.field({ type: vendorTypes().vendor, description: 'The vendor.', resolve: (c) => c.vendor }),
    name: t.exposeString('name', { description: 'The connection’s name at the time.' }),
    kind: t.field({ type: ConnectionChangeKindEnum, description: 'What happened.', resolve: (c) => c.kind }),
    actor: t.exposeString('actor', { description: 'Who made it: the caller of the write through Patchbay (`apikey:<name>`, `jwt:<sub>`, `anonymous`), or `OUTSIDE_PATCHBAY`.' }),
    seen: t.field({ type: ChangeSeenEnum, description: 'How Patchbay saw it.', resolve: (c) => c.seen }),
    at: t.field({ type: 'DateTime', description: 'When it was recorded.', resolve: (c) => c.at }),
    fields: t.field({ type: [FieldChangeType], description: 'The fields that changed, by dotted path; secrets by their hint’s field, never with a value.', resolve: (c) => [...c.diff] }),
  }),
});

const ChangeEdgeRef = builder.objectRef<ChangeEdge>('ConnectionChangeEdge').implement({
  description: 'A change and its cursor.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to continue after this change.' }),
    node: t.field({ type: ConnectionChangeRef, description: 'The change.', resolve: (e) => e.node }),
  }),
});

export const ConnectionChangePageRef = builder.objectRef<ChangePage>('ConnectionChangePage').implement({
  description: 'One page of changes, newest first.',
  fields: (t) => ({
    edges: t.field({ type: [ChangeEdgeRef], description: 'The changes with their cursors.', resolve: (p) => [...p.edges] }),
    nodes: t.field({ type: [ConnectionChangeRef], description: 'The changes.', resolve: (p) => p.edges.map((e) => e.node) }),
    pageInfo: t.field({ type: builder.pageInfoRef(), description: 'Where this page sits.', resolve: pageInfoOf }),
  }),
});

export const ScanAccountInputType = builder.inputType('ScanAccountInput', {
  description: 'Which account to scan now.',
  fields: (t) => ({
    account: t.string({ required: true, description: 'The account (config key).' }),
    dryRun: t.boolean({ defaultValue: false, description: 'Answer what the scan would record (a `WritePreview`), recording nothing.' }),
  }),
});

export const ScanAccountPayloadRef = builder.objectRef<ScanOutcome>('ScanAccountPayload').implement({
  description: 'One drift scan of one account: what it found changed outside Patchbay.',
  fields: (t) => ({
    account: t.field({ type: VendorAccountRef, description: 'The account scanned.', resolve: (s) => s.account }),
    startedAt: t.field({ type: 'DateTime', description: 'When it started.', resolve: (s) => s.startedAt }),
    finishedAt: t.field({ type: 'DateTime', description: 'When it ended.', resolve: (s) => s.finishedAt }),
    changes: t.field({ type: [ConnectionChangeRef], description: 'The changes it recorded; empty when the account was as Patchbay last saw it.', resolve: (s) => [...s.changes] }),
    skipped: t.exposeInt('skipped', { description: 'Connections it left unjudged: a write recorded a newer state meanwhile, or a part of the account could not be read.' }),
    error: t.field({
      type: ErrorInterface,
      nullable: true,
      description: 'Why the account could not be read (then it is FAILING and nothing was compared); null when it was.',
      resolve: (s) => s.error,
    }),
  }),
});
