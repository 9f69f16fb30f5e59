import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/core/logger.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { parseConfigText } from '../../src/server/config.js';
import { startDemo, type Demo } from '../../src/server/demo.js';
import { createRuntime, defaultGatewayConfig, type Runtime } from '../../src/server/runtime.js';
import { VENDORS } from '../../src/vendors/index.js';
import { acme } from './acme.js';

/**
 * The registry is the only vendor list: a sixth vendor module, written in this test folder
 * against the published interfaces and added to the list here, gets config parsing, demo wiring,
 * the inventory, `node`, `connection(id)`, health and its `Vendor` enum value without any change
 * to shared code.
 */
const vendors = [...VENDORS, acme];
let demo: Demo;
let runtime: Runtime;

async function gql(query: string, variables?: Record<string, unknown>) {
  const response = await runtime.yoga.fetch('http://patchbay.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

function acmeRequests(): readonly { method: string; path: string }[] {
  const running = demo.simulators.find((s) => s.kit.vendor === 'acme');
  if (!running) throw new Error('the acme simulator is not running');
  return running.simulator.server.requests;
}

beforeAll(async () => {
  const logger = createMemoryLogger();
  demo = await startDemo({ logger, vendors });
  runtime = createRuntime({ accounts: demo.accounts, gateway: defaultGatewayConfig(), store: demo.store, logger, vendors, exposeVendorCalls: true });
});

afterAll(async () => {
  await runtime?.close();
  await demo?.close();
});

describe('a sixth vendor registered in one list', () => {
  it('gets a demo account and a running simulator, after the five vendors', () => {
    expect(demo.simulators.map((s) => s.kit.vendor)).toEqual(['datadog', 'chronosphere', 'mongodb', 'cortex', 'opsramp', 'acme']);
    expect(demo.accounts.find((a) => a.vendor === 'acme')).toMatchObject({ id: 'acme-demo', displayName: 'Acme (demo)' });
  });

  it('is a vendor the config file accepts, with its own fields checked and its secrets known', () => {
    const config = parseConfigText(JSON.stringify({ accounts: [{ id: 'a', vendor: 'acme', baseUrl: 'http://127.0.0.1:1', token: 't0k3n' }] }), 'json', {}, vendors);
    expect(config.accounts[0]).toMatchObject({ vendor: 'acme', token: 't0k3n' });
    expect(() => parseConfigText(JSON.stringify({ accounts: [{ id: 'a', vendor: 'acme', baseUrl: 'http://127.0.0.1:1' }] }), 'json', {}, vendors)).toThrow(/accounts\[0\]\.token/);
    // Without the module in the list, the same vendor is refused by name.
    expect(() => parseConfigText(JSON.stringify({ accounts: [{ id: 'a', vendor: 'acme', baseUrl: 'http://127.0.0.1:1', token: 't' }] }), 'json', {})).toThrow(
      /must be one of datadog, chronosphere, mongodb, cortex, opsramp/,
    );
  });

  it('is listed in the inventory beside the others, filtered by its enum value', async () => {
    const all = await gql(`{ connections(first: 100) { totalCount nodes { __typename ... on VendorConnection { vendor account { key vendor } } } failures { account { key } } } }`);
    expect(all.errors).toBeUndefined();
    const page = all.data?.['connections'] as { nodes: { __typename: string; vendor: string; account: { key: string; vendor: string } }[]; failures: unknown[] };
    expect(page.failures).toEqual([]);
    expect(page.nodes.filter((n) => n.__typename === 'AcmeHook')).toHaveLength(2);
    expect(new Set(page.nodes.map((n) => n.vendor))).toEqual(new Set(['DATADOG', 'CHRONOSPHERE', 'MONGODB_CLOUD_MANAGER', 'CORTEX', 'OPSRAMP', 'ACME']));

    const only = await gql(`{ connections(first: 10, filter: { vendors: [ACME] }) { totalCount nodes { __typename ... on AcmeHook { hookId name url service secrets { field isSet lastFour } } } } }`);
    expect(only.errors).toBeUndefined();
    expect(only.data?.['connections']).toEqual({
      totalCount: 2,
      nodes: [
        { __typename: 'AcmeHook', hookId: 'h-1', name: 'Acme → on-call', url: 'https://hooks.acme.test/1', service: 'WEBHOOK', secrets: [{ field: 'secret', isSet: true, lastFour: '0001' }] },
        { __typename: 'AcmeHook', hookId: 'h-2', name: 'Acme → status page', url: 'https://hooks.acme.test/2', service: 'WEBHOOK', secrets: [{ field: 'secret', isSet: true, lastFour: '0002' }] },
      ],
    });
    expect(JSON.stringify(only)).not.toContain('acme-signing-secret');
  });

  it('resolves its global ids through node, nodes and connection(id), through its own loaders', async () => {
    const id = encodeGlobalId('AcmeHook', innerId('acme-demo', 'h-2'));
    const before = acmeRequests().length;
    const result = await gql(
      `query ($id: ID!, $ids: [ID!]!) {
        node(id: $id) { id ... on AcmeHook { name } }
        nodes(ids: $ids) { id }
        connection(id: $id) { __typename ... on AcmeHook { id hookId } ... on Error { message } }
      }`,
      { id, ids: [id, encodeGlobalId('AcmeHook', innerId('acme-demo', 'h-1'))] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      node: { id, name: 'Acme → status page' },
      nodes: [{ id }, { id: encodeGlobalId('AcmeHook', innerId('acme-demo', 'h-1')) }],
      connection: { __typename: 'AcmeHook', id, hookId: 'h-2' },
    });
    // The same hook asked three times in one request is read once (its loader caches by account + id).
    const reads = acmeRequests()
      .slice(before)
      .filter((r) => r.path === '/v1/hooks/h-2');
    expect(reads).toHaveLength(1);
  });

  it('answers typed not-found for its unknown, malformed and foreign ids, without a vendor call for malformed ones', async () => {
    const before = acmeRequests().length;
    const missing = encodeGlobalId('AcmeHook', innerId('acme-demo', 'h-9'));
    const malformed = encodeGlobalId('AcmeHook', innerId('acme-demo', 'not-a-hook'));
    const foreign = encodeGlobalId('AcmeHook', innerId('cortex-demo', 'h-1'));
    const result = await gql(
      `query ($a: ID!, $b: ID!, $c: ID!) {
        a: connection(id: $a) { __typename } b: connection(id: $b) { __typename } c: connection(id: $c) { __typename }
        n: node(id: $a) { id }
      }`,
      { a: missing, b: malformed, c: foreign },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: { __typename: 'NotFoundError' }, b: { __typename: 'NotFoundError' }, c: { __typename: 'NotFoundError' }, n: null });
    expect(
      acmeRequests()
        .slice(before)
        .map((r) => r.path),
    ).toEqual(['/v1/hooks/h-9']);
  });

  it('has a live health probe like every vendor', async () => {
    const result = await gql(`{ accounts { key vendor health { status error { __typename } } } }`);
    expect(result.errors).toBeUndefined();
    const accounts = result.data?.['accounts'] as { key: string; vendor: string; health: { status: string } }[];
    expect(accounts.find((a) => a.key === 'acme-demo')).toEqual({ key: 'acme-demo', vendor: 'ACME', health: { status: 'HEALTHY', error: null } });
  });
});
