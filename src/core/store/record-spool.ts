import type { Logger } from '../logger.js';
import type { MutationRecord } from './mutation-records.js';

/**
 * Mutation records (audit row + idempotency outcome) that could not be stored when their
 * mutation ended, kept in memory and stored again in the background. A vendor write that
 * succeeded stays a success when the store is down or stalled: its record waits here instead of
 * being lost, and is stored (once: a record's id makes a second store a no-op) when the store
 * answers again. Bounded: when full, the oldest record is dropped, logged and counted; on close,
 * what is left gets one short last try, and what still fails is logged and counted as dropped.
 * Log lines carry the operation, account and outcome of a record, never its stored outcome or key.
 */

/** What the spool reports to the metrics. */
export interface SpoolObserver {
  spooled(): void;
  dropped(count: number): void;
  flushed(): void;
}

export interface RecordSpoolOptions {
  /** Stores one record (the store's `recordMutation`). */
  readonly store: (record: MutationRecord) => Promise<void>;
  readonly logger: Logger;
  readonly observer?: SpoolObserver;
  /** Most records held; default {@link DEFAULT_SPOOL_CAPACITY}. */
  readonly capacity?: number;
  /** First retry delay, doubled per failed attempt up to `maxDelayMs`; default 250 ms. */
  readonly baseDelayMs?: number;
  /** Default 15 s. */
  readonly maxDelayMs?: number;
}

export const DEFAULT_SPOOL_CAPACITY = 10_000;

export class RecordSpool {
  private readonly queue: MutationRecord[] = [];
  private readonly capacity: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: RecordSpoolOptions) {
    this.capacity = options.capacity ?? DEFAULT_SPOOL_CAPACITY;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 15_000;
  }

  /** Records waiting to be stored. */
  get pending(): number {
    return this.queue.length;
  }

  /** Stores `record` now; when that fails, keeps it to store later. Never throws. */
  async record(record: MutationRecord): Promise<'stored' | 'spooled'> {
    try {
      await this.options.store(record);
      return 'stored';
    } catch (error) {
      this.add(record, error);
      return 'spooled';
    }
  }

  /** Keeps a record whose store failed with `error`, to store it in the background. */
  add(record: MutationRecord, error: unknown): void {
    if (isRefusal(error)) {
      this.drop([record], `the store refused it (${reasonOf(error)})`);
      return;
    }
    this.options.logger.error('mutation record not stored; spooled to store again', { ...facts(record), reason: reasonOf(error), pending: this.queue.length + 1 });
    if (this.closed) {
      this.drop([record], 'the gateway is closing');
      return;
    }
    if (this.queue.length >= this.capacity) this.drop(this.queue.splice(0, this.queue.length - this.capacity + 1), 'the spool is full');
    this.queue.push(record);
    this.options.observer?.spooled();
    this.schedule();
  }

  /** Stores what is spooled, oldest first, until one fails; resolves when done (a flush already running is joined). */
  flush(): Promise<void> {
    this.flushing ??= this.flushNow().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /**
   * Stops retrying in the background and gives what is left one last flush of at most
   * `timeoutMs`; records still not stored are dropped (logged, counted).
   */
  async close(timeoutMs = 2_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([this.flush(), late]);
      clearTimeout(timer);
    }
    if (this.queue.length > 0) this.drop(this.queue.splice(0), 'the gateway closed before the store answered');
  }

  private async flushNow(): Promise<void> {
    while (this.queue.length > 0) {
      const record = this.queue[0] as MutationRecord;
      try {
        await this.options.store(record);
      } catch (error) {
        if (isRefusal(error)) {
          if (this.queue[0] === record) this.queue.shift();
          this.drop([record], `the store refused it (${reasonOf(error)})`);
          continue;
        }
        this.failures++;
        if (this.failures === 1 || this.failures % 20 === 0)
          this.options.logger.warn('spooled mutation records still not stored', { pending: this.queue.length, attempts: this.failures, reason: reasonOf(error) });
        this.schedule();
        return;
      }
      // Dropped while it was being stored (the spool filled up): it is stored anyway, so do not drop another.
      if (this.queue[0] === record) this.queue.shift();
      this.failures = 0;
      this.options.observer?.flushed();
      this.options.logger.info('spooled mutation record stored', facts(record));
    }
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(this.failures, 16));
    // Jitter, so that replicas that lost the same store do not all come back in the same instant.
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.flush();
      },
      delay / 2 + Math.random() * (delay / 2),
    );
    this.timer.unref();
  }

  private drop(records: readonly MutationRecord[], why: string): void {
    if (records.length === 0) return;
    for (const record of records) this.options.logger.error(`mutation record dropped: ${why}`, facts(record));
    this.options.observer?.dropped(records.length);
  }
}

function facts(record: MutationRecord): Record<string, string | null> {
  return { operation: record.audit.operation, account: record.audit.account, outcome: record.audit.outcome, caller: record.audit.caller };
}

/** A record the store refuses as such (a bug in what was recorded), which no retry can store: dropped, not retried. */
function isRefusal(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
