import { builder } from '../schema/builder.js';
import { WebhookDeliveryFilterInput, WebhookDeliveryPageRef } from '../schema/webhooks.js';
import { readWebhookDeliveries } from '../src/app/webhooks.js';
import { ForbiddenError, InputValidationError } from '../src/core/errors.js';
import { MAX_PAGE_SIZE } from '../src/core/pagination.js';

builder.queryField('webhookDeliveries', (t) =>
  t.field({
    type: WebhookDeliveryPageRef,
    description:
      'The webhook delivery log: per webhook and event, its state and attempts, newest event first. Needs the `audit:read` scope; a caller limited to some accounts sees deliveries of their events only.',
    args: {
      filter: t.arg({ type: WebhookDeliveryFilterInput, description: 'Narrows the log.' }),
      first: t.arg.int({ description: `Page size, at most ${MAX_PAGE_SIZE} (default 50).` }),
      after: t.arg.string({ description: 'A cursor from a previous page.' }),
    },
    errors: {
      types: [ForbiddenError, InputValidationError],
      directResult: true,
      union: { name: 'WebhookDeliveriesResult', description: 'A page of the webhook delivery log, or why it cannot be read.' },
    },
    resolve: (_, args, context) => readWebhookDeliveries(context, args.filter ?? {}, args.first, args.after),
  }),
);
