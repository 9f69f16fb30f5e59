import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { LimitStore, LimitStoreStatus, TransportLimitOptions, TransportLimits } from './limits.js';
import {
  AccountBreaker,
  HOLD_RELEASE_GAP_MS,
  QuotaGate,
  holdOf,
  type BreakerPass,
  type BreakerState,
  type BreakerVerdict,
  type CircuitState,
  type QuotaState,
  type RateLimitBudget,
} from './resilience.js';

/** How a replica reaches the Redis that the fleet shares its limits through. */
export interface RedisLimitOptions {
  /** `redis://` or `rediss://` URL; it may carry a password, so it is never logged or reported. */
  readonly url: string;
  /** Prefix of every key (default `patchbay:`): replicas of one fleet share it, other fleets use another. */
  readonly prefix: string;
  /** The longest one Redis call may take before this replica decides alone. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** After Redis failed or was late, this replica decides alone for this long before asking it again. */
const RECHECK_MS = 1_000;

/** How often a replica reads the shared state of every transport, whether or not it calls them. */
const REFRESH_MS = 1_000;

/** Keys outlive the longest window they describe by this much, then go: nothing is kept forever. */
const KEY_SLACK_MS = 300_000;

/** The Redis server's clock in ms: every replica measures windows on the same clock. */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Reserves a call's start for one transport: after the shared hold-until, after the next static
 * slot (a fleet-wide next-slot limiter: N a minute for all replicas together), and, when the
 * transport is held, one release gap after the previous held call (of any replica). Answers the wait and the hold
 * still left, both in ms. KEYS[1] the transport's hash; ARGV interval ms (0: no static limit),
 * release gap ms, key slack ms.
 */
const RESERVE = `${NOW}
local f = redis.call('HMGET', KEYS[1], 'hold', 'next', 'release')
local hold = tonumber(f[1]) or 0
local nxt = tonumber(f[2]) or 0
local release = tonumber(f[3]) or 0
local interval = tonumber(ARGV[1])
local start = math.max(now, hold)
if interval > 0 then start = math.max(start, nxt) end
if hold > now then
  start = math.max(start, release)
  redis.call('HSET', KEYS[1], 'release', start + tonumber(ARGV[2]))
end
if interval > 0 then redis.call('HSET', KEYS[1], 'next', start + interval) end
redis.call('PEXPIRE', KEYS[1], start - now + interval + tonumber(ARGV[3]))
return {start - now, math.max(0, hold - now)}
`;

/** Gives back a reservation that was not used. ARGV interval ms, release gap ms. */
const RELEASE = `${NOW}
local interval = tonumber(ARGV[1])
if interval > 0 then
  local nxt = tonumber(redis.call('HGET', KEYS[1], 'next')) or 0
  if nxt > now then redis.call('HSET', KEYS[1], 'next', math.max(now, nxt - interval)) end
end
local release = tonumber(redis.call('HGET', KEYS[1], 'release')) or 0
if release > now then redis.call('HSET', KEYS[1], 'release', math.max(now, release - tonumber(ARGV[2]))) end
return 0
`;

/** Holds the transport for every replica: hold-until grows to now + ARGV[1] ms (never shrinks). ARGV[2] key slack ms. */
const HOLD = `${NOW}
local wanted = now + tonumber(ARGV[1])
local hold = tonumber(redis.call('HGET', KEYS[1], 'hold')) or 0
if wanted > hold then
  redis.call('HSET', KEYS[1], 'hold', wanted)
  hold = wanted
end
local ttl = hold - now + tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return hold - now
`;

/**
 * Asks the shared circuit whether an attempt may go. KEYS[1] holds the open-until time while the
 * circuit is open or half-open; KEYS[2] is the probe lease (SET NX PX: exactly one replica probes).
 * ARGV lease ms, this replica's token. Answers {0} closed, {1, ms left} open, {2} this replica
 * probes, {3} another replica's probe is out.
 */
const ADMIT = `${NOW}
local open = tonumber(redis.call('GET', KEYS[1]))
if not open then return {0, 0} end
if now < open then return {1, open - now} end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then return {2, 0} end
return {3, 0}
`;

/**
 * Opens the shared circuit for ARGV[1] ms. ARGV[3] `trip`: only when it is closed (a replica's
 * ordinary attempts judged the vendor down; one already open is left as it is); `reopen`: the
 * probe failed, so it opens again whatever it was. Either way this replica's probe lease goes.
 * ARGV[2] key slack ms, ARGV[4] this replica's token.
 */
const OPEN = `${NOW}
local ttl = tonumber(ARGV[1]) + tonumber(ARGV[2])
if ARGV[3] == 'reopen' then
  redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', ttl)
else
  redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'NX', 'PX', ttl)
end
if redis.call('GET', KEYS[2]) == ARGV[4] then redis.call('DEL', KEYS[2]) end
return 0
`;

/** The probe succeeded: closed for every replica. ARGV[1] this replica's token. */
const CLOSE = `
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 0
`;

/** The probe learned nothing: its lease goes, and the next caller on any replica probes. ARGV[1] this replica's token. */
const HAND_ON = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Reads a transport's shared state without changing it, for a replica that is not calling the
 * account to keep its health and metrics in step with the fleet. KEYS limits hash, breaker, probe
 * lease. Answers {circuit, open ms left, hold ms left}; circuit 0 closed, 1 open, 2 half-open with
 * a probe out, 3 half-open waiting for a probe.
 */
const PEEK = `${NOW}
local hold = tonumber(redis.call('HGET', KEYS[1], 'hold')) or 0
local open = tonumber(redis.call('GET', KEYS[2]))
local circuit = 0
local left = 0
if open then
  if now < open then
    circuit = 1
    left = open - now
  elseif redis.call('EXISTS', KEYS[3]) == 1 then
    circuit = 2
  else
    circuit = 3
  end
end
return {circuit, left, math.max(0, hold - now)}
`;

interface Script {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const SCRIPTS = { peek: script(PEEK), reserve: script(RESERVE), release: script(RELEASE), hold: script(HOLD), admit: script(ADMIT), open: script(OPEN), close: script(CLOSE), handOn: script(HAND_ON) };

/** A script's answer as `length` integers ({wait, hold}, {verdict, ms}, …); null when it is not that. */
function integers(reply: unknown, length: number): readonly number[] | null {
  if (!Array.isArray(reply) || reply.length !== length) return null;
  return reply.every((item): item is number => typeof item === 'number') ? reply : null;
}

function pair(reply: unknown): readonly [number, number] | null {
  const found = integers(reply, 2);
  return found === null ? null : [found[0] ?? 0, found[1] ?? 0];
}

/** One transport as the refresher keeps it in step: its keys, and what to do with what they say. */
interface Watched {
  readonly keys: readonly string[];
  /** Reads the local state's version before the call; the answer is applied only if nothing changed it meanwhile. */
  readonly version: () => number;
  readonly apply: (circuit: number, openMs: number, holdMs: number, version: number) => void;
}

/** The error code of a failed Redis call, safe to log: never its message (which may name the address). */
function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
    if (/timed out/i.test(error.message)) return 'timeout';
    return error.name.slice(0, 40);
  }
  return 'unknown';
}

/**
 * Limits shared by every replica through Redis. Each Redis call is bounded by `timeoutMs`; when
 * Redis is unreachable, slow or answers nonsense, the call is decided by this replica's own state
 * (the in-process quota gate and breaker, which keep learning all the time), the change is logged
 * once, reported by {@link status}, and Redis is asked again after a second. A request never fails
 * because Redis is down.
 */
export class RedisLimitStore implements LimitStore {
  private readonly client: Redis;
  /** Whose probe lease is whose: one token per replica. */
  readonly token = randomUUID();
  private degradedSince: number | null = null;
  private reason: string | null = null;
  private recheckAt = 0;
  private localDecisions = 0;
  private closed = false;
  /** Calls on their way (holds and breaker changes are not awaited by the request that makes them). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly watched: Watched[] = [];
  private refresher: NodeJS.Timeout | null = null;
  private refreshing = false;

  constructor(private readonly options: RedisLimitOptions) {
    this.client = new Redis(options.url, {
      lazyConnect: true,
      // A command while disconnected fails at once instead of queueing: the replica decides alone.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(options.timeoutMs, 1_000),
      commandTimeout: options.timeoutMs,
      retryStrategy: (times) => Math.min(100 * times, 2_000),
    });
    this.client.on('error', (error: unknown) => this.degrade(error));
    this.client.on('ready', () => this.recover());
    this.client.connect().catch((error: unknown) => this.degrade(error));
  }

  /**
   * Waits for the first connection, at most `timeoutMs` or a second (never fails): a replica that starts while
   * Redis is down serves at once, deciding alone, and joins the fleet when Redis answers.
   */
  async connected(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done);
        this.client.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(this.options.timeoutMs, 1_000));
      this.client.once('ready', done);
      this.client.once('error', done);
    });
  }

  transport(options: TransportLimitOptions): TransportLimits {
    const id = `${options.vendor}:${options.account}:${createHash('sha256').update(options.baseUrl).digest('hex').slice(0, 12)}`;
    const local = { quota: new QuotaGate(options.clock, options.maxRequestsPerMinute), breaker: new AccountBreaker(options.breaker, options.clock) };
    const intervalMs = options.maxRequestsPerMinute ? 60_000 / options.maxRequestsPerMinute : 0;
    const keys = [`${this.options.prefix}limits:${id}`, `${this.options.prefix}breaker:${id}`, `${this.options.prefix}probe:${id}`] as const;
    const quota = new SharedQuota(this, keys[0], local.quota, intervalMs, options.clock.now.bind(options.clock));
    const breaker = new SharedBreaker(this, keys[1], keys[2], local.breaker, options.breaker.halfOpenAfterMs);
    this.watch({
      keys,
      version: () => breaker.version,
      apply: (circuit, openMs, holdMs, version) => {
        quota.follow(holdMs);
        breaker.follow(circuit, openMs, version);
      },
    });
    return { quota, breaker };
  }

  /**
   * Keeps a transport in step with the fleet even while this replica does not call it, so that
   * its health and `/metrics` agree with the others' within {@link REFRESH_MS}.
   */
  private watch(entry: Watched): void {
    this.watched.push(entry);
    if (this.refresher !== null) return;
    this.refresher = setInterval(() => void this.refresh(), REFRESH_MS);
    this.refresher.unref();
  }

  private async refresh(): Promise<void> {
    // One round at a time: a slow Redis must not pile rounds up.
    if (!this.reachable || this.refreshing) return;
    this.refreshing = true;
    try {
      await Promise.all(
        this.watched.map(async (entry) => {
          const version = entry.version();
          const found = integers(await this.run('peek', entry.keys, []), 3);
          if (found !== null) entry.apply(found[0] ?? 0, found[1] ?? 0, found[2] ?? 0, version);
        }),
      );
    } finally {
      this.refreshing = false;
    }
  }

  status(): LimitStoreStatus {
    const degraded = this.degradedSince !== null || this.client.status !== 'ready';
    return {
      backend: 'redis',
      state: degraded ? 'degraded' : 'connected',
      degradedSince: degraded && this.degradedSince !== null ? new Date(this.degradedSince).toISOString() : null,
      reason: degraded ? (this.reason ?? this.client.status) : null,
      localDecisions: this.localDecisions,
    };
  }

  /** Resolves once every call already made to Redis has ended (each is bounded by the timeout). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Lets the calls on their way end (within the timeout), then disconnects. */
  async close(): Promise<void> {
    if (this.refresher !== null) clearInterval(this.refresher);
    this.refresher = null;
    await this.idle();
    this.closed = true;
    this.client.disconnect();
  }

  /**
   * Runs one script under the timeout; null when Redis is unreachable, late or answers an error
   * (the caller then decides alone). While degraded, Redis is not asked again before a recheck.
   */
  run(which: keyof typeof SCRIPTS, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const call = this.call(which, keys, args);
    this.inFlight.add(call);
    void call.finally(() => this.inFlight.delete(call));
    return call;
  }

  private async call(which: keyof typeof SCRIPTS, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (this.closed || this.client.status !== 'ready' || Date.now() < this.recheckAt) {
      this.localDecisions += 1;
      if (this.degradedSince === null && !this.closed) this.degrade(new Error('not connected'), this.client.status === 'ready' ? 'late' : this.client.status);
      return null;
    }
    const { lua, sha } = SCRIPTS[which];
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('Redis call timed out'), { code: 'TIMEOUT' })), this.options.timeoutMs);
    });
    try {
      const call = this.client.evalsha(sha, keys.length, ...keys, ...args).catch((error: unknown) => {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return this.client.eval(lua, keys.length, ...keys, ...args);
        throw error;
      });
      const reply = await Promise.race([call, late]);
      if (this.degradedSince !== null) this.recover();
      return reply;
    } catch (error) {
      if (which !== 'peek') this.localDecisions += 1;
      this.degrade(error);
      this.recheckAt = Date.now() + RECHECK_MS;
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether a call may be tried at Redis now (else the local state answers at once, with no promise). */
  get reachable(): boolean {
    return !this.closed && this.client.status === 'ready' && Date.now() >= this.recheckAt;
  }

  /** Counts a decision taken alone without asking Redis. */
  decidedLocally(): void {
    this.localDecisions += 1;
    if (this.degradedSince === null && !this.closed) this.degrade(new Error('not connected'), this.client.status);
  }

  private degrade(error: unknown, reason = reasonOf(error)): void {
    if (this.closed) return;
    // The first specific cause stays until Redis answers again: a refused connection is followed by
    // generic "connection is closed" rejections of the calls queued behind it, which say less.
    const generic = (value: string) => value === 'Error' || value === 'unknown';
    if (this.reason === null || (generic(this.reason) && !generic(reason))) this.reason = reason;
    if (this.degradedSince !== null) return;
    this.degradedSince = Date.now();
    this.options.logger.warn('shared limits: Redis is unreachable or late; this replica applies quotas and breakers on its own until it answers again', {
      reason,
      timeoutMs: this.options.timeoutMs,
    });
  }

  private recover(): void {
    if (this.degradedSince === null || this.closed) return;
    this.options.logger.info('shared limits: Redis answers again; quotas and breakers are shared by the fleet', { degradedForMs: Date.now() - this.degradedSince });
    this.degradedSince = null;
    this.reason = null;
    this.recheckAt = 0;
  }
}

/** One transport's quota in Redis, with the in-process gate as its memory and its fallback. */
class SharedQuota implements QuotaState {
  constructor(
    private readonly store: RedisLimitStore,
    private readonly key: string,
    private readonly local: QuotaGate,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  reserve(): number | Promise<number> {
    if (!this.store.reachable) {
      this.store.decidedLocally();
      return this.local.reserve();
    }
    return this.store.run('reserve', [this.key], [this.intervalMs, HOLD_RELEASE_GAP_MS, KEY_SLACK_MS]).then((reply) => {
      const answer = pair(reply);
      if (answer === null) return this.local.reserve();
      const [wait, hold] = answer;
      // The fleet's hold is this replica's too: health, metrics and a later fallback see it.
      if (hold > 0) this.local.holdFor(hold);
      return Math.max(0, wait);
    });
  }

  release(): void {
    if (this.store.reachable) void this.store.run('release', [this.key], [this.intervalMs, HOLD_RELEASE_GAP_MS]);
    else this.local.release();
  }

  observe(status: number, headers: Readonly<Record<string, string | string[] | undefined>>): void {
    this.local.observe(status, headers);
    const hold = holdOf(status, headers, this.now());
    // One replica's 429 holds them all. Sent before this replica's next reservation on the same
    // connection, so Redis applies it first.
    if (hold !== null && this.store.reachable) void this.store.run('hold', [this.key], [Math.ceil(hold), KEY_SLACK_MS]);
  }

  /** Takes a hold the fleet knows of (a refresh) as this replica's own. */
  follow(holdMs: number): void {
    if (holdMs > 0) this.local.holdFor(holdMs);
  }

  budget(): RateLimitBudget | null {
    return this.local.budget();
  }

  secondsUntilOpen(): number {
    return this.local.secondsUntilOpen();
  }
}

/**
 * One transport's circuit in Redis. Each replica counts its own attempts and faults (its local
 * breaker); when they trip it, the circuit opens for the fleet. Every admission asks the shared
 * circuit, and the local breaker follows what it says; after `halfOpenAfterMs` exactly one replica
 * holds the probe lease, and its answer closes or reopens the circuit for all.
 */
class SharedBreaker implements CircuitState {
  constructor(
    private readonly store: RedisLimitStore,
    private readonly key: string,
    private readonly probeKey: string,
    private readonly local: AccountBreaker,
    private readonly halfOpenAfterMs: number,
  ) {}

  /**
   * Counts this replica's own changes to its breaker: an answer from Redis asked for before one
   * of them is not followed (it may predate a trip this replica is still publishing).
   */
  version = 0;
  /** Whether this replica's probe is out: a refresh then leaves its half-open state alone. */
  private probing = false;

  get state(): BreakerState {
    return this.local.state;
  }

  /** Follows what a refresh read of the shared circuit (see PEEK). */
  follow(circuit: number, openMs: number, version: number): void {
    if (version !== this.version || this.probing) return;
    if (circuit === 0) this.local.follow({ name: 'CLOSED' });
    else if (circuit === 1) this.local.follow({ name: 'OPEN', remainingMs: openMs });
    else if (circuit === 2) this.local.follow({ name: 'HALF_OPEN', probeHere: false });
    // Waiting for a probe: open with no time left, as a breaker of its own would show it.
    else this.local.follow({ name: 'OPEN', remainingMs: 0 });
  }

  admit(): BreakerPass | null | Promise<BreakerPass | null> {
    if (!this.store.reachable) {
      this.store.decidedLocally();
      return this.local.admit();
    }
    // The lease outlives a probe that hangs to its call timeout; a replica that dies with it only delays the next probe.
    const version = this.version;
    return this.store.run('admit', [this.key, this.probeKey], [this.halfOpenAfterMs, this.store.token]).then((reply) => {
      const answer = pair(reply);
      if (answer === null) return this.local.admit();
      const [verdict, remainingMs] = answer;
      if (verdict === 2) {
        this.probing = true;
        this.local.follow({ name: 'HALF_OPEN', probeHere: true });
        return 'probe';
      }
      if (version === this.version && !this.probing) {
        if (verdict === 0) this.local.follow({ name: 'CLOSED' });
        else if (verdict === 1) this.local.follow({ name: 'OPEN', remainingMs });
        else this.local.follow({ name: 'HALF_OPEN', probeHere: false });
      }
      return verdict === 0 ? 'ordinary' : null;
    });
  }

  settle(pass: BreakerPass, verdict: BreakerVerdict): void {
    const before = this.local.state;
    this.local.settle(pass, verdict);
    if (pass === 'probe') this.probing = false;
    if (this.local.state !== before) this.version += 1;
    if (!this.store.reachable) return;
    const keys = [this.key, this.probeKey];
    if (pass === 'probe') {
      if (verdict === 'success') void this.store.run('close', keys, [this.store.token]);
      else if (verdict === 'fault') void this.store.run('open', keys, [this.halfOpenAfterMs, KEY_SLACK_MS, 'reopen', this.store.token]);
      else void this.store.run('handOn', [this.probeKey], [this.store.token]);
      return;
    }
    if (before === 'CLOSED' && this.local.state === 'OPEN') void this.store.run('open', keys, [this.halfOpenAfterMs, KEY_SLACK_MS, 'trip', this.store.token]);
  }

  retryAfterSeconds(): number {
    return this.local.retryAfterSeconds();
  }
}
