import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultGatewayConfig, type GatewayConfig } from '../../src/core/config/schema.js';
import { INPUT_LIMITS } from '../../src/core/input-check.js';
import { tallyOperation, withEnvironmentDefaults, withoutSuggestions } from '../../src/server/operation-limits.js';
import { CallerRateLimiter } from '../../src/server/rate-limit.js';
import { fakeClock } from '../resilience/fake-clock.js';
import { startFleet, type Fleet } from '../inventory/support.js';
import { startHarness, type GqlResponse, type Harness } from '../support/harness.js';

/*
 * Operation limits (issue 9, point 4): every bomb is refused before execution, so the simulators'
 * request logs stay empty; oversized inputs are refused with their path and never sent.
 */

let fleet: Fleet;
/** A Datadog connection's global id (the demo seeds some). */
let datadogId: string;

beforeAll(async () => {
  fleet = await startFleet();
  const page = await fleet.h.gql('{ connections(filter: { vendors: [DATADOG] }, first: 1) { nodes { ... on VendorConnection { id } } } }');
  const nodes = (page.data?.['connections'] as { nodes: { id: string }[] }).nodes;
  datadogId = nodes[0]?.id ?? '';
  expect(datadogId).not.toBe('');
});
afterAll(async () => {
  await fleet.close();
});
beforeEach(() => {
  for (const { simulator } of fleet.simulators) simulator.server.clearRequests();
});

/** Requests that reached any simulator. */
function vendorTraffic(): number {
  return fleet.simulators.reduce((sum, { simulator }) => sum + simulator.server.requests.length, 0);
}

/** A gateway over the fleet's accounts with these `gateway` settings (limits merged over the defaults). */
function harnessWith(gateway: Partial<Omit<GatewayConfig, 'limits'>> & { limits?: Partial<GatewayConfig['limits']> }, resilience?: Parameters<typeof startHarness>[0]['resilience']): Promise<Harness> {
  const defaults = defaultGatewayConfig();
  return startHarness({
    accounts: fleet.accounts,
    store: fleet.store,
    gateway: { ...gateway, limits: { ...defaults.limits, ...gateway.limits } },
    ...(resilience ? { resilience } : {}),
  });
}

/**
 * A refusal by graphql-armor's parse and validation rules: Yoga answers those like any invalid
 * document (200 under `accept: application/json`, as GraphQL-over-HTTP's legacy type wants), with
 * an error and no data.
 */
function refusedByRule(response: GqlResponse, text: string | RegExp): void {
  expect(response.data ?? null).toBeNull();
  expect(response.errors?.map((e) => e.message)).toContainEqual(typeof text === 'string' ? expect.stringContaining(text) : expect.stringMatching(text));
}

/** Whichever of the parse and validation limits a bomb meets first. */
const ANY_RULE = /(Token|Aliases|Directives|depth) limit/;

/** The refusal's status, its first error and which limit refused it. */
function refusal(response: GqlResponse): { status: number; message: string; limit: unknown } {
  return { status: response.status, message: response.errors?.[0]?.message ?? '', limit: response.errors?.[0]?.extensions?.['limit'] };
}

function aliases(count: number, field: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join('\n');
}

describe('bombs are refused before any vendor call', () => {
  it('500 aliases of connection(id:) (the alias limit; and the cost model when aliases are allowed)', async () => {
    const query = `query($id: ID!) { ${aliases(500, () => 'connection(id: $id) { __typename }')} }`;
    refusedByRule(await fleet.h.gql(query, { id: datadogId }), ANY_RULE);
    refusedByRule(await fleet.h.gql(`query($id: ID!) { ${aliases(31, () => 'connection(id: $id) { __typename }')} }`, { id: datadogId }), 'Aliases limit of 30 exceeded');
    const lenient = await harnessWith({ limits: { maxAliases: 1_000, maxTokens: 100_000 } });
    try {
      expect(refusal(await lenient.gql(query, { id: datadogId }))).toEqual({ status: 400, message: expect.stringContaining('500 vendor calls'), limit: 'costLimit' });
    } finally {
      await lenient.close();
    }
    expect(vendorTraffic()).toBe(0);
  });

  it('nodes with 2,000 ids', async () => {
    const ids = Array.from({ length: 2_000 }, () => datadogId);
    expect(refusal(await fleet.h.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }))).toEqual({
      status: 400,
      message: expect.stringContaining('2000 ids'),
      limit: 'maxIds',
    });
    expect(vendorTraffic()).toBe(0);
  });

  it('is counted for each request’s own ids: the same query text with 100 ids runs, with 2,000 is refused, with 100 runs again', async () => {
    const query = 'query Same($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const ids = (n: number) => Array.from({ length: n }, () => datadogId);
    expect((await fleet.h.gql(query, { ids: ids(100) })).errors).toBeUndefined();
    expect(refusal(await fleet.h.gql(query, { ids: ids(2_000) }))).toMatchObject({ limit: 'maxIds', message: expect.stringContaining('2000 ids') });
    expect((await fleet.h.gql(query, { ids: ids(100) })).errors).toBeUndefined();
    // Null for the list is no ids (an error from the field, not from the limits).
    expect((await fleet.h.gql(query, { ids: null })).errors?.[0]?.extensions?.['code']).not.toBe('OPERATION_LIMIT_EXCEEDED');
  });

  it('100 ids still make one request (the documented maximum)', async () => {
    const ids = Array.from({ length: 100 }, () => datadogId);
    const result = await fleet.h.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(result.errors).toBeUndefined();
    expect(vendorTraffic()).toBeGreaterThan(0);
  });

  it('a batch of aliased mutations (11 against the limit of 10; 100 hit the alias limit first)', async () => {
    const validate = () => 'validateCortexPagerDutyConfiguration(input: { account: "cortex-demo" }) { __typename }';
    expect(refusal(await fleet.h.gql(`mutation { ${aliases(11, validate)} }`))).toEqual({ status: 400, message: expect.stringContaining('11 mutations'), limit: 'maxMutations' });
    refusedByRule(await fleet.h.gql(`mutation { ${aliases(100, validate)} }`), ANY_RULE);
    const audit = await fleet.store.listAudit({ limit: 1000 });
    expect(audit.filter((row) => row.operation === 'validateCortexPagerDutyConfiguration')).toEqual([]);
    expect(vendorTraffic()).toBe(0);
  });

  it('depth: a nested query over the limit', async () => {
    const deep = '{ connections { edges { node { ... on VendorConnection { account { health { error { message } } } } } } } }';
    const shallow = await harnessWith({ limits: { maxDepth: 4 } });
    try {
      refusedByRule(await shallow.gql(deep), 'depth limit of 4');
    } finally {
      await shallow.close();
    }
    // With the defaults no valid query reaches the limit (the schema has no cycle); a nonsense one is refused by it.
    const bomb = `{ ${'a { '.repeat(200)}b${' }'.repeat(200)} }`;
    refusedByRule(await fleet.h.gql(bomb), 'depth limit of 12');
    expect(vendorTraffic()).toBe(0);
  });

  it('tokens: a small query with too many tokens', async () => {
    refusedByRule(await fleet.h.gql(`{ connections { totalCount } accounts { ${'key '.repeat(2_500)} } }`), 'Token limit of 2000');
    expect(vendorTraffic()).toBe(0);
  });

  it('size: a 100 KB query is refused (413) before it is parsed; a 1.9 MB one (or a 2 MB body) before it is read', async () => {
    const padded = (bytes: number) => `{ connections { totalCount } }\n#${'x'.repeat(bytes)}`;
    expect(refusal(await fleet.h.gql(padded(100_000)))).toEqual({ status: 413, message: expect.stringContaining('larger than 32768 bytes'), limit: 'maxQueryBytes' });
    expect(refusal(await fleet.h.gql(padded(1_900_000)))).toMatchObject({ status: 413, message: 'Request body too large' });
    const huge = await fleet.h.runtime.yoga.fetch('http://patchbay.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connections { totalCount } }', variables: { pad: 'x'.repeat(2_000_000) } }),
    });
    expect(huge.status).toBe(413);
    expect(vendorTraffic()).toBe(0);
  });

  it('@defer: 11 deferred fragments (the deferral limit); 500 meet a parse limit; 31 directives the directive limit', async () => {
    const deferred = (count: number) => `{ accounts { key } ${Array.from({ length: count }, (_, i) => `... @defer { d${i}: connections { totalCount } }`).join(' ')} }`;
    expect(refusal(await fleet.h.gql(deferred(11)))).toEqual({ status: 400, message: expect.stringContaining('11 times'), limit: 'maxDeferred' });
    refusedByRule(await fleet.h.gql(deferred(500)), ANY_RULE);
    refusedByRule(await fleet.h.gql(`{ accounts { ${Array.from({ length: 31 }, () => 'key @include(if: true)').join(' ')} } }`), 'Directives limit of 30 exceeded');
    expect(vendorTraffic()).toBe(0);
  });
});

describe('the cost model', () => {
  const schema = () => fleet.h.runtime.yoga.getEnveloped().schema;

  it('counts each alias of a vendor-calling root field, nodes by its ids, connections by accounts, fragments where they are spread', () => {
    const tally = (query: string, variables: Record<string, unknown> = {}) => tallyOperation(schema(), parse(query), undefined, variables, 5);
    expect(tally('{ a: connection(id: "x") { __typename } b: connection(id: "y") { __typename } }').cost).toBe(2);
    expect(tally('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['a', 'b', 'c'] })).toMatchObject({ cost: 3, mostIds: 3 });
    expect(tally('{ nodes(ids: ["a", "b"]) { id } }').cost).toBe(2);
    expect(tally('{ connections { totalCount } }').cost).toBe(5);
    expect(tally('{ accounts { key } }').cost).toBe(0);
    expect(tally('{ accounts { health { status } } }').cost).toBe(5);
    expect(tally('{ ...F ...F } fragment F on Query { x: connection(id: "x") { __typename } y: connection(id: "y") { __typename } }').cost).toBe(4);
    expect(tally('{ __schema { types { name } } __typename }').cost).toBe(0);
    expect(tally('mutation { a: validateCortexPagerDutyConfiguration(input: { account: "c" }) { __typename } }')).toMatchObject({ cost: 1, mutations: 1 });
  });

  it('walks each fragment once however often it is spread, so a doubling fragment bomb is counted, not expanded', () => {
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const query = `{ ...F0 }\n${fragments}\nfragment F40 on Query { connection(id: "x") { __typename } }`;
    expect(tallyOperation(schema(), parse(query), undefined, {}, 5).cost).toBe(2 ** 40);
  });
});

describe('input sizes are bounded where the input is checked', () => {
  const CREATE_DATADOG = `mutation($input: CreateDatadogActionConnectionInput!) {
    createDatadogActionConnection(input: $input) { __typename ... on InputValidationError { fieldErrors { path message } } }
  }`;
  const CREATE_CHRONOSPHERE = `mutation($input: CreateChronosphereExternalConnectionInput!) {
    createChronosphereExternalConnection(input: $input) { __typename ... on InputValidationError { fieldErrors { path message } } }
  }`;
  const openAi = { openAi: { apiToken: 'sk-bounded-test-0001' } };

  async function refusedPaths(query: string, input: Record<string, unknown>, field: string): Promise<string[][]> {
    const result = await fleet.h.gql(query, { input });
    expect(result.errors).toBeUndefined();
    const payload = result.data?.[field] as { __typename: string; fieldErrors?: { path: string[]; message: string }[] };
    expect(payload.__typename).toBe('InputValidationError');
    return (payload.fieldErrors ?? []).map((e) => e.path);
  }

  it('a name over 200 characters, 65 tags, a tag over 128 characters: InputValidationError with the path, no vendor call', async () => {
    const base = { account: 'datadog-demo', integration: openAi };
    expect(await refusedPaths(CREATE_DATADOG, { ...base, name: 'n'.repeat(INPUT_LIMITS.name + 1) }, 'createDatadogActionConnection')).toEqual([['name']]);
    const tags = Array.from({ length: INPUT_LIMITS.tags + 1 }, (_, i) => `team:t${i}`);
    expect(await refusedPaths(CREATE_DATADOG, { ...base, name: 'ok', tags }, 'createDatadogActionConnection')).toEqual([['tags']]);
    expect(await refusedPaths(CREATE_DATADOG, { ...base, name: 'ok', tags: ['team:a', `team:${'t'.repeat(INPUT_LIMITS.tag)}`] }, 'createDatadogActionConnection')).toEqual([['tags', '1']]);
    expect(vendorTraffic()).toBe(0);
  });

  it('a URL over 2048 characters and a name over 200 (Chronosphere), both reported at once', async () => {
    const input = { account: 'chronosphere-demo', name: 'n'.repeat(201), target: { webhook: { url: `https://hooks.example.com/${'p'.repeat(INPUT_LIMITS.url)}` } } };
    expect(await refusedPaths(CREATE_CHRONOSPHERE, input, 'createChronosphereExternalConnection')).toEqual([['name'], ['target', 'webhook', 'url']]);
    expect(vendorTraffic()).toBe(0);
  });

  it('an oversized account string is cut in the audit row', async () => {
    const account = `a${'c'.repeat(100_000)}`;
    await fleet.h.gql(CREATE_DATADOG, { input: { account, name: 'ok', integration: openAi } });
    const rows = await fleet.store.listAudit({ limit: 1000 });
    const row = rows.find((r) => r.operation === 'createDatadogActionConnection' && r.account?.startsWith('acc'));
    expect(row?.account?.length).toBeLessThanOrEqual(65);
    expect(vendorTraffic()).toBe(0);
  });
});

describe('introspection and field suggestions', () => {
  it('are on unless configured off; in config mode NODE_ENV=production turns both off by default', () => {
    const gateway = defaultGatewayConfig();
    expect(withEnvironmentDefaults(gateway, 'production')).toMatchObject({ introspection: false, fieldSuggestions: false });
    expect(withEnvironmentDefaults(gateway, 'development')).toMatchObject({ introspection: true, fieldSuggestions: true });
    expect(withEnvironmentDefaults({ ...gateway, introspection: true }, 'production')).toMatchObject({ introspection: true, fieldSuggestions: false });
    expect(withoutSuggestions('Cannot query field "acounts" on type "Query". Did you mean "accounts"?')).toBe('Cannot query field "acounts" on type "Query".');
    expect(withoutSuggestions('Value "DATADOGG" does not exist in "Vendor" enum. Did you mean the enum value "DATADOG"?')).toBe('Value "DATADOGG" does not exist in "Vendor" enum.');
  });

  it('production mode answers no introspection and no suggestions; __typename still works', async () => {
    const production = await harnessWith(withEnvironmentDefaults(defaultGatewayConfig(), 'production'));
    try {
      refusedByRule(await production.gql('{ __schema { types { name } } }'), 'introspection has been disabled');
      refusedByRule(await production.gql('{ __type(name: "Query") { name } }'), 'introspection has been disabled');
      expect((await production.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
      const typo = await production.gql('{ acounts { key } connections(filter: { vendors: [DATADOGG] }) { totalCount } }');
      expect(typo.raw).not.toContain('Did you mean');
      expect(typo.raw).not.toMatch(/"accounts"|DATADOG"/);
    } finally {
      await production.close();
    }
    // The default (demo, tests) keeps both.
    expect((await fleet.h.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await fleet.h.gql('{ acounts { key } }')).raw).toContain('Did you mean');
  });
});

describe('per-caller rate limit', () => {
  it('answers 429 with Retry-After once the caller’s minute is spent, and again after the bucket refills', async () => {
    const clock = fakeClock();
    const limited = await harnessWith({ limits: { requestsPerMinute: 2 } }, { clock });
    try {
      expect((await limited.gql('{ accounts { key } }')).status).toBe(200);
      expect((await limited.gql('{ accounts { key } }')).status).toBe(200);
      const response = await limited.runtime.yoga.fetch('http://patchbay.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ connections { totalCount } }' }),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('30');
      const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect(body.errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
      expect(body.errors[0]?.extensions['http']).toBeUndefined();
      expect(vendorTraffic()).toBe(0);
      clock.advance(30_000);
      expect((await limited.gql('{ accounts { key } }')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('keeps one bucket per caller', () => {
    const clock = fakeClock();
    const limiter = new CallerRateLimiter(60, clock);
    for (let i = 0; i < 60; i++) expect(limiter.take('apikey:ci')).toBe(0);
    expect(limiter.take('apikey:ci')).toBe(1);
    expect(limiter.take('jwt:alice')).toBe(0);
    clock.advance(1_000);
    expect(limiter.take('apikey:ci')).toBe(0);
  });
});

describe('a client that goes away', () => {
  it('stops the request starting vendor calls: the second of two serial mutations is never sent', async () => {
    fleet.sim('cortex').server.addFault({ delayMs: 400 });
    try {
      const controller = new AbortController();
      const mutation = `mutation {
        first: validateCortexPagerDutyConfiguration(input: { account: "cortex-demo" }) { __typename }
        second: createChronosphereExternalConnection(input: { account: "chronosphere-demo", name: "after abort", dryRun: true, target: { webhook: { url: "https://hooks.example.com/x" } } }) { __typename }
      }`;
      const request = async (): Promise<string> => {
        try {
          const response = await fleet.h.runtime.yoga.fetch('http://patchbay.test/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: mutation }),
            signal: controller.signal,
          });
          return await response.text();
        } catch {
          return 'aborted';
        }
      };
      const answer = request();
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      await answer;
      // The write already on its way finishes; nothing after it starts.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(fleet.sim('cortex').server.requests.length).toBe(1);
      expect(fleet.sim('chronosphere').server.requests.length).toBe(0);
    } finally {
      fleet.sim('cortex').server.clearFaults();
    }
  });
});
