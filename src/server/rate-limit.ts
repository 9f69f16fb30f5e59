import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../app/context.js';
import type { Clock } from '../core/http/clock.js';

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

/** Above this many callers, buckets that have refilled completely are forgotten (they hold nothing a new bucket would not). */
const SWEEP_ABOVE = 10_000;

/**
 * One token bucket per caller: it holds a minute's worth of requests and refills continuously, so
 * a caller may burst up to `requestsPerMinute` and then keeps that rate. Long-lived, shared by
 * every request of the gateway; time comes from the injected clock.
 */
export class CallerRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly requestsPerMinute: number,
    private readonly clock: Clock,
  ) {
    this.perMs = requestsPerMinute / 60_000;
  }

  /** Takes a token for `caller`: 0 when the request may run, else the seconds until one is free. */
  take(caller: string): number {
    const now = this.clock.now();
    const bucket = this.refilled(caller, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  private refilled(caller: string, now: number): Bucket {
    let bucket = this.buckets.get(caller);
    if (!bucket) {
      if (this.buckets.size >= SWEEP_ABOVE) this.sweep(now);
      bucket = { tokens: this.requestsPerMinute, at: now };
      this.buckets.set(caller, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.requestsPerMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket;
  }

  private sweep(now: number): void {
    for (const [caller, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.requestsPerMinute) this.buckets.delete(caller);
    }
  }
}

/**
 * Answers HTTP 429 with `Retry-After` when the caller (`context.caller`, whoever authentication
 * says is asking) has used up its `gateway.limits.requestsPerMinute`. It runs when the operation is
 * about to execute (or a subscription to start), before any field: a refused request calls no vendor.
 * 0 turns it off.
 */
export function rateLimitPlugin(requestsPerMinute: number, clock: Clock): Plugin<GatewayContext> {
  if (requestsPerMinute === 0) return {};
  const limiter = new CallerRateLimiter(requestsPerMinute, clock);
  // Queries and mutations reach onExecute, subscriptions onSubscribe: each one takes a token as it starts.
  const gate = ({ args, setResultAndStopExecution }: { args: { contextValue: GatewayContext }; setResultAndStopExecution: (result: { errors: GraphQLError[] }) => void }) => {
    const retryAfter = limiter.take(args.contextValue.caller);
    if (retryAfter === 0) return;
    setResultAndStopExecution({
      errors: [
        new GraphQLError(`Too many requests from this caller; at most ${requestsPerMinute} per minute. Try again in ${retryAfter} s.`, {
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter, http: { status: 429, headers: { 'retry-after': String(retryAfter) } } },
        }),
      ],
    });
  };
  return { onExecute: gate, onSubscribe: gate };
}
