/**
 * The kinds of event Patchbay tells the outside world (live subscriptions, webhook deliveries):
 * one list, which the config's webhook `events` and the app's events both name.
 */
export const EVENT_TYPES = ['connection.created', 'connection.updated', 'connection.deleted', 'connection.secret_changed', 'account.health_changed'] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The event types of a connection's change. */
export type ConnectionEventType = Exclude<EventType, 'account.health_changed'>;
