import { builder } from './builder.js';
import { pageInfoOf } from './page-info.js';
import type { AuditLogEdge, AuditLogPage } from '../src/app/audit-log.js';
import type { AuditEntry } from '../src/core/store/store.js';

export const AuditLogFilterInput = builder.inputType('AuditLogFilter', {
  description: 'Narrows the audit log. Every given criterion must hold.',
  fields: (t) => ({
    accounts: t.stringList({ description: 'Only entries of these accounts (config keys); at most 100.' }),
    callers: t.stringList({ description: 'Only entries of these callers, e.g. `apikey:ci` or `jwt:alice`; at most 100.' }),
    operations: t.stringList({ description: 'Only entries of these operations (mutation names); at most 100.' }),
    since: t.field({ type: 'DateTime', description: 'Only entries at or after this instant.' }),
  }),
});

const AuditEntryRef = builder.objectRef<AuditEntry>('AuditEntry').implement({
  description: 'One mutation as the audit log recorded it: who asked, what, on which account, and how it ended. Never a secret.',
  fields: (t) => ({
    id: t.id({ description: "The entry's number in the log; later entries have larger numbers.", resolve: (e) => String(e.id) }),
    at: t.field({ type: 'DateTime', description: 'When the mutation finished.', resolve: (e) => e.at }),
    caller: t.exposeString('caller', { description: 'Who asked: `apikey:<name>`, `jwt:<sub>`, or `anonymous` when the gateway runs without authentication.' }),
    operation: t.exposeString('operation', { description: 'The mutation, by name.' }),
    account: t.string({ nullable: true, description: 'The account (config key) it targeted, when it named a configured one.', resolve: (e) => e.account }),
    targetId: t.string({ nullable: true, description: 'The global id of the object it touched, when known.', resolve: (e) => e.targetId }),
    outcome: t.exposeString('outcome', { description: '`OK`, `REPLAYED` (an idempotency key answered from the first outcome), the typed error’s name, or `UNEXPECTED`.' }),
  }),
});

const AuditLogEdgeRef = builder.objectRef<AuditLogEdge>('AuditLogEdge').implement({
  description: 'An audit entry and its cursor.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to continue after this entry.' }),
    node: t.field({ type: AuditEntryRef, description: 'The entry.', resolve: (e) => e.node }),
  }),
});

export const AuditLogPageRef = builder.objectRef<AuditLogPage>('AuditLogPage').implement({
  description: 'One page of the audit log, newest first.',
  fields: (t) => ({
    edges: t.field({ type: [AuditLogEdgeRef], description: 'The entries with their cursors.', resolve: (p) => [...p.edges] }),
    nodes: t.field({ type: [AuditEntryRef], description: 'The entries.', resolve: (p) => p.edges.map((e) => e.node) }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      description: 'Where this page sits.',
      resolve: pageInfoOf,
    }),
  }),
});
