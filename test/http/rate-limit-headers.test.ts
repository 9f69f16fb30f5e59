import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../src/core/http/rate-limit-headers.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/*
 * How long a vendor asks us to wait. Headers arrive as undici gives them: lower-case names,
 * a string or (when repeated) an array of strings. `now` is injected.
 */

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('retryAfterSeconds', () => {
  it.each<[string, Headers, number | null]>([
    ['Retry-After in seconds', { 'retry-after': '42' }, 42],
    ['Retry-After of zero', { 'retry-after': '0' }, 0],
    ['Retry-After with surrounding spaces', { 'retry-after': '  7 ' }, 7],
    ['Retry-After as an HTTP date', { 'retry-after': 'Sun, 01 Mar 2026 12:01:30 GMT' }, 90],
    ['Retry-After as an HTTP date, rounded up', { 'retry-after': new Date(NOW + 2_500).toUTCString() }, 2],
    ['Retry-After as a date in the past', { 'retry-after': 'Sun, 01 Mar 2026 11:00:00 GMT' }, 0],
    ["Datadog's X-RateLimit-Reset (seconds until the window resets)", { 'x-ratelimit-reset': '17' }, 17],
    ['X-RateLimit-Reset as an epoch timestamp', { 'x-ratelimit-reset': String(NOW / 1000 + 30) }, 30],
    ['X-RateLimit-Reset as an epoch timestamp already past', { 'x-ratelimit-reset': String(NOW / 1000 - 30) }, 0],
    ['the IETF draft RateLimit-Reset', { 'ratelimit-reset': '5' }, 5],
    ['a repeated header: the first value', { 'retry-after': ['3', '99'] }, 3],
    ['Retry-After wins over X-RateLimit-Reset', { 'retry-after': '4', 'x-ratelimit-reset': '60' }, 4],
    ['X-RateLimit-Reset wins over RateLimit-Reset', { 'x-ratelimit-reset': '8', 'ratelimit-reset': '60' }, 8],
    ['an unreadable Retry-After falls back to X-RateLimit-Reset', { 'retry-after': 'soon', 'x-ratelimit-reset': '11' }, 11],
    ['an unreadable X-RateLimit-Reset falls back to RateLimit-Reset', { 'x-ratelimit-reset': 'n/a', 'ratelimit-reset': '6' }, 6],
    ['the other Datadog rate-limit headers alone say nothing', { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-period': '60' }, null],
    ['no header at all', {}, null],
    ['an empty Retry-After', { 'retry-after': '' }, null],
  ])('%s', (_label, headers, expected) => {
    expect(retryAfterSeconds(headers, NOW)).toBe(expected);
  });

  it('uses the current time when none is given', () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const seconds = retryAfterSeconds({ 'retry-after': inTenSeconds });
    expect(seconds).toBeGreaterThanOrEqual(9);
    expect(seconds).toBeLessThanOrEqual(10);
  });

  // RFC 9110 §10.2.3: Retry-After is an HTTP-date or a non-negative integer. V8's Date.parse reads
  // "-1" or "1.5" as dates in 2001, which must not turn into "retry now".
  it.each([
    ['a negative number', '-1', [30]],
    ['a fraction', '1.5', [2, 30]],
  ])('a Retry-After that is %s is not read as a date', (_label, value, acceptable) => {
    // Ignored (falling back to X-RateLimit-Reset), or for a fraction rounded up; never 0.
    expect(acceptable).toContain(retryAfterSeconds({ 'retry-after': value, 'x-ratelimit-reset': '30' }, NOW));
  });
});
