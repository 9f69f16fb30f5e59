import { realClock } from './clock.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long a vendor asks us to wait, in whole seconds, from the signals vendors actually send:
 * `Retry-After` (seconds or an HTTP date), Datadog/OpsRamp `X-RateLimit-Reset` (seconds until the
 * window resets) and the IETF draft `RateLimit-Reset` used by Cloud Manager. Null when none says.
 */
export function retryAfterSeconds(headers: Headers, now: number = realClock.now()): number | null {
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter);
    // Only an HTTP date (it has a weekday and month name): `Date.parse` would read "-1" or "1.5" as years.
    const date = /[A-Za-z]/.test(retryAfter) ? Date.parse(retryAfter) : Number.NaN;
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  for (const name of ['x-ratelimit-reset', 'ratelimit-reset']) {
    const value = header(headers, name)?.trim();
    if (value && /^\d+$/.test(value)) {
      const seconds = Number(value);
      // Some vendors send an epoch timestamp here instead of a delta.
      return seconds > 1_000_000_000 ? Math.max(0, seconds - Math.floor(now / 1000)) : seconds;
    }
  }
  return null;
}
