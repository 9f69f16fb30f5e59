import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { defaultGatewayConfig } from '../../src/server/runtime.js';
import { startHarness, type Harness } from '../support/harness.js';
import { openSse, until } from './support.js';

/*
 * Subscriptions start through `subscribe`, not `execute`: the gateway's per-operation checks that
 * run at execution (rate limit, cost model, value-echo and suggestion scrubbing) must run when a
 * subscription starts as well, and validation limits (depth) apply as to any operation.
 */

const ACCOUNTS: AccountConfig[] = [{ id: 'cs-a', vendor: 'chronosphere', baseUrl: 'http://127.0.0.1:9', apiToken: 'token-a-0123456789' }];
const PLAIN = 'subscription { accountHealthChanges { id } }';
const url = 'http://127.0.0.1/graphql';

let h: Harness;

beforeAll(async () => {
  const limits = { ...defaultGatewayConfig().limits, requestsPerMinute: 2, costLimit: 0, maxDepth: 4 };
  h = await startHarness({ accounts: ACCOUNTS, gateway: { limits, fieldSuggestions: false } });
});

afterAll(async () => {
  await h.close();
});

describe('operation limits on subscriptions', () => {
  it('a subscription whose events would call vendors is refused by the cost limit before it starts', async () => {
    const stream = await openSse(h.runtime.yoga.fetch, url, 'subscription { accountHealthChanges { id account { health { status } } } }');
    try {
      const first = await stream.next();
      expect(first.data?.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'costLimit' });
      expect(h.runtime.deps.events.size).toBe(0);
    } finally {
      await stream.close();
    }
  });

  it('depth is limited as for any operation, before the subscription starts', async () => {
    const stream = await openSse(h.runtime.yoga.fetch, url, 'subscription { accountHealthChanges { account { health { error { message } } } } }');
    try {
      expect((await stream.next()).data?.errors?.[0]?.message).toMatch(/depth/i);
      expect(h.runtime.deps.events.size).toBe(0);
    } finally {
      await stream.close();
    }
  });

  it('a variable value that does not fit is refused without being quoted back', async () => {
    const stream = await openSse(h.runtime.yoga.fetch, url, 'subscription($a: [String!]) { accountHealthChanges(accounts: $a) { id } }', { variables: { a: { token: 'canary-subscription-secret' } } });
    try {
      const first = await stream.next();
      expect(first.data?.errors?.[0]?.message).toContain('$a');
      expect(stream.raw()).not.toContain('canary-subscription-secret');
      expect(h.runtime.deps.events.size).toBe(0);
    } finally {
      await stream.close();
    }
  });

  it("each subscription takes a token of the caller's rate limit as it starts", async () => {
    const open = [];
    try {
      // The cost and value tests above each started a subscription (refused): the minute's two tokens are gone.
      const refused = await openSse(h.runtime.yoga.fetch, url, PLAIN);
      open.push(refused);
      expect(refused.status).toBe(429);
      expect((await refused.next()).data?.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      await until(() => h.runtime.deps.events.size === 0);
    } finally {
      for (const stream of open) await stream.close();
    }
  });
});
