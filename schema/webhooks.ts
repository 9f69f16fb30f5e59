import { builder } from './builder.js';
import { pageInfoOf } from './page-info.js';
import type { WebhookDeliveryEdge, WebhookDeliveryPage, WebhookDeliveryView } from '../src/app/webhooks.js';
import type { AttemptRow, DeliveryState } from '../src/core/store/webhook-store.js';

const STATE_DESCRIPTIONS: Readonly<Record<DeliveryState, string>> = {
  PENDING: 'Not delivered yet: the next attempt is due at `nextAttemptAt`.',
  DELIVERED: 'A receiver answered 2xx.',
  GAVE_UP: 'No attempt succeeded within the retry window (24 h from the event by default); no further attempt is made.',
};

export const WebhookDeliveryStateEnum = builder.enumType('WebhookDeliveryState', {
  description: 'Where the delivery of one event to one webhook stands.',
  values: Object.fromEntries(Object.entries(STATE_DESCRIPTIONS).map(([state, description]) => [state, { value: state, description }])) as Record<
    DeliveryState,
    { value: DeliveryState; description: string }
  >,
});

export const WebhookDeliveryFilterInput = builder.inputType('WebhookDeliveryFilter', {
  description: 'Narrows the webhook delivery log. Every given criterion must hold.',
  fields: (t) => ({
    webhookIds: t.stringList({ description: 'Only deliveries to these webhooks (their config `id`); at most 100.' }),
    eventIds: t.stringList({ description: 'Only deliveries of these events (the `id` of the body, the `Patchbay-Event-Id` header); at most 100.' }),
    states: t.field({ type: [WebhookDeliveryStateEnum], description: 'Only deliveries in these states; at most 100.' }),
  }),
});

const WebhookDeliveryAttemptRef = builder.objectRef<AttemptRow>('WebhookDeliveryAttempt').implement({
  description: 'One POST of an event to a webhook, and how it ended. Never a header, a body or the full URL.',
  fields: (t) => ({
    attempt: t.exposeInt('attempt', { description: 'Which attempt this was, from 1.' }),
    at: t.field({ type: 'DateTime', description: 'When it ended.', resolve: (a) => a.at }),
    httpStatus: t.int({ nullable: true, description: "The receiver's HTTP status; null when none answered.", resolve: (a) => a.httpStatus }),
    error: t.string({
      nullable: true,
      description: 'Why it failed without an answer, or a 3xx that was not followed, as a code and a few words (`ECONNREFUSED: connection refused`, `TIMEOUT: …`); null otherwise.',
      resolve: (a) => a.error,
    }),
    durationMs: t.exposeInt('durationMs', { description: 'How long it took, in milliseconds.' }),
  }),
});

const WebhookDeliveryRef = builder.objectRef<WebhookDeliveryView>('WebhookDelivery').implement({
  description: 'The delivery of one event to one webhook: its state and every attempt. The signing secret and the body are never shown.',
  fields: (t) => ({
    webhookId: t.exposeString('webhookId', { description: "The webhook's config `id` (by default derived from its URL)." }),
    urlHint: t.string({
      nullable: true,
      description: "The origin of the webhook's URL (`https://hooks.example.com/…`: its path and query may carry a token); null when the webhook is no longer configured.",
      resolve: (d) => d.urlHint,
    }),
    eventId: t.exposeString('eventId', { description: 'The event, as its body and the `Patchbay-Event-Id` header name it: the same id is always the same body.' }),
    eventType: t.exposeString('eventType', { description: 'The event type, e.g. `connection.updated` or `account.health_changed`.' }),
    account: t.string({ nullable: true, description: 'The account (config key) the event is about, when it names one.', resolve: (d) => d.account }),
    state: t.field({ type: WebhookDeliveryStateEnum, description: 'Where the delivery stands.', resolve: (d) => d.state }),
    attemptCount: t.exposeInt('attempts', { description: 'Attempts made so far (one in flight counts).' }),
    createdAt: t.field({ type: 'DateTime', description: 'When the event was recorded (and the delivery enqueued with it).', resolve: (d) => d.createdAt }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'When the next attempt is due; null once delivered or given up.', resolve: (d) => d.nextAttemptAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was delivered or given up; null while pending.', resolve: (d) => d.finishedAt }),
    attempts: t.field({ type: [WebhookDeliveryAttemptRef], description: 'Every attempt, oldest first.', resolve: (d) => [...d.attemptLog] }),
  }),
});

const WebhookDeliveryEdgeRef = builder.objectRef<WebhookDeliveryEdge>('WebhookDeliveryEdge').implement({
  description: 'A webhook delivery and its cursor.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to continue after this delivery.' }),
    node: t.field({ type: WebhookDeliveryRef, description: 'The delivery.', resolve: (e) => e.node }),
  }),
});

export const WebhookDeliveryPageRef = builder.objectRef<WebhookDeliveryPage>('WebhookDeliveryPage').implement({
  description: 'One page of the webhook delivery log, newest event first.',
  fields: (t) => ({
    edges: t.field({ type: [WebhookDeliveryEdgeRef], description: 'The deliveries with their cursors.', resolve: (p) => [...p.edges] }),
    nodes: t.field({ type: [WebhookDeliveryRef], description: 'The deliveries.', resolve: (p) => p.edges.map((e) => e.node) }),
    pageInfo: t.field({ type: builder.pageInfoRef(), description: 'Where this page sits.', resolve: pageInfoOf }),
  }),
});
