import type { GatewayContext } from './context.js';
import { InputValidationError } from '../core/errors.js';
import { pageSize } from '../core/pagination.js';
import type { AuditEntry, ListAuditOptions } from '../core/store/store.js';
import { requireRight } from './rights.js';

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

/** Most values one filter list may hold. */
const MAX_FILTER_VALUES = 100;
const CURSOR_PREFIX = 'audit:';

function encodeAuditCursor(id: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
}

function decodeAuditCursor(after: string): number {
  const match = /^audit:(\d{1,15})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match) throw InputValidationError.single(['after'], 'is not a cursor this list produced');
  return Number(match[1]);
}

function checkList(values: readonly string[] | null | undefined, field: string): readonly string[] | undefined {
  if (values === null || values === undefined) return undefined;
  if (values.length > MAX_FILTER_VALUES) throw InputValidationError.single(['filter', field], `must list at most ${MAX_FILTER_VALUES} values`);
  return values;
}

/**
 * A page of the audit log for a caller with `audit:read`, newest first, with keyset cursors (an
 * entry's id), so pages stay exact while entries are added. A caller whose rights cover only some
 * accounts sees only entries of those accounts (not entries that name no account, nor accounts
 * no longer configured).
 */
export async function readAuditLog(context: GatewayContext, filter: AuditLogFilter, first: number | null | undefined, after: string | null | undefined): Promise<AuditLogPage> {
  requireRight(context, 'audit:read', null);
  const size = pageSize(first);
  const beforeId = after ? decodeAuditCursor(after) : undefined;
  const requested = checkList(filter.accounts, 'accounts');
  let accounts = requested;
  if (!context.rights.everyAccount) {
    const visible = context.deps.accounts.entries.filter((entry) => context.rights.covers(entry.ref)).map((entry) => entry.ref.key);
    accounts = requested === undefined ? visible : requested.filter((key) => visible.includes(key));
  }
  const empty: AuditLogPage = { edges: [], hasNextPage: false, hasPreviousPage: beforeId !== undefined };
  if (accounts !== undefined && accounts.length === 0) return empty;
  const callers = checkList(filter.callers, 'callers');
  const operations = checkList(filter.operations, 'operations');
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
    edges: entries.slice(0, size).map((node) => ({ cursor: encodeAuditCursor(node.id), node })),
    hasNextPage: entries.length > size,
    hasPreviousPage: beforeId !== undefined,
  };
}
