import type { Clock } from './clock.js';

/** How many secret values one account remembers, and for how long. */
export interface RecentSecretsOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
}

/** Enough for the secrets of a burst of writes to one account, and the time a vendor keeps quoting them. */
export const DEFAULT_RECENT_SECRETS: RecentSecretsOptions = { maxEntries: 64, ttlMs: 15 * 60_000 };

/**
 * The secret values recently sent to one account: request secrets and the credentials the auth
 * strategy put on the wire (an OAuth token that has since been replaced included). A vendor may
 * quote a value from an earlier request (a 409 naming the existing object with its key, an error
 * about a token that expired), so answers are scrubbed of these as well as of the current
 * request's. Bounded by count and age: the oldest value goes first. Held in memory only, where
 * the values already were while they were sent.
 */
export class RecentSecrets {
  /** Value → when it was last sent; a Map keeps insertion order, so the first key is the oldest. */
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly options: RecentSecretsOptions = DEFAULT_RECENT_SECRETS,
  ) {}

  /** Notes values that are being sent now. */
  remember(values: Iterable<string>): void {
    const now = this.clock.now();
    for (const value of values) {
      if (value === '') continue;
      this.sent.delete(value);
      this.sent.set(value, now);
    }
    while (this.sent.size > this.options.maxEntries) {
      const oldest = this.sent.keys().next();
      if (oldest.done) break;
      this.sent.delete(oldest.value);
    }
  }

  /** The values sent within the time window, newest last. */
  values(): string[] {
    const cutoff = this.clock.now() - this.options.ttlMs;
    for (const [value, at] of this.sent) {
      if (at >= cutoff) break;
      this.sent.delete(value);
    }
    return [...this.sent.keys()];
  }
}
