import type { SimHandler, SimResponse } from '../base.js';
import { jsonApi } from './render.js';

/** A rate limit the simulator enforces and announces, as Datadog does (CONTRACT.md, "Rate limits"). */
export interface DatadogRateLimitOptions {
  /** Requests allowed per period. */
  readonly limit: number;
  /** Length of the calendar-aligned period, in seconds. */
  readonly periodSeconds: number;
  /** `X-RateLimit-Name`; default `actions_connections`. */
  readonly name?: string;
}

/**
 * One organisation's request budget: every answer carries `X-RateLimit-Limit`, `-Period`,
 * `-Remaining`, `-Reset` (seconds until the period ends) and `-Name`; a request over the budget
 * gets 429 with the same headers. Periods are aligned to the clock, as Datadog documents.
 */
export class DatadogRateLimit {
  private periodStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(
    private readonly options: DatadogRateLimitOptions,
    private readonly now: () => number,
  ) {}

  /** Counts `count` requests against the current period, as other clients of the same organisation would. */
  spend(count: number): void {
    this.roll();
    this.used += count;
  }

  /** Wraps a route: counts the request, answers 429 when over budget, and adds the headers. */
  wrap(handler: SimHandler): SimHandler {
    return async (request) => {
      this.roll();
      this.used += 1;
      if (this.used > this.options.limit) return this.withHeaders(jsonApi(429, { errors: ['Too many requests'] }));
      return this.withHeaders(await handler(request));
    };
  }

  private roll(): void {
    const periodMs = this.options.periodSeconds * 1000;
    const start = Math.floor(this.now() / periodMs) * periodMs;
    if (start !== this.periodStart) {
      this.periodStart = start;
      this.used = 0;
    }
  }

  private withHeaders(response: SimResponse): SimResponse {
    const periodMs = this.options.periodSeconds * 1000;
    const resetSeconds = Math.max(1, Math.ceil((this.periodStart + periodMs - this.now()) / 1000));
    return {
      ...response,
      headers: {
        ...response.headers,
        'x-ratelimit-limit': String(this.options.limit),
        'x-ratelimit-period': String(this.options.periodSeconds),
        'x-ratelimit-remaining': String(Math.max(0, this.options.limit - this.used)),
        'x-ratelimit-reset': String(resetSeconds),
        'x-ratelimit-name': this.options.name ?? 'actions_connections',
      },
    };
  }
}
