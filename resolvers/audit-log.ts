import { builder } from '../schema/builder.js';
import { AuditLogFilterInput, AuditLogPageRef } from '../schema/audit-log.js';
import { readAuditLog } from '../src/app/audit-log.js';
import { ForbiddenError, InputValidationError } from '../src/core/errors.js';
import { MAX_PAGE_SIZE } from '../src/core/pagination.js';

builder.queryField('auditLog', (t) =>
  t.field({
    type: AuditLogPageRef,
    description: 'Every mutation Patchbay ran or refused, with its caller, newest first. Needs the `audit:read` scope; a caller limited to some accounts sees their entries only.',
    args: {
      filter: t.arg({ type: AuditLogFilterInput, description: 'Narrows the log.' }),
      first: t.arg.int({ description: `Page size, at most ${MAX_PAGE_SIZE} (default 50).` }),
      after: t.arg.string({ description: 'A cursor from a previous page.' }),
    },
    errors: { types: [ForbiddenError, InputValidationError], directResult: true, union: { name: 'AuditLogResult', description: 'A page of the audit log, or why it cannot be read.' } },
    resolve: (_, args, context) => readAuditLog(context, args.filter ?? {}, args.first, args.after),
  }),
);
