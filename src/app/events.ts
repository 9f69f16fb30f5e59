import type { ConnectionEventType, EventType } from '../core/events.js';
import type { ChangeKind, ChangeRow, HealthChangeRow, OutboxInput } from '../core/store/history-store.js';

/**
 * What Patchbay tells the outside world as it happens: a connection changed (through Patchbay or
 * outside it), or an account's health moved. Each event has an id that names it everywhere it
 * goes (GraphQL subscriptions, webhook deliveries), so a receiver can de-duplicate; one id is
 * never two different events.
 */

const TYPE_OF_KIND: Readonly<Record<ChangeKind, ConnectionEventType>> = {
  CREATED: 'connection.created',
  UPDATED: 'connection.updated',
  DELETED: 'connection.deleted',
  SECRET_CHANGED: 'connection.secret_changed',
};

export interface ConnectionChangeEvent {
  readonly type: ConnectionEventType;
  readonly id: string;
  readonly occurredAt: Date;
  readonly change: ChangeRow;
}

export interface HealthChangeEvent {
  readonly type: 'account.health_changed';
  readonly id: string;
  readonly occurredAt: Date;
  readonly health: HealthChangeRow;
}

export type PatchbayEvent = ConnectionChangeEvent | HealthChangeEvent;

export function changeEvent(change: ChangeRow): ConnectionChangeEvent {
  return { type: TYPE_OF_KIND[change.kind], id: change.eventId, occurredAt: change.at, change };
}

export function healthEvent(health: HealthChangeRow): HealthChangeEvent {
  return { type: 'account.health_changed', id: health.eventId, occurredAt: health.at, health };
}

/** The event type a change of `kind` is delivered as. */
export function eventTypeOf(kind: ChangeKind): ConnectionEventType {
  return TYPE_OF_KIND[kind];
}

/**
 * The `data` of an event as webhooks carry it (secret-free: a change's secrets are only
 * `SET`/`CHANGED`/`UNSET`). Also what the outbox row stores, so a delivery retried a day later
 * sends the same bytes under the same id.
 */
export function eventData(event: { readonly type: EventType; readonly change?: Omit<ChangeRow, 'id' | 'at'>; readonly health?: Omit<HealthChangeRow, 'id' | 'at'> }): Record<string, unknown> {
  if (event.change !== undefined) {
    const c = event.change;
    return { connectionId: c.connectionId, account: c.account, vendor: c.vendor, name: c.name, kind: c.kind, actor: c.actor, seen: c.seen, fields: c.diff };
  }
  const h = event.health;
  if (h === undefined) throw new Error('an event carries a change or a health transition');
  return { account: h.account, vendor: h.vendor, status: h.status, previous: h.previous, error: h.errorType === null ? null : { type: h.errorType, message: h.errorMessage } };
}

/** The JSON body of a webhook delivery: `{ "id", "type", "occurredAt", "data" }`. */
export function webhookBody(id: string, type: EventType, occurredAt: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ id, type, occurredAt: occurredAt.toISOString(), data });
}

/**
 * Where an event is to be delivered by webhook: the outbox rows to write in the same transaction
 * as the event (one per configured webhook that takes its type). `occurredAt` is the time the
 * body says (the event's row gets the database's own `now()` beside it).
 */
export interface WebhookRouting {
  rowsFor(id: string, type: EventType, occurredAt: Date, data: Record<string, unknown>): readonly OutboxInput[];
}

/** No webhook configured: nothing to enqueue. */
export const NO_WEBHOOKS: WebhookRouting = { rowsFor: () => [] };

type Listener = (event: PatchbayEvent) => void;

/**
 * The in-process event hub: what this replica recorded is published here at once; what another
 * replica recorded arrives through the store's notifications (PostgreSQL LISTEN) and is published
 * here too. Subscribers (GraphQL subscriptions) filter for themselves. A listener that throws is
 * cut off, never the publisher.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  /** Ids published lately: an event that arrives twice (its own replica's NOTIFY) is published once. */
  private readonly recent = new Set<string>();
  private readonly recentOrder: string[] = [];

  publish(event: PatchbayEvent): void {
    if (this.recent.has(event.id)) return;
    this.recent.add(event.id);
    this.recentOrder.push(event.id);
    if (this.recentOrder.length > 10_000) this.recent.delete(this.recentOrder.shift() ?? '');
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
