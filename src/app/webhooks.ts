import { createHmac } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { WebhookConfig } from '../core/config/schema.js';
import type { EventType } from '../core/events.js';
import { urlHint } from '../core/domain.js';
import { InputValidationError } from '../core/errors.js';
import { realClock, type Clock } from '../core/http/clock.js';
import { EGRESS_DENIED } from '../core/http/egress.js';
import { errorCode } from '../core/http/stages/stage.js';
import type { Logger } from '../core/logger.js';
import { pageSize } from '../core/pagination.js';
import type { OutboxInput } from '../core/store/history-store.js';
import { newReplicaId } from '../core/store/mutation-records.js';
import type { AttemptOutcome, AttemptRow, ClaimedDelivery, DeliveryCursor, DeliveryRow, DeliveryState, WebhookStore } from '../core/store/webhook-store.js';
import type { GatewayContext } from './context.js';
import { webhookBody, type EventHub, type WebhookRouting } from './events.js';
import { requireRight } from './rights.js';
import { filterList, visibleAccounts } from './list-args.js';

/**
 * Signed webhooks: every recorded event is POSTed to each configured receiver that takes its
 * type, from the durable outbox in the store (rows written with the event, in its transaction).
 * Delivery is at least once: a row is sent until a 2xx answers or it is 24 h old (by default),
 * with exponential backoff and jitter, by whichever replica claims it; a receiver de-duplicates on
 * the event id, which always carries the same stored body. The signing secret is config only: it
 * signs, and is never stored, logged or answered.
 */

/** How the delivery worker paces itself; every field has a production default ({@link DEFAULT_DELIVERY_TUNING}). */
export interface WebhookDeliveryTuning {
  /** How often the outbox is polled for due rows (an event recorded by this replica wakes the worker at once). */
  readonly pollIntervalMs: number;
  /** Rows claimed, and sent in parallel, per poll. */
  readonly batchSize: number;
  /** Time allowed for one attempt: connect, send, and the receiver's answer. */
  readonly timeoutMs: number;
  /** How long a claimed row stays this worker's; a worker that dies lets it lapse and another sends the row. Must exceed `timeoutMs`. */
  readonly leaseMs: number;
  /** The wait after the first failed attempt; it doubles with each further one (with jitter), up to `backoffCapMs`. */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** A delivery not done this long after its event was recorded is given up (GAVE_UP). */
  readonly maxAgeMs: number;
  /** On close, how long attempts in flight may finish before they are cut off (and retried later). */
  readonly closeGraceMs: number;
}

/** Production pacing: 10 s doubling to 1 h, for up to 24 h. */
export const DEFAULT_DELIVERY_TUNING: WebhookDeliveryTuning = {
  pollIntervalMs: 1_000,
  batchSize: 20,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  backoffBaseMs: 10_000,
  backoffCapMs: 3_600_000,
  maxAgeMs: 24 * 3_600_000,
  closeGraceMs: 2_000,
};

/** The headers a receiver checks. */
const SIGNATURE_HEADER = 'Patchbay-Signature';
const EVENT_ID_HEADER = 'Patchbay-Event-Id';

/** Most bytes of a receiver's answer read (and dropped) before its connection is let go. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The routing of {@link WebhookRouting}: one outbox row per configured webhook that takes the
 * event's type, all carrying the one body built here, so every receiver and every retry of the
 * event gets the same bytes.
 */
export function createWebhookRouting(webhooks: readonly WebhookConfig[]): WebhookRouting {
  const routes = webhooks.map((webhook) => ({ id: webhook.id, takes: new Set<EventType>(webhook.events) }));
  return {
    rowsFor(id, type, occurredAt, data) {
      const takers = routes.filter((route) => route.takes.has(type));
      if (takers.length === 0) return [];
      const body = webhookBody(id, type, occurredAt, data);
      return takers.map((route): OutboxInput => ({ webhookId: route.id, eventId: id, eventType: type, body }));
    },
  };
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">`: what a receiver recomputes over the raw body it got. */
function signature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.`, 'utf8').update(body, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** The wait before attempt `attempt + 1`: base × 2^(attempt − 1), capped, then "equal jitter" (half fixed, half random) so retries of many rows spread out. */
function backoff(tuning: WebhookDeliveryTuning, attempt: number, random: () => number): number {
  const exponential = Math.min(tuning.backoffCapMs, tuning.backoffBaseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/** An attempt that ended without an answer, said in a few fixed words: never the URL, a header or the library's message. */
function transportError(error: unknown, timedOut: boolean, stopped: boolean): string {
  if (stopped) return 'STOPPED: the gateway stopped during the attempt';
  if (timedOut) return 'TIMEOUT: no answer in time';
  const code = errorCode(error);
  switch (code) {
    case EGRESS_DENIED:
      return 'EGRESS_DENIED: the receiver resolves to an address in gateway.egress.denyRanges';
    case 'ECONNREFUSED':
      return 'ECONNREFUSED: connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${code}: the host name did not resolve`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'CONNECT_TIMEOUT: no connection in time';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'TIMEOUT: no answer in time';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return `${code}: the connection closed before an answer`;
    case null:
      return error instanceof Error ? `${error.name}: the request failed` : 'UNKNOWN: the request failed';
    default:
      return /^[A-Z0-9_]{1,40}$/.test(code) ? `${code}: the request failed` : 'UNKNOWN: the request failed';
  }
}

/** A running delivery worker. */
export interface WebhookDelivery {
  /** Polls now instead of at the next interval (an event was just recorded). */
  wake(): void;
  /** Stops polling, lets attempts in flight finish for up to `closeGraceMs` (then cuts them off: they are retried later), and returns. */
  close(): Promise<void>;
}

export interface WebhookDeliveryOptions {
  readonly store: WebhookStore;
  readonly webhooks: readonly WebhookConfig[];
  readonly logger: Logger;
  /** The gateway's dispatcher: the egress deny-list of vendor calls applies to receivers too, and redirects are not followed. */
  readonly dispatcher: Dispatcher;
  /** What signatures are stamped with and attempts timed by. */
  readonly clock?: Clock;
  readonly tuning?: Partial<WebhookDeliveryTuning>;
  /** This worker's name on its claims; default a new replica id (a restarted process never takes over a dead one's claims early). */
  readonly holder?: string;
  /** Jitter source; default Math.random. */
  readonly random?: () => number;
  /** Events recorded in this process wake the worker. */
  readonly events?: EventHub;
}

/**
 * Starts the worker that sends the outbox rows of `webhooks`: claims due rows with a lease, POSTs
 * each stored body byte for byte, signed for this attempt, and records the outcome (DELIVERED on a
 * 2xx; otherwise the attempt is logged and the next one scheduled, until the row's max age).
 * Never throws: a store failure is logged and the next poll tries again (a claim it could not
 * finish lapses, and the row is sent again).
 */
export function startWebhookDelivery(options: WebhookDeliveryOptions): WebhookDelivery {
  const tuning: WebhookDeliveryTuning = { ...DEFAULT_DELIVERY_TUNING, ...options.tuning };
  if (tuning.leaseMs <= tuning.timeoutMs) throw new RangeError('webhook delivery: leaseMs must exceed timeoutMs, or a slow attempt could be sent twice at once');
  const { store, logger, dispatcher } = options;
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const holder = options.holder ?? newReplicaId();
  const byId = new Map(options.webhooks.map((webhook) => [webhook.id, webhook]));
  const ids = [...byId.keys()];
  const stopping = new AbortController();
  const cutOff = new AbortController();
  let wakeUp: (() => void) | null = null;
  let woken = false;
  let lastSweep = Number.NEGATIVE_INFINITY;

  const attempt = async (webhook: WebhookConfig, delivery: ClaimedDelivery): Promise<AttemptOutcome> => {
    const started = clock.now();
    const timeout = AbortSignal.timeout(tuning.timeoutMs);
    const url = new URL(webhook.url);
    try {
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Patchbay-Webhooks',
          [EVENT_ID_HEADER]: delivery.eventId,
          [SIGNATURE_HEADER]: signature(webhook.secret, Math.floor(started / 1000), delivery.body),
        },
        body: delivery.body,
        signal: AbortSignal.any([timeout, cutOff.signal]),
        headersTimeout: tuning.timeoutMs,
        bodyTimeout: tuning.timeoutMs,
      });
      // The answer's body means nothing to us; read a little of it so the socket can be reused.
      await response.body.dump({ limit: MAX_ANSWER_BYTES }).catch(() => undefined);
      const status = response.statusCode;
      const error = status >= 300 && status < 400 ? 'REDIRECT: redirects are not followed' : null;
      return { httpStatus: status, error, durationMs: clock.now() - started };
    } catch (error) {
      return { httpStatus: null, error: transportError(error, timeout.aborted, cutOff.signal.aborted), durationMs: clock.now() - started };
    }
  };

  const deliver = async (delivery: ClaimedDelivery): Promise<void> => {
    const webhook = byId.get(delivery.webhookId);
    if (webhook === undefined) return;
    const fields = { webhook: webhook.id, url: urlHint(webhook.url), event: delivery.eventId, type: delivery.eventType, attempt: delivery.attempt };
    const outcome = await attempt(webhook, delivery);
    try {
      if (outcome.httpStatus !== null && outcome.httpStatus >= 200 && outcome.httpStatus < 300) {
        await store.delivered(holder, delivery, outcome);
        logger.debug('webhook: delivered', { ...fields, status: outcome.httpStatus, durationMs: outcome.durationMs });
        return;
      }
      const retryInMs = backoff(tuning, delivery.attempt, random);
      const after = await store.failed(holder, delivery, outcome, retryInMs, tuning.maxAgeMs);
      const facts = { ...fields, status: outcome.httpStatus, error: outcome.error, durationMs: outcome.durationMs };
      if (after?.state === 'GAVE_UP') logger.warn('webhook: delivery given up: the event is older than the retry window', facts);
      else logger.info('webhook: attempt failed; will retry', { ...facts, retryInMs });
    } catch (error) {
      logger.warn('webhook: the outcome of an attempt could not be stored; the row is sent again once its claim lapses', { ...fields, error: error instanceof Error ? error.name : 'unknown' });
    }
  };

  /** One poll: gives up expired rows, claims a batch, sends it; true when the batch was full (more may be due). */
  const poll = async (): Promise<boolean> => {
    // Giving up is a scan of the pending rows: a tenth of the max age late at most (a minute by default) is soon enough.
    if (clock.now() - lastSweep >= Math.min(60_000, tuning.maxAgeMs / 10)) {
      lastSweep = clock.now();
      const expired = await store.giveUpExpired(tuning.maxAgeMs);
      if (expired > 0) logger.warn('webhook: deliveries given up: older than the retry window', { count: expired });
    }
    const claimed = await store.claimDue(holder, ids, tuning.leaseMs, tuning.maxAgeMs, tuning.batchSize);
    await Promise.all(claimed.map(deliver));
    return claimed.length === tuning.batchSize;
  };

  const pause = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (woken || stopping.signal.aborted) {
        woken = false;
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        wakeUp = null;
        woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      wakeUp = done;
      stopping.signal.addEventListener('abort', done, { once: true });
    });

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let more = false;
      try {
        more = await poll();
      } catch (error) {
        logger.warn('webhook: polling the outbox failed; the next poll tries again', { error: error instanceof Error ? error.name : 'unknown', code: errorCode(error) });
      }
      if (!more) await pause(tuning.pollIntervalMs);
    }
  })();

  const unsubscribe = options.events?.subscribe(() => wake()) ?? (() => undefined);
  function wake(): void {
    if (wakeUp) wakeUp();
    else woken = true;
  }

  return {
    wake,
    async close() {
      if (stopping.signal.aborted) return loop;
      unsubscribe();
      stopping.abort();
      const grace = setTimeout(() => cutOff.abort(), tuning.closeGraceMs);
      try {
        await loop;
      } finally {
        clearTimeout(grace);
      }
    },
  };
}

/**
 * The webhooks a gateway was configured with, with their outbox: what `GatewayDeps.webhooks`
 * holds in config mode. It routes events ({@link createWebhookRouting}), starts the delivery
 * worker when there is anything to deliver to, and reads the delivery log; the log stays readable
 * with no webhook configured (rows of removed webhooks remain). Secrets stay in a private field:
 * they leave only as signatures.
 */
export class Webhooks implements WebhookRouting {
  readonly #configs: readonly WebhookConfig[];
  readonly #routing: WebhookRouting;
  readonly #tuning: Partial<WebhookDeliveryTuning>;
  /** The outbox and attempt log. */
  readonly log: WebhookStore;

  constructor(configs: readonly WebhookConfig[], log: WebhookStore, tuning: Partial<WebhookDeliveryTuning> = {}) {
    this.#configs = configs;
    this.#routing = createWebhookRouting(configs);
    this.#tuning = tuning;
    this.log = log;
  }

  rowsFor(id: string, type: EventType, occurredAt: Date, data: Record<string, unknown>): readonly OutboxInput[] {
    return this.#routing.rowsFor(id, type, occurredAt, data);
  }

  /** The origin of a configured webhook's URL (`urlHint`), or null for an id no longer configured. */
  urlHint(webhookId: string): string | null {
    const webhook = this.#configs.find((candidate) => candidate.id === webhookId);
    return webhook === undefined ? null : urlHint(webhook.url);
  }

  /** Starts delivering (the runtime does, and closes it); null when no webhook is configured. */
  startDelivery(deps: Omit<WebhookDeliveryOptions, 'store' | 'webhooks' | 'tuning'>): WebhookDelivery | null {
    if (this.#configs.length === 0) return null;
    return startWebhookDelivery({ ...deps, store: this.log, webhooks: this.#configs, tuning: this.#tuning });
  }
}

// -----------------------------------------------------------------------------------------------
// The delivery log (GraphQL `webhookDeliveries`)

/** How `webhookDeliveries` is narrowed. Every given criterion must hold. */
export interface WebhookDeliveryFilter {
  readonly webhookIds?: readonly string[] | null | undefined;
  readonly eventIds?: readonly string[] | null | undefined;
  readonly states?: readonly DeliveryState[] | null | undefined;
}

/** One delivery with its attempts, as the log answers it. */
export interface WebhookDeliveryView extends DeliveryRow {
  /** The origin of the webhook's URL; null when the webhook is no longer configured. */
  readonly urlHint: string | null;
  readonly attemptLog: readonly AttemptRow[];
}

export interface WebhookDeliveryEdge {
  readonly cursor: string;
  readonly node: WebhookDeliveryView;
}

/** One page of the delivery log, newest event first. */
export interface WebhookDeliveryPage {
  readonly edges: readonly WebhookDeliveryEdge[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

const CURSOR_TAG = 'webhook-delivery';

function encodeDeliveryCursor(row: DeliveryRow): string {
  return Buffer.from(JSON.stringify([CURSOR_TAG, row.createdKey, row.webhookId, row.eventId]), 'utf8').toString('base64url');
}

function decodeDeliveryCursor(after: string): DeliveryCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 4 && value[0] === CURSOR_TAG && value.slice(1).every((part) => typeof part === 'string')) {
      const [, createdKey, webhookId, eventId] = value as [string, string, string, string];
      if (/^\d{1,18}$/.test(createdKey)) return { createdKey, webhookId, eventId };
    }
  } catch {
    // fall through to the error below
  }
  throw InputValidationError.single(['after'], 'is not a cursor this list produced');
}

/**
 * A page of the webhook delivery log for a caller with `audit:read`: per (webhook, event) its
 * state, attempts and when the next is due, newest event first, with keyset cursors. A caller
 * limited to some accounts sees only deliveries of events about those accounts. Never a body, a
 * full URL (only its origin) or a secret.
 */
export async function readWebhookDeliveries(context: GatewayContext, filter: WebhookDeliveryFilter, first: number | null | undefined, after: string | null | undefined): Promise<WebhookDeliveryPage> {
  requireRight(context, 'audit:read', null);
  const size = pageSize(first);
  const cursor = after ? decodeDeliveryCursor(after) : undefined;
  const webhookIds = filterList(filter.webhookIds, ['filter', 'webhookIds']);
  const eventIds = filterList(filter.eventIds, ['filter', 'eventIds']);
  const states = filterList(filter.states, ['filter', 'states']);
  const empty: WebhookDeliveryPage = { edges: [], hasNextPage: false, hasPreviousPage: cursor !== undefined };
  const webhooks = context.deps.webhooks;
  if (!(webhooks instanceof Webhooks)) return empty;
  const accounts = visibleAccounts(context, undefined);
  if (accounts !== undefined && accounts.length === 0) return empty;
  const rows = await webhooks.log.listDeliveries({
    // One more than the page, to know whether another follows.
    limit: size + 1,
    ...(webhookIds === undefined ? {} : { webhookIds }),
    ...(eventIds === undefined ? {} : { eventIds }),
    ...(states === undefined ? {} : { states }),
    ...(accounts === undefined ? {} : { accounts }),
    ...(cursor === undefined ? {} : { after: cursor }),
  });
  const page = rows.slice(0, size);
  const attempts = await webhooks.log.listAttempts(page);
  const byDelivery = new Map<string, AttemptRow[]>();
  for (const row of attempts) {
    const key = JSON.stringify([row.webhookId, row.eventId]);
    const list = byDelivery.get(key) ?? [];
    list.push(row);
    byDelivery.set(key, list);
  }
  return {
    edges: page.map((row) => ({
      cursor: encodeDeliveryCursor(row),
      node: { ...row, urlHint: webhooks.urlHint(row.webhookId), attemptLog: byDelivery.get(JSON.stringify([row.webhookId, row.eventId])) ?? [] },
    })),
    hasNextPage: rows.length > size,
    hasPreviousPage: cursor !== undefined,
  };
}
