import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from './support.js';

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet();
});
afterAll(async () => {
  await fleet.close();
});

/** Sends a query asking for incremental delivery; resolves each part with the time it arrived. */
async function incremental(query: string): Promise<{ at: number; text: string }[]> {
  const started = performance.now();
  const response = await fleet.h.runtime.yoga.fetch('http://patchbay.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
    body: JSON.stringify({ query }),
  });
  expect(response.headers.get('content-type')).toContain('multipart/mixed');
  const parts: { at: number; text: string }[] = [];
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    const text = decoder.decode(chunk.value);
    if (text.includes('{')) parts.push({ at: performance.now() - started, text });
  }
  return parts;
}

describe('@defer and @stream', () => {
  it('delivers the fast part before a slow vendor answers', async () => {
    fleet.sim('opsramp').server.addFault({ delayMs: 600 });
    try {
      const parts = await incremental(`{
        accounts { key }
        ... @defer(label: "slow") { connections(filter: { vendors: [OPSRAMP] }) { totalCount } }
      }`);
      expect(parts.length).toBeGreaterThanOrEqual(2);
      expect(parts[0]?.text).toContain('opsramp-demo');
      expect(parts[0]?.text).not.toContain('totalCount');
      // The first part cannot have waited for the vendor: it arrived before the injected delay ended.
      expect(parts[0]?.at).toBeLessThan(600);
      const last = parts[parts.length - 1];
      expect(last?.text).toContain('totalCount');
      expect(last?.at).toBeGreaterThanOrEqual(600);
    } finally {
      fleet.sim('opsramp').server.clearFaults();
    }
  });

  it('streams list items', async () => {
    const parts = await incremental(`{ accounts @stream(initialCount: 1) { key } }`);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.text).join('')).toContain('opsramp-demo');
  });
});
