import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { openStore, type Store } from '../../src/core/store/store.js';
import { listenForStoreNotifications, type StoreNotifications } from '../../src/core/store/tracked-notify.js';
import { createRuntime, defaultGatewayConfig, type Runtime } from '../../src/server/runtime.js';
import { openSse, until } from '../events/support.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';

/*
 * Issue 15 acceptance, live events: two replicas on one PostgreSQL schema, each with its own store
 * (pool) and its own LISTEN session; a subscriber on replica B receives what replica A records.
 * A's store records the event and NOTIFYs in its transaction; B hears the notice, loads the row and
 * publishes it on its hub, where B's subscription picks it up.
 */

const TOKEN = 'cs-fleet-live-token-5c2d';
const HEALTH = `subscription($accounts: [String!]) { accountHealthChanges(accounts: $accounts) { id accountKey status previous error { type } } }`;
const CHANGES = `subscription($filter: ConnectionChangeFilter) { connectionChanges(filter: $filter) { id connectionId account kind actor seen } }`;
const CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) {
  createChronosphereExternalConnection(input: $input) { __typename ... on ChronosphereExternalConnectionPayload { connection { id } } }
}`;
const url = 'http://127.0.0.1/graphql';

describe.skipIf(PG_URL === '')('live events across replicas', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let sim: ChronosphereSimulator;
  let accounts: AccountConfig[];
  const stores: Store[] = [];
  const listeners: StoreNotifications[] = [];
  const replicas: Runtime[] = [];

  const replica = async (name: string, retryMs?: number): Promise<Runtime> => {
    const store = await openStore({ databaseUrl: schema.url, replicaId: name });
    const notifications = listenForStoreNotifications({ url: schema.url, applicationName: `patchbay:listen-${name}`, ...(retryMs === undefined ? {} : { retryMs }) });
    stores.push(store);
    listeners.push(notifications);
    const runtime = createRuntime({ accounts, gateway: defaultGatewayConfig(), store, logger: createMemoryLogger(), trackedInvalidations: notifications, eventNotices: notifications });
    replicas.push(runtime);
    return runtime;
  };

  beforeAll(async () => {
    schema = await freshSchema('patchbay_live');
    sim = createChronosphereSimulator({ apiToken: TOKEN });
    await sim.server.listen();
    accounts = [
      { id: 'cs-a', vendor: 'chronosphere', baseUrl: sim.server.baseUrl, apiToken: TOKEN },
      { id: 'cs-b', vendor: 'chronosphere', baseUrl: sim.server.baseUrl, apiToken: TOKEN },
    ];
    await replica('replica-a');
    await replica('replica-b');
    for (let i = 0; i < 200 && !listeners.every((l) => l.listening()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  }, 20_000);

  afterAll(async () => {
    for (const runtime of replicas) await runtime.close();
    for (const listener of listeners) await listener.close();
    for (const store of stores) await store.close();
    await schema?.drop();
    await sim?.server.close();
  });

  it('a connection written through replica A reaches a connectionChanges subscriber on replica B, once', async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error('two replicas expected');
    const stream = await openSse(b.yoga.fetch, url, CHANGES, { variables: { filter: { accounts: ['cs-a'] } } });
    try {
      expect(stream.status).toBe(200);
      await until(() => b.deps.events.size === 1);
      const answer = await a.yoga.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: CREATE, variables: { input: { account: 'cs-a', slug: 'fleet-live', name: 'Fleet live', target: { sendgrid: { apiKey: 'SG.fleet-live-canary-0b7e' } } } } }),
      });
      const created = (await answer.json()) as { data?: { createChronosphereExternalConnection?: { connection?: { id: string } } } };
      const id = created.data?.createChronosphereExternalConnection?.connection?.id;
      expect(id).toBeTruthy();
      const event = await stream.next(5_000);
      expect(event.data?.data?.['connectionChanges']).toMatchObject({ connectionId: id, account: 'cs-a', kind: 'CREATED', actor: 'anonymous', seen: 'WRITE' });
      expect(await stream.quietFor(300)).toBe(true);
      expect(stream.raw()).not.toContain('fleet-live-canary');
    } finally {
      await stream.close();
    }
    await until(() => b.deps.events.size === 0);
  });

  it('a health transition recorded through replica A reaches a subscriber on replica B, filtered, once', async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error('two replicas expected');
    expect(listeners.every((l) => l.listening())).toBe(true);
    const stream = await openSse(b.yoga.fetch, url, HEALTH, { variables: { accounts: ['cs-a'] } });
    try {
      expect(stream.status).toBe(200);
      await until(() => b.deps.events.size === 1);
      const record = (account: string, status: 'HEALTHY' | 'FAILING') =>
        a.deps.store.recordHealth({
          eventId: randomUUID(),
          account,
          vendor: 'chronosphere',
          status,
          errorType: status === 'FAILING' ? 'VendorUnavailableError' : null,
          errorMessage: null,
          outbox: () => [],
        });
      const other = await record('cs-b', 'FAILING');
      const failing = await record('cs-a', 'FAILING');
      const recovered = await record('cs-a', 'HEALTHY');
      expect(other && failing && recovered).toBeTruthy();

      const started = performance.now();
      expect((await stream.next()).data?.data?.['accountHealthChanges']).toEqual({
        id: failing?.eventId,
        accountKey: 'cs-a',
        status: 'FAILING',
        previous: null,
        error: { type: 'VendorUnavailableError' },
      });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect((await stream.next()).data?.data?.['accountHealthChanges']).toEqual({ id: recovered?.eventId, accountKey: 'cs-a', status: 'RECOVERED', previous: 'FAILING', error: null });
      expect(await stream.quietFor(200)).toBe(true);
      expect(stream.raw()).not.toContain(other?.eventId);
    } finally {
      await stream.close();
    }
    await until(() => b.deps.events.size === 0);
  });

  it('a change stored through replica A is published on replica B, loaded from the shared store', async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error('two replicas expected');
    const seen: string[] = [];
    const unsubscribe = b.deps.events.subscribe((event) => seen.push(event.id));
    try {
      const eventId = randomUUID();
      const connectionId = randomUUID();
      const stored = await a.deps.store.applyObservation({
        connectionId,
        account: 'cs-a',
        vendor: 'chronosphere',
        name: 'relayed',
        item: { name: 'relayed' },
        expectedVersion: null,
        change: { eventId, connectionId, account: 'cs-a', vendor: 'chronosphere', name: 'relayed', kind: 'CREATED', actor: 'apikey:test', seen: 'WRITE', diff: [] },
        outbox: [],
      });
      expect(stored).toMatchObject({ eventId });
      await until(() => seen.includes(eventId));
      expect(seen.filter((id) => id === eventId)).toHaveLength(1);
    } finally {
      unsubscribe();
    }
  });
  it("a change recorded while C's LISTEN connection is down reaches C's subscriber late, when it listens again; later ones as they come", async () => {
    const [a] = replicas;
    if (!a) throw new Error('replica A expected');
    // C waits 1.5 s before reconnecting: long enough to record a change through A meanwhile.
    const c = await replica('replica-c', 1_500);
    const listenerC = listeners[listeners.length - 1];
    if (!listenerC) throw new Error('replica C expected');
    for (let i = 0; i < 200 && !listenerC.listening(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(listenerC.listening()).toBe(true);
    const stream = await openSse(c.yoga.fetch, url, CHANGES, { variables: { filter: { accounts: ['cs-b'] } } });
    const observe = (name: string) => {
      const connectionId = randomUUID();
      const change = { eventId: randomUUID(), connectionId, account: 'cs-b', vendor: 'chronosphere', name, kind: 'CREATED' as const, actor: 'apikey:gap', seen: 'WRITE' as const, diff: [] };
      return a.deps.store.applyObservation({ connectionId, account: 'cs-b', vendor: 'chronosphere', name, item: { name }, expectedVersion: null, change, outbox: [] });
    };
    try {
      await until(() => c.deps.events.size === 1);
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: schema.url });
      await admin.connect();
      try {
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'patchbay:listen-replica-c'");
      } finally {
        await admin.end();
      }
      for (let i = 0; i < 200 && listenerC.listening(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(listenerC.listening()).toBe(false);
      const during = await observe('during the gap');
      expect(during).toMatchObject({ name: 'during the gap' });
      for (let i = 0; i < 400 && !listenerC.listening(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(listenerC.listening()).toBe(true);
      expect((await stream.next(3_000)).data?.data?.['connectionChanges']).toMatchObject({ id: typeof during === 'object' ? during?.eventId : null, actor: 'apikey:gap' });
      const afterwards = await observe('after the gap');
      expect((await stream.next(3_000)).data?.data?.['connectionChanges']).toMatchObject({ id: typeof afterwards === 'object' ? afterwards?.eventId : null });
      expect(await stream.quietFor(200)).toBe(true);
    } finally {
      await stream.close();
    }
    await until(() => c.deps.events.size === 0);
  }, 20_000);

  it("after B's LISTEN connection is lost and regained, A's events reach B's subscribers again", async () => {
    const [a, b] = replicas;
    const listenerB = listeners[1];
    if (!a || !b || !listenerB) throw new Error('two replicas expected');
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: schema.url });
    await admin.connect();
    try {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'patchbay:listen-replica-b'");
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 200 && listenerB.listening(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(listenerB.listening()).toBe(false);
    for (let i = 0; i < 400 && !listenerB.listening(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(listenerB.listening()).toBe(true);

    const stream = await openSse(b.yoga.fetch, url, HEALTH, { variables: { accounts: ['cs-b'] } });
    try {
      await until(() => b.deps.events.size === 1);
      const row = await a.deps.store.recordHealth({ eventId: randomUUID(), account: 'cs-b', vendor: 'chronosphere', status: 'HEALTHY', errorType: null, errorMessage: null, outbox: () => [] });
      expect(row?.status).toBe('RECOVERED');
      expect((await stream.next()).data?.data?.['accountHealthChanges']).toMatchObject({ id: row?.eventId, status: 'RECOVERED' });
    } finally {
      await stream.close();
    }
    await until(() => b.deps.events.size === 0);
  }, 20_000);
});
