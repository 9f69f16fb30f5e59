import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthEvent } from '../../src/app/events.js';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { startHarness, type Harness } from '../support/harness.js';
import { healthRow, openSse, until } from './support.js';

/*
 * `accountHealthChanges` over SSE through `yoga.fetch`: transitions published on the hub arrive as
 * they happen, narrowed to the accounts asked for; a client that leaves takes its hub listener
 * with it. The accounts point at a closed local port: no vendor is called.
 */

const ACCOUNTS: AccountConfig[] = [
  { id: 'cs-a', vendor: 'chronosphere', baseUrl: 'http://127.0.0.1:9', apiToken: 'token-a-0123456789' },
  { id: 'cs-b', vendor: 'chronosphere', baseUrl: 'http://127.0.0.1:9', apiToken: 'token-b-0123456789' },
];

const HEALTH = `subscription($accounts: [String!]) { accountHealthChanges(accounts: $accounts) {
  id accountKey account { key displayName } vendor status previous error { type message } at
} }`;

let h: Harness;
const url = 'http://127.0.0.1/graphql';

beforeAll(async () => {
  h = await startHarness({ accounts: ACCOUNTS });
});

afterAll(async () => {
  await h.close();
});

describe('accountHealthChanges', () => {
  it('delivers each transition of the accounts asked for, as it is published, and nothing of the others', async () => {
    const stream = await openSse(h.runtime.yoga.fetch, url, HEALTH, { variables: { accounts: ['cs-a'] } });
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      await until(() => h.runtime.deps.events.size === 1);
      const other = healthRow({ account: 'cs-b', vendor: 'chronosphere' });
      const failing = healthRow({ account: 'cs-a', vendor: 'chronosphere', status: 'FAILING', previous: 'HEALTHY' });
      const recovered = healthRow({ account: 'cs-a', vendor: 'chronosphere', status: 'RECOVERED', previous: 'FAILING', errorType: null, errorMessage: null });
      h.runtime.deps.events.publish(healthEvent(other));
      h.runtime.deps.events.publish(healthEvent(failing));
      h.runtime.deps.events.publish(healthEvent(recovered));

      const first = await stream.next();
      expect(first.event).toBe('next');
      expect(first.data?.errors).toBeUndefined();
      expect(first.data?.data?.['accountHealthChanges']).toEqual({
        id: failing.eventId,
        accountKey: 'cs-a',
        account: { key: 'cs-a', displayName: 'cs-a' },
        vendor: 'CHRONOSPHERE',
        status: 'FAILING',
        previous: 'HEALTHY',
        error: { type: 'VendorAuthError', message: 'The vendor refused the credentials.' },
        at: failing.at.toISOString(),
      });
      const second = await stream.next();
      expect(second.data?.data?.['accountHealthChanges']).toMatchObject({ id: recovered.eventId, status: 'RECOVERED', previous: 'FAILING', error: null });
      expect(await stream.quietFor(150)).toBe(true);
      expect(stream.raw()).not.toContain(other.eventId);
    } finally {
      await stream.close();
    }
    await until(() => h.runtime.deps.events.size === 0);
  });

  it('serves GET as well as POST, every account when none is named, an unconfigured account without its `account`', async () => {
    const stream = await openSse(h.runtime.yoga.fetch, url, HEALTH, { method: 'GET' });
    try {
      expect(stream.status).toBe(200);
      await until(() => h.runtime.deps.events.size === 1);
      const gone = healthRow({ account: 'cs-removed', vendor: 'chronosphere', status: 'FAILING', previous: null });
      const b = healthRow({ account: 'cs-b', vendor: 'chronosphere' });
      h.runtime.deps.events.publish(healthEvent(gone));
      h.runtime.deps.events.publish(healthEvent(b));
      expect((await stream.next()).data?.data?.['accountHealthChanges']).toMatchObject({ id: gone.eventId, accountKey: 'cs-removed', account: null, previous: null });
      expect((await stream.next()).data?.data?.['accountHealthChanges']).toMatchObject({ id: b.eventId, account: { key: 'cs-b' } });
    } finally {
      await stream.close();
    }
    await until(() => h.runtime.deps.events.size === 0);
  });

  it('an event published twice (its own replica and a notification) is delivered once', async () => {
    const stream = await openSse(h.runtime.yoga.fetch, url, HEALTH);
    try {
      await until(() => h.runtime.deps.events.size === 1);
      const row = healthRow({ account: 'cs-a', vendor: 'chronosphere' });
      h.runtime.deps.events.publish(healthEvent(row));
      h.runtime.deps.events.publish(healthEvent(row));
      expect((await stream.next()).data?.data?.['accountHealthChanges']).toMatchObject({ id: row.eventId });
      expect(await stream.quietFor(150)).toBe(true);
    } finally {
      await stream.close();
    }
    await until(() => h.runtime.deps.events.size === 0);
  });
  it('over a real socket on 127.0.0.1: events arrive, and a client that disconnects leaves no hub listener', async () => {
    const server = createServer(h.runtime.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const stream = await openSse(fetch, `http://127.0.0.1:${port}/graphql`, HEALTH, { variables: { accounts: ['cs-a'] } });
      try {
        expect(stream.status).toBe(200);
        await until(() => h.runtime.deps.events.size === 1);
        const row = healthRow({ account: 'cs-a', vendor: 'chronosphere' });
        h.runtime.deps.events.publish(healthEvent(row));
        expect((await stream.next()).data?.data?.['accountHealthChanges']).toMatchObject({ id: row.eventId });
      } finally {
        await stream.close();
      }
      await until(() => h.runtime.deps.events.size === 0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
