import type { LimitStore } from '../core/http/limits.js';
import { RedisLimitStore } from '../core/http/redis-limits.js';
import type { Logger } from '../core/logger.js';
import { StartupError } from './startup.js';

/** The environment's say on shared limits, as main.ts read it (unset variables are undefined). */
export interface SharedLimitSettings {
  /** `PATCHBAY_REDIS_URL`: unset, quotas and breakers stay in each process. */
  readonly url: string | undefined;
  /** `PATCHBAY_REDIS_PREFIX`, default `patchbay:`. */
  readonly prefix: string | undefined;
  /** `PATCHBAY_REDIS_TIMEOUT_MS`, default {@link DEFAULT_REDIS_TIMEOUT_MS}. */
  readonly timeoutMs: string | undefined;
}

/** How long one Redis call may take before a replica decides alone. */
export const DEFAULT_REDIS_TIMEOUT_MS = 200;

/**
 * Opens the Redis limit store the settings ask for, or answers null (limits in this process).
 * Settings that cannot work stop the start with a clear line (never quoting the URL, which may
 * carry a password); a Redis that is down does not: the replica serves, deciding alone, and
 * says so once in the log, in `/readyz` and in `/metrics`.
 */
export async function openSharedLimits(settings: SharedLimitSettings, logger: Logger): Promise<LimitStore | null> {
  const url = settings.url?.trim();
  if (!url) return null;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new StartupError('PATCHBAY_REDIS_URL is not a URL; expected redis://host:6379 (or rediss:// for TLS).');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new StartupError(`PATCHBAY_REDIS_URL must start with redis:// or rediss://, not ${protocol}//.`);
  const prefix = settings.prefix ?? 'patchbay:';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(prefix)) throw new StartupError('PATCHBAY_REDIS_PREFIX must be 1 to 64 letters, digits or ":_.-" (for example "patchbay:").');
  const timeoutText = settings.timeoutMs?.trim();
  const timeoutMs = timeoutText === undefined || timeoutText === '' ? DEFAULT_REDIS_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 10_000) {
    throw new StartupError(`PATCHBAY_REDIS_TIMEOUT_MS must be a whole number of milliseconds from 1 to 10000, not "${settings.timeoutMs}".`);
  }
  const store = new RedisLimitStore({ url, prefix, timeoutMs, logger });
  await store.connected();
  const status = store.status();
  logger.info('shared limits: quotas and breakers are shared through Redis', { prefix, timeoutMs, state: status.backend === 'redis' ? status.state : null });
  return store;
}
