import { builder } from '../schema/builder.js';
import { WRITE_ERRORS } from '../schema/errors.js';
import { ScanAccountInputType, ScanAccountPayloadRef } from '../schema/history.js';
import { audited } from '../src/app/audit.js';
import { previewScanOf, scanAccountNow } from '../src/app/history-read.js';

builder.mutationField('scanAccount', (t) =>
  t.field({
    type: ScanAccountPayloadRef,
    description:
      'Runs the drift scan of one account now: reads it (within its quota and breaker) and records what changed outside Patchbay since it was last seen. Needs `connections:read` on the account; audited like every mutation (it writes the change log, never the vendor). Background scans run on `gateway.history.scanIntervalSeconds`.',
    args: { input: t.arg({ type: ScanAccountInputType, required: true, description: 'The account, and whether only to preview.' }) },
    errors: { types: [...WRITE_ERRORS], directResult: true, union: { name: 'ScanAccountResult', description: 'The scan, what it would record (`dryRun`), or why it did not run.' } },
    resolve: (_, { input }, context) =>
      audited(context, { operation: 'scanAccount', account: input.account, targetId: null, input, scope: 'connections:read', preview: () => previewScanOf(context, input) }, () =>
        scanAccountNow(context, input),
      ),
  }),
);
