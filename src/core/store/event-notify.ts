import type { EventNotice } from './history-store.js';

/**
 * The notices of `patchbay_events` (`EVENTS_CHANNEL`) as one replica hears them: every change or health
 * transition any replica recorded (this one's too), as a row id to load. A notice is only a
 * pointer, never the event, so the 8000-byte NOTIFY limit never cuts an event short and what a
 * subscriber gets is the row as committed. Heard on the same LISTEN session as the tracked-id
 * channel (tracked-notify.ts): one direct connection per replica, however many channels.
 */
export interface EventNotices {
  /** True while notices arrive; false while the LISTEN connection is down (notices sent then are lost). */
  listening(): boolean;
  /**
   * `notice` runs for each well-formed notice, in the order PostgreSQL delivers them (commit
   * order); `resumed` each time listening (re)starts, so a consumer may catch up on what it missed.
   */
  onEvent(listener: EventNoticeListener): () => void;
}

export interface EventNoticeListener {
  notice(notice: EventNotice): void;
  resumed(): void;
}

/**
 * Reads one NOTIFY payload of `patchbay_events`. Null for anything that is not a notice as
 * history-store.ts writes it: the channel is open to every session of the database, and a stray
 * or hand-made payload must neither throw in the listener nor make a replica load a row by a
 * value it did not check.
 */
export function parseEventNotice(payload: string | undefined): EventNotice | null {
  if (payload === undefined || payload.length > 1_000) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { kind, id, replica } = value as Record<string, unknown>;
  if (kind !== 'change' && kind !== 'health') return null;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return null;
  if (typeof replica !== 'string') return null;
  return { kind, id, replica };
}
