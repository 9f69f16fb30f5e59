import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookRouting, startWebhookDelivery, Webhooks, type WebhookDeliveryTuning } from '../../src/app/webhooks.js';
import { eventData } from '../../src/app/events.js';
import { authSchema } from '../../src/core/auth/config.js';
import type { AccountConfig, WebhookConfig } from '../../src/core/config/schema.js';
import { EVENT_TYPES } from '../../src/core/events.js';
import type { AccountRef } from '../../src/core/domain.js';
import { createDispatcher } from '../../src/core/http/dispatcher.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import type { SqlClient } from '../../src/core/store/sql.js';
import { createStore, openStoreSql, type Store } from '../../src/core/store/store.js';
import { webhookStore, type DeliveryRow, type WebhookStore } from '../../src/core/store/webhook-store.js';
import { createRuntime, defaultGatewayConfig, type Runtime } from '../../src/server/runtime.js';
import { createChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';
import { signatureTime, signatureValid, startReceiver, until, type Receiver } from './support.js';

/**
 * Signed webhook delivery end to end: events recorded in the store are POSTed to receivers on
 * 127.0.0.1 by the runtime's worker, retried with backoff (100 ms here instead of 10 s), across a
 * restart, never as two bodies under one id, and never sent by two workers at once.
 */

const SECRET = `whsec-${randomBytes(16).toString('hex')}`;
/** Stands for a token a receiver takes in its URL's query: it must never leave the config either. */
const TOKEN = `tok${randomBytes(8).toString('hex')}`;
const FAST: Partial<WebhookDeliveryTuning> = { pollIntervalMs: 20, backoffBaseMs: 100, backoffCapMs: 400, timeoutMs: 3_000, leaseMs: 10_000, maxAgeMs: 60_000, closeGraceMs: 500 };
const KEYS = {
  auditor: `key-auditor-${randomBytes(12).toString('hex')}`,
  reader: `key-reader-${randomBytes(12).toString('hex')}`,
  auditorA: `key-auditor-a-${randomBytes(12).toString('hex')}`,
  writer: `key-writer-${randomBytes(12).toString('hex')}`,
};
const ACCOUNTS: AccountConfig[] = [
  { id: 'cs-a', vendor: 'chronosphere', baseUrl: 'http://127.0.0.1:9', apiToken: 'unused-token-a' },
  { id: 'cs-b', vendor: 'chronosphere', baseUrl: 'http://127.0.0.1:9', apiToken: 'unused-token-b' },
];

const logger = createMemoryLogger();
let sql: SqlClient;
let store: Store;
let outbox: WebhookStore;
const receivers: Receiver[] = [];
const runtimes: Runtime[] = [];

beforeAll(async () => {
  sql = await openStoreSql({ dataDir: null });
  store = await createStore(sql);
  outbox = webhookStore(sql);
});
// Each test's workers stop with it: a worker left polling would slow the next tests down.
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(async () => {
  await store.close();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

function hook(id: string, at: Receiver, events: WebhookConfig['events'] = EVENT_TYPES): WebhookConfig {
  return { id, url: `${at.origin}/hooks/${id}?token=${TOKEN}`, secret: SECRET, events };
}

function runtimeWith(webhooks: readonly WebhookConfig[], tuning: Partial<WebhookDeliveryTuning> = FAST, gateway = defaultGatewayConfig(), accounts: readonly AccountConfig[] = ACCOUNTS): Runtime {
  const runtime = createRuntime({
    accounts,
    gateway,
    store,
    logger,
    webhooks: new Webhooks(webhooks, outbox, tuning),
    auth: authSchema.parse({
      apiKeys: [
        { name: 'auditor', key: KEYS.auditor, scopes: ['audit:read'] },
        { name: 'reader', key: KEYS.reader, scopes: ['connections:read'] },
        { name: 'auditor-a', key: KEYS.auditorA, scopes: ['audit:read'], accounts: ['cs-a'] },
        { name: 'writer', key: KEYS.writer, scopes: ['connections:write'] },
      ],
    }),
  });
  runtimes.push(runtime);
  return runtime;
}

async function closeRuntime(runtime: Runtime): Promise<void> {
  runtimes.splice(runtimes.indexOf(runtime), 1);
  await runtime.close();
}

async function deliveryOf(webhookId: string, eventId: string): Promise<DeliveryRow | undefined> {
  return (await outbox.listDeliveries({ webhookIds: [webhookId], eventIds: [eventId], limit: 1 }))[0];
}

function accountRef(key: string): AccountRef {
  return { key, vendor: 'chronosphere', displayName: key, baseUrl: 'http://127.0.0.1:9' };
}

/** Records an account health transition through the runtime (the event and its outbox rows in one transaction); answers the event id. */
async function failAccount(runtime: Runtime, key: string): Promise<string> {
  const stored = await runtime.deps.health.record(accountRef(key), 'FAILING', { name: 'VendorUnavailableError', message: 'The vendor did not answer.' });
  if (stored === null) throw new Error(`no transition was recorded for ${key}`);
  return stored.eventId;
}

/** Records a connection change through the store with the outbox rows `routing` gives it; answers the event id. */
async function recordChange(runtime: Runtime, account: string): Promise<string> {
  const eventId = `evt-${randomBytes(6).toString('hex')}`;
  const connectionId = `conn-${randomBytes(6).toString('hex')}`;
  const change = { eventId, connectionId, account, vendor: 'chronosphere', name: 'pager', kind: 'CREATED' as const, actor: 'apikey:test', seen: 'WRITE' as const, diff: [] };
  const stored = await store.applyObservation({
    connectionId,
    account,
    vendor: 'chronosphere',
    name: 'pager',
    item: { name: 'pager' },
    expectedVersion: null,
    change,
    outbox: runtime.deps.webhooks.rowsFor(eventId, 'connection.created', new Date(), eventData({ type: 'connection.created', change })),
  });
  if (stored === null || stored === 'moved') throw new Error('the change was not stored');
  return eventId;
}

async function gql(runtime: Runtime, key: string, query: string, variables: Record<string, unknown> = {}): Promise<{ raw: string; data: Record<string, unknown> }> {
  const response = await runtime.yoga.fetch('http://patchbay.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const raw = await response.text();
  const body = JSON.parse(raw) as { data?: Record<string, unknown>; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return { raw, data: body.data ?? {} };
}

describe('delivery', () => {
  it('a receiver that fails three attempts gets the event on the fourth, validly signed, with a restart after the second losing nothing', async () => {
    const target = await receiver((n) => (n <= 3 ? 500 : 204));
    const webhook = hook('wh-retry', target);
    const first = runtimeWith([webhook]);
    const eventId = await failAccount(first, 'acct-retry');
    await until('two attempts were made', () => target.received.length >= 2);
    await closeRuntime(first);
    expect(await deliveryOf('wh-retry', eventId)).toMatchObject({ state: 'PENDING', attempts: 2 });
    expect(target.received).toHaveLength(2);

    const second = runtimeWith([webhook]);
    await until('the event was delivered', async () => (await deliveryOf('wh-retry', eventId))?.state === 'DELIVERED');
    await closeRuntime(second);

    expect(target.received).toHaveLength(4);
    expect(new Set(target.received.map((r) => r.body)).size).toBe(1);
    for (const request of target.received) {
      expect(request.eventId).toBe(eventId);
      expect(request.contentType).toBe('application/json');
      expect(request.path).toBe(`/hooks/wh-retry?token=${TOKEN}`);
      expect(signatureValid(request.signature, request.body, SECRET)).toBe(true);
      // t is the time of that attempt, not of the event.
      expect(Math.abs(signatureTime(request.signature) - request.at / 1000)).toBeLessThan(3);
    }
    expect(signatureValid(target.received[3]?.signature, target.received[3]?.body ?? '', 'another-secret-0123456789')).toBe(false);
    expect(JSON.parse(target.received[3]?.body ?? '{}')).toMatchObject({
      id: eventId,
      type: 'account.health_changed',
      data: { account: 'acct-retry', vendor: 'chronosphere', status: 'FAILING', previous: null },
    });
    const attempts = await outbox.listAttempts([{ webhookId: 'wh-retry', eventId }]);
    expect(attempts.map((a) => [a.attempt, a.httpStatus, a.error])).toEqual([
      [1, 500, null],
      [2, 500, null],
      [3, 500, null],
      [4, 204, null],
    ]);
    // Exponential backoff with equal jitter: at least half of 100, 200, 400 ms between attempts.
    const gaps = target.received.slice(1).map((r, i) => r.at - (target.received[i]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
    expect(gaps[2]).toBeGreaterThanOrEqual(195);
  });

  it('sends the stored body byte for byte and signs those raw bytes', async () => {
    const target = await receiver(() => 200);
    runtimeWith([hook('wh-raw', target)]);
    // Not what JSON.stringify would write: spacing and non-ASCII must survive as they are.
    const body = '{"id":"evt-raw",  "type":"connection.updated","occurredAt":"2026-01-01T00:00:00.000Z","data":{"name":"Zürich ✓ — 東京",\n "n": 1.50}}';
    await outbox.enqueue([{ webhookId: 'wh-raw', eventId: 'evt-raw', eventType: 'connection.updated', body }]);
    await until('the body was received', () => target.received.length === 1);
    const got = target.received[0];
    expect(got?.body).toBe(body);
    expect(signatureValid(got?.signature, got?.body ?? '', SECRET)).toBe(true);
    expect(signatureValid(got?.signature, JSON.stringify(JSON.parse(body)), SECRET)).toBe(false);
  });

  it('never delivers one event id as two bodies: the first stored body is the one sent, and every webhook gets the same bytes', async () => {
    const target = await receiver(() => 200);
    await outbox.enqueue([{ webhookId: 'wh-dup', eventId: 'evt-dup', eventType: 'connection.updated', body: '{"id":"evt-dup","v":1}' }]);
    await outbox.enqueue([{ webhookId: 'wh-dup', eventId: 'evt-dup', eventType: 'connection.updated', body: '{"id":"evt-dup","v":2}' }]);
    runtimeWith([hook('wh-dup', target)]);
    await until('delivered', async () => (await deliveryOf('wh-dup', 'evt-dup'))?.state === 'DELIVERED');
    expect(target.received.map((r) => r.body)).toEqual(['{"id":"evt-dup","v":1}']);

    const routing = createWebhookRouting([hook('wh-all', target), hook('wh-deletes', target, ['connection.deleted'])]);
    const data = { account: 'cs-a' };
    expect(routing.rowsFor('e-health', 'account.health_changed', new Date(0), data).map((row) => row.webhookId)).toEqual(['wh-all']);
    const rows = routing.rowsFor('e-deleted', 'connection.deleted', new Date(0), data);
    expect(rows.map((row) => row.webhookId)).toEqual(['wh-all', 'wh-deletes']);
    expect(rows[0]?.body).toBe(rows[1]?.body);
    expect(JSON.parse(rows[0]?.body ?? '{}')).toEqual({ id: 'e-deleted', type: 'connection.deleted', occurredAt: '1970-01-01T00:00:00.000Z', data });
  });

  it('gives a delivery up once its max age has passed, and attempts nothing after', async () => {
    const target = await receiver(() => 503);
    const runtime = runtimeWith([hook('wh-old', target)], { ...FAST, maxAgeMs: 700 });
    const eventId = await recordChange(runtime, 'cs-old');
    await until('given up', async () => (await deliveryOf('wh-old', eventId))?.state === 'GAVE_UP');
    const row = await deliveryOf('wh-old', eventId);
    const attempts = await outbox.listAttempts([{ webhookId: 'wh-old', eventId }]);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((a) => a.httpStatus === 503)).toBe(true);
    const created = row?.createdAt.getTime() ?? 0;
    expect((row?.finishedAt?.getTime() ?? 0) - created).toBeGreaterThanOrEqual(690);
    expect(row?.nextAttemptAt).toBeNull();
    for (const attempt of attempts) expect(attempt.at.getTime()).toBeLessThanOrEqual(created + 700 + 1_000);
    expect(target.received).toHaveLength(attempts.length);
  });

  it('sends again a row claimed by a worker that died, once its claim lapses', async () => {
    const target = await receiver(() => 200);
    await outbox.enqueue([{ webhookId: 'wh-lapse', eventId: 'evt-lapse', eventType: 'connection.updated', body: '{"id":"evt-lapse"}' }]);
    const claimedAt = Date.now();
    expect(await outbox.claimDue('a-replica-that-died', ['wh-lapse'], 600, 60_000, 10)).toHaveLength(1);
    runtimeWith([hook('wh-lapse', target)]);
    await until('delivered', async () => (await deliveryOf('wh-lapse', 'evt-lapse'))?.state === 'DELIVERED');
    expect(target.received).toHaveLength(1);
    expect((target.received[0]?.at ?? 0) - claimedAt).toBeGreaterThanOrEqual(550);
    // The dead claim counts as an attempt: the request may have left before the process died.
    expect(await deliveryOf('wh-lapse', 'evt-lapse')).toMatchObject({ attempts: 2 });
    expect((await outbox.listAttempts([{ webhookId: 'wh-lapse', eventId: 'evt-lapse' }])).map((a) => [a.attempt, a.httpStatus])).toEqual([[2, 200]]);
  });

  it('logs an attempt without an answer with a short error and no URL: timeout, refused, denied by the egress rules', async () => {
    const hanging = await receiver(() => 'hang');
    const closedPort = await freePort();
    const refused: WebhookConfig = { id: 'wh-refused', url: `http://127.0.0.1:${closedPort}/hooks?token=${TOKEN}`, secret: SECRET, events: EVENT_TYPES };
    runtimeWith([hook('wh-hang', hanging), refused], { ...FAST, timeoutMs: 300 });
    const denied = await receiver(() => 200);
    const gateway = defaultGatewayConfig();
    runtimeWith([hook('wh-denied', denied)], FAST, { ...gateway, egress: { denyRanges: ['127.0.0.0/8'] } });
    const rows = ['wh-hang', 'wh-refused', 'wh-denied'].map((webhookId) => ({ webhookId, eventId: 'evt-fail', eventType: 'connection.updated', body: '{"id":"evt-fail"}' }));
    await outbox.enqueue(rows);
    const firstError = async (webhookId: string) => (await outbox.listAttempts([{ webhookId, eventId: 'evt-fail' }]))[0];
    await until('each failed once', async () => (await Promise.all(rows.map((r) => firstError(r.webhookId)))).every((a) => a !== undefined));
    expect(await firstError('wh-hang')).toMatchObject({ httpStatus: null, error: 'TIMEOUT: no answer in time' });
    expect((await firstError('wh-hang'))?.durationMs).toBeGreaterThanOrEqual(250);
    expect(await firstError('wh-refused')).toMatchObject({ httpStatus: null, error: 'ECONNREFUSED: connection refused' });
    expect(await firstError('wh-denied')).toMatchObject({ httpStatus: null, error: expect.stringMatching(/^EGRESS_DENIED: /) });
    expect(denied.received).toHaveLength(0);
    expect(await deliveryOf('wh-denied', 'evt-fail')).toMatchObject({ state: 'PENDING' });
  });
});

describe('a write through Patchbay', () => {
  it('reaches the receiver as a signed connection.created event naming its caller, with no secret value', async () => {
    const simulator = createChronosphereSimulator({ apiToken: 'cs-webhook-token-7d21' });
    await simulator.server.listen();
    try {
      const target = await receiver(() => 200);
      const runtime = runtimeWith([hook('wh-write', target, ['connection.created'])], FAST, defaultGatewayConfig(), [
        { id: 'cs-write', vendor: 'chronosphere', baseUrl: simulator.server.baseUrl, apiToken: 'cs-webhook-token-7d21' },
      ]);
      const apiKey = `SG.webhook-canary-${randomBytes(6).toString('hex')}`;
      const created = await gql(
        runtime,
        KEYS.writer,
        `mutation($input: CreateChronosphereExternalConnectionInput!) {
          createChronosphereExternalConnection(input: $input) { __typename ... on ChronosphereExternalConnectionPayload { connection { id } } }
        }`,
        { input: { account: 'cs-write', slug: 'webhook-sendgrid', name: 'Webhook SendGrid', target: { sendgrid: { apiKey } } } },
      );
      expect(created.data['createChronosphereExternalConnection']).toMatchObject({ __typename: 'ChronosphereExternalConnectionPayload' });
      await until('the event was received', () => target.received.length === 1);
      const got = target.received[0];
      expect(signatureValid(got?.signature, got?.body ?? '', SECRET)).toBe(true);
      expect(JSON.parse(got?.body ?? '{}')).toMatchObject({
        id: got?.eventId,
        type: 'connection.created',
        data: { account: 'cs-write', name: 'Webhook SendGrid', kind: 'CREATED', actor: 'apikey:writer', seen: 'WRITE' },
      });
      expect(got?.body).not.toContain(apiKey);
    } finally {
      await simulator.server.close();
    }
  });
});

describe('the delivery log through GraphQL', () => {
  const QUERY = `query($filter: WebhookDeliveryFilter, $first: Int, $after: String) {
    webhookDeliveries(filter: $filter, first: $first, after: $after) {
      __typename
      ... on WebhookDeliveryPage {
        nodes { webhookId urlHint eventId eventType account state attemptCount createdAt nextAttemptAt finishedAt attempts { attempt at httpStatus error durationMs } }
        pageInfo { hasNextPage endCursor }
      }
      ... on ForbiddenError { requiredScope }
      ... on InputValidationError { message }
    }
  }`;

  it('answers per webhook and event its state and attempts, paged, to audit:read only, without the secret or the URL past its origin', async () => {
    // Each event's first attempt fails, whatever order the two are sent in.
    const target = await receiver((_, request) => (target.received.filter((r) => r.eventId === request.eventId).length === 1 ? 500 : 200));
    const runtime = runtimeWith([hook('wh-log', target)]);
    const eventA = await failAccount(runtime, 'cs-a');
    const eventB = await failAccount(runtime, 'cs-b');
    await until('both delivered', async () => (await outbox.listDeliveries({ webhookIds: ['wh-log'], states: ['DELIVERED'], limit: 5 })).length === 2);

    const page = await gql(runtime, KEYS.auditor, QUERY, { filter: { webhookIds: ['wh-log'] } });
    const answer = page.data['webhookDeliveries'] as { nodes: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean } };
    expect(answer.nodes.map((n) => n['eventId'])).toEqual([eventB, eventA]);
    for (const node of answer.nodes) {
      expect(node).toMatchObject({ webhookId: 'wh-log', urlHint: `${target.origin}/…`, eventType: 'account.health_changed', state: 'DELIVERED', attemptCount: 2, nextAttemptAt: null });
      expect(node['finishedAt']).toEqual(expect.any(String));
      expect(node['attempts']).toEqual([
        { attempt: 1, at: expect.any(String), httpStatus: 500, error: null, durationMs: expect.any(Number) },
        { attempt: 2, at: expect.any(String), httpStatus: 200, error: null, durationMs: expect.any(Number) },
      ]);
    }
    expect(answer.nodes.map((n) => n['account'])).toEqual(['cs-b', 'cs-a']);
    expect(page.raw).not.toContain(SECRET);
    expect(page.raw).not.toContain(TOKEN);
    expect(page.raw).not.toContain('/hooks/');

    const one = (await gql(runtime, KEYS.auditor, QUERY, { filter: { webhookIds: ['wh-log'] }, first: 1 })).data['webhookDeliveries'] as {
      nodes: { eventId: string }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect(one.nodes.map((n) => n.eventId)).toEqual([eventB]);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = (await gql(runtime, KEYS.auditor, QUERY, { filter: { webhookIds: ['wh-log'] }, first: 1, after: one.pageInfo.endCursor })).data['webhookDeliveries'] as typeof one;
    expect(two.nodes.map((n) => n.eventId)).toEqual([eventA]);
    expect(two.pageInfo.hasNextPage).toBe(false);

    const pending = (await gql(runtime, KEYS.auditor, QUERY, { filter: { webhookIds: ['wh-log'], states: ['PENDING', 'GAVE_UP'] } })).data['webhookDeliveries'] as { nodes: unknown[] };
    expect(pending.nodes).toEqual([]);
    const limited = (await gql(runtime, KEYS.auditorA, QUERY, { filter: { webhookIds: ['wh-log'] } })).data['webhookDeliveries'] as { nodes: { eventId: string }[] };
    expect(limited.nodes.map((n) => n.eventId)).toEqual([eventA]);
    expect((await gql(runtime, KEYS.reader, QUERY)).data['webhookDeliveries']).toEqual({ __typename: 'ForbiddenError', requiredScope: 'audit:read' });
    expect((await gql(runtime, KEYS.auditor, QUERY, { after: 'bm90LWEtY3Vyc29y' })).data['webhookDeliveries']).toEqual({ __typename: 'InputValidationError', message: expect.any(String) });
  });
});

describe('two workers on one store', () => {
  async function neverConcurrently(outboxes: readonly [WebhookStore, WebhookStore], webhookId: string, events: number): Promise<void> {
    const target = await receiver(async () => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return 200;
    });
    const webhook = hook(webhookId, target);
    const dispatcher = createDispatcher();
    const tuning = { ...FAST, batchSize: 4 };
    const workers = outboxes.map((store, index) => startWebhookDelivery({ store, webhooks: [webhook], logger, dispatcher, tuning, holder: `worker-${index}` }));
    try {
      const ids = Array.from({ length: events }, (_, i) => `evt-${webhookId}-${i}`);
      await outboxes[0].enqueue(ids.map((eventId) => ({ webhookId, eventId, eventType: 'connection.updated', body: JSON.stringify({ id: eventId }) })));
      for (const worker of workers) worker.wake();
      await until('all delivered', async () => (await outboxes[0].listDeliveries({ webhookIds: [webhookId], states: ['DELIVERED'], limit: events + 1 })).length === events, 15_000);
      expect(target.received.map((r) => r.eventId).sort()).toEqual([...ids].sort());
      expect(target.maxInFlightPerEvent()).toBe(1);
      const rows = await outboxes[0].listDeliveries({ webhookIds: [webhookId], limit: events + 1 });
      expect(rows.every((row) => row.attempts === 1)).toBe(true);
    } finally {
      for (const worker of workers) await worker.close();
      await dispatcher.close();
    }
  }

  it('never sends one row twice or at once (embedded store)', async () => {
    await neverConcurrently([outbox, webhookStore(sql)], 'wh-pair', 30);
  });

  it.skipIf(PG_URL === '')('never sends one row twice or at once (PostgreSQL, one pool each)', async () => {
    const schema = await freshSchema('patchbay_webhooks');
    const sqlA = await openStoreSql({ databaseUrl: schema.url });
    const storeA = await createStore(sqlA);
    const sqlB = await openStoreSql({ databaseUrl: schema.url });
    try {
      await neverConcurrently([webhookStore(sqlA), webhookStore(sqlB)], 'wh-pair-pg', 60);
    } finally {
      await sqlB.close();
      await storeA.close();
      await schema.drop();
    }
  });
});

describe('the secret', () => {
  it('never reaches the logs or the store', async () => {
    const logs = logger.lines.join('\n');
    expect(logs).toContain('webhook: attempt failed; will retry');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(TOKEN);
    const stored = JSON.stringify([await sql.query('SELECT * FROM webhook_outbox'), await sql.query('SELECT * FROM webhook_attempts')]);
    expect(stored).toContain('wh-retry');
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(TOKEN);
  });
});

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
