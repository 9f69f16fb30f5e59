import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeEvent, healthEvent } from '../../src/app/events.js';
import { generateApiKey } from '../../src/core/auth/api-keys.js';
import { authSchema } from '../../src/core/auth/config.js';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { createRuntime, defaultGatewayConfig, type Runtime } from '../../src/server/runtime.js';
import { sharedMemoryStore } from '../support/harness.js';
import { changeRow, healthRow, openSse, until } from './support.js';

/*
 * Subscriptions pass the same gate as every request: no credentials, no stream (HTTP 401 before
 * any event); a caller without `connections:read` gets ForbiddenError and no hub listener; a caller
 * restricted to one account never receives another account's events, whatever it asks for.
 */

const ACCOUNTS: AccountConfig[] = [
  { id: 'cs-a', vendor: 'chronosphere', baseUrl: 'http://127.0.0.1:9', apiToken: 'token-a-0123456789' },
  { id: 'cs-b', vendor: 'chronosphere', baseUrl: 'http://127.0.0.1:9', apiToken: 'token-b-0123456789' },
];

const KEYS = { reader: generateApiKey(), aReader: generateApiKey(), auditor: generateApiKey() };
const HEALTH = `subscription($accounts: [String!]) { accountHealthChanges(accounts: $accounts) { id accountKey } }`;
const CHANGES = `subscription($filter: ConnectionChangeFilter) { connectionChanges(filter: $filter) { id account } }`;
const url = 'http://127.0.0.1/graphql';

let runtime: Runtime;

beforeAll(async () => {
  const auth = authSchema.parse({
    apiKeys: [
      { name: 'reader', key: KEYS.reader, scopes: ['connections:read'] },
      { name: 'aReader', key: KEYS.aReader, scopes: ['connections:read'], accounts: ['cs-a'] },
      { name: 'auditor', key: KEYS.auditor, scopes: ['audit:read'] },
    ],
  });
  runtime = createRuntime({ accounts: ACCOUNTS, gateway: defaultGatewayConfig(), store: await sharedMemoryStore(), logger: createMemoryLogger(), auth });
});

afterAll(async () => {
  await runtime.close();
});

describe('who may subscribe', () => {
  it('no credentials or a wrong key: 401 before any stream, and no hub listener', async () => {
    for (const token of [undefined, 'pb_not-a-key']) {
      const stream = await openSse(runtime.yoga.fetch, url, HEALTH, token === undefined ? {} : { token });
      try {
        expect(stream.status).toBe(401);
        expect(stream.contentType).toMatch(/^application\/json/);
        expect(runtime.deps.events.size).toBe(0);
      } finally {
        await stream.close();
      }
    }
  });

  it('a caller without connections:read gets ForbiddenError, then the end of the stream, and leaves no listener', async () => {
    for (const query of [HEALTH, CHANGES]) {
      const stream = await openSse(runtime.yoga.fetch, url, query, { token: KEYS.auditor });
      try {
        const first = await stream.next();
        expect(first.data?.errors?.[0]?.extensions?.['code']).toBe('ForbiddenError');
        expect(first.data?.errors?.[0]?.message).toContain('connections:read');
        expect((await stream.next()).event).toBe('complete');
        expect(runtime.deps.events.size).toBe(0);
      } finally {
        await stream.close();
      }
    }
  });

  it("a caller restricted to cs-a never receives cs-b's changes, even when its filter names cs-b", async () => {
    const restricted = await openSse(runtime.yoga.fetch, url, CHANGES, { token: KEYS.aReader });
    const askingForB = await openSse(runtime.yoga.fetch, url, CHANGES, { token: KEYS.aReader, variables: { filter: { accounts: ['cs-b'] } } });
    const reader = await openSse(runtime.yoga.fetch, url, CHANGES, { token: KEYS.reader, variables: { filter: { accounts: ['cs-b'] } } });
    try {
      await until(() => runtime.deps.events.size === 3);
      const b = changeRow({ account: 'cs-b', vendor: 'chronosphere' });
      const a = changeRow({ account: 'cs-a', vendor: 'chronosphere' });
      runtime.deps.events.publish(changeEvent(b));
      runtime.deps.events.publish(changeEvent(a));
      expect((await restricted.next()).data?.data?.['connectionChanges']).toEqual({ id: a.eventId, account: 'cs-a' });
      expect((await reader.next()).data?.data?.['connectionChanges']).toEqual({ id: b.eventId, account: 'cs-b' });
      expect(await askingForB.quietFor(200)).toBe(true);
      expect(await restricted.quietFor(50)).toBe(true);
      for (const stream of [restricted, askingForB]) expect(stream.raw()).not.toContain(b.eventId);
    } finally {
      await Promise.all([restricted.close(), askingForB.close(), reader.close()]);
    }
    await until(() => runtime.deps.events.size === 0);
  });

  it("a caller restricted to cs-a receives cs-a's events only, even when it asks for cs-b; an unrestricted reader receives both", async () => {
    const restricted = await openSse(runtime.yoga.fetch, url, HEALTH, { token: KEYS.aReader });
    const askingForB = await openSse(runtime.yoga.fetch, url, HEALTH, { token: KEYS.aReader, variables: { accounts: ['cs-b'] } });
    const reader = await openSse(runtime.yoga.fetch, url, HEALTH, { token: KEYS.reader });
    try {
      await until(() => runtime.deps.events.size === 3);
      const b = healthRow({ account: 'cs-b', vendor: 'chronosphere' });
      const a = healthRow({ account: 'cs-a', vendor: 'chronosphere' });
      runtime.deps.events.publish(healthEvent(b));
      runtime.deps.events.publish(healthEvent(a));

      expect((await restricted.next()).data?.data?.['accountHealthChanges']).toEqual({ id: a.eventId, accountKey: 'cs-a' });
      expect((await reader.next()).data?.data?.['accountHealthChanges']).toEqual({ id: b.eventId, accountKey: 'cs-b' });
      expect((await reader.next()).data?.data?.['accountHealthChanges']).toEqual({ id: a.eventId, accountKey: 'cs-a' });
      expect(await askingForB.quietFor(200)).toBe(true);
      expect(await restricted.quietFor(50)).toBe(true);
      for (const stream of [restricted, askingForB]) expect(stream.raw()).not.toContain(b.eventId);
    } finally {
      await Promise.all([restricted.close(), askingForB.close(), reader.close()]);
    }
    await until(() => runtime.deps.events.size === 0);
  });
});
