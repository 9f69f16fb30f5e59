import type { GatewayContext } from './context.js';
import { pageSize } from '../core/pagination.js';
import type { AuditEntry, ListAuditOptions } from '../core/store/store.js';
import { requireRight } from './rights.js';
import { filterList, rowCursor, visibleAccounts } from './list-args.js';

/** How `auditLog` is narrowed. Every given criterion must hold. */
export interface AuditLogFilter {
  readonly accounts?: readonly string[] | null | undefined;
  readonly callers?: readonly string[] | null | undefined;
  readonly operations?: readonly string[] | null | undefined;
  readonly since?: Date | null | undefined;
}

export interface AuditLogEdge {
  readonly cursor: string;
  readonly node: AuditEntry;
}

/** One page of the audit log, newest first. */
export interface AuditLogPage {
  readonly edges: readonly AuditLogEdge[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

const CURSOR = rowCursor('audit');

/**
 * A page of the audit log for a caller with `audit:read`, newest first, with keyset cursors (an
 * entry's id), so pages stay exact while entries are added. A caller whose rights cover only some
 * accounts sees only entries of those accounts (not entries that name no account, nor accounts
 * no longer configured).
 */
export async function readAuditLog(context: GatewayContext, filter: AuditLogFilter, first: number | null | undefined, after: string | null | undefined): Promise<AuditLogPage> {
  requireRight(context, 'audit:read', null);
  const size = pageSize(first);
  const beforeId = after ? CURSOR.decode(after) : undefined;
  const accounts = visibleAccounts(context, filterList(filter.accounts, ['filter', 'accounts']));
  const empty: AuditLogPage = { edges: [], hasNextPage: false, hasPreviousPage: beforeId !== undefined };
  if (accounts !== undefined && accounts.length === 0) return empty;
  const callers = filterList(filter.callers, ['filter', 'callers']);
  const operations = filterList(filter.operations, ['filter', 'operations']);
  const options: ListAuditOptions = {
    // One more than the page, to know whether another follows.
    limit: size + 1,
    ...(accounts === undefined ? {} : { accounts }),
    ...(callers === undefined ? {} : { callers }),
    ...(operations === undefined ? {} : { operations }),
    ...(filter.since ? { since: filter.since } : {}),
    ...(beforeId === undefined ? {} : { beforeId }),
  };
  const entries = await context.store.listAudit(options);
  return {
    edges: entries.slice(0, size).map((node) => ({ cursor: CURSOR.encode(node.id), node })),
    hasNextPage: entries.length > size,
    hasPreviousPage: beforeId !== undefined,
  };
}
