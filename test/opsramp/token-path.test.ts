import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPSRAMP_SEED_IDS } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator, type TokenPaths } from '../../src/simulators/opsramp/simulator.js';
import { OPSRAMP_LEGACY_TOKEN_PATH, OPSRAMP_TOKEN_PATH } from '../../src/vendors/opsramp/oauth.js';
import { opsRampAccountSchema } from '../../src/vendors/opsramp/runtime.js';
import { sharedMemoryStore, startHarness, type Harness } from '../support/harness.js';
import { API, AVAILABLE, CLIENT_ID, CLIENT_SECRET, CONNECTION, CONNECTIONS, TENANT, account, calls, field, integrationId } from './support.js';

/*
 * Where the token comes from (issue 10): OpsRamp documents `/tenancy/auth/oauth/token` today; the
 * 2021 spec says `/auth/oauth/token`. Without `tokenPath` the client asks the documented path and,
 * on a 404, the other one once, then keeps asking the one that worked. A configured `tokenPath` is
 * asked alone. Neither answering is a NotFoundError that names `tokenPath`.
 */

const CURRENT = `POST ${OPSRAMP_TOKEN_PATH}`;
const LEGACY = `POST ${OPSRAMP_LEGACY_TOKEN_PATH}`;
const JIRA = `GET ${API}/installed/${OPSRAMP_SEED_IDS.jira}`;

let open: { sim: OpsRampSimulator; h: Harness } | null = null;

// Each test starts its own gateway; the embedded store they share opens once, here, not inside a test's time.
beforeAll(async () => {
  await sharedMemoryStore();
});

afterEach(async () => {
  await open?.h.close();
  await open?.sim.server.close();
  open = null;
});

/** A simulator serving `tokenPaths` and a gateway with one account on it. */
async function start(tokenPaths: TokenPaths, overrides: { tokenPath?: string } = {}): Promise<{ sim: OpsRampSimulator; h: Harness; key: string }> {
  const sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT, rateLimits: false, tokenPaths });
  const baseUrl = await sim.server.listen();
  const key = `or-token-${tokenPaths}`;
  const h = await startHarness({
    accounts: [account(key, baseUrl, overrides.tokenPath === undefined ? {} : { tokenPath: overrides.tokenPath })],
  });
  open = { sim, h };
  return { sim, h, key };
}

/** Reads the seeded JIRA integration through GraphQL. */
async function readJira(h: Harness, key: string): Promise<Record<string, unknown>> {
  return field(await h.gql(CONNECTION, { id: integrationId(key, OPSRAMP_SEED_IDS.jira) }), 'connection');
}

describe('the token path', () => {
  it('asks the documented /tenancy/auth/oauth/token first, and only it when it is served', async () => {
    const { sim, h, key } = await start('current');
    expect(await readJira(h, key)).toMatchObject({ __typename: 'OpsRampInstalledIntegration', installedId: OPSRAMP_SEED_IDS.jira });
    expect(calls(sim)).toEqual([CURRENT, JIRA]);
    sim.expireTokens();
    sim.server.clearRequests();
    await readJira(h, key);
    // Refused once, renewed on the same path, sent again: never the legacy path.
    expect(calls(sim)).toEqual([JIRA, CURRENT, JIRA]);
  });

  it('falls back once to /auth/oauth/token on a 404 and remembers it for the account', async () => {
    const { sim, h, key } = await start('legacy');
    expect(await readJira(h, key)).toMatchObject({ __typename: 'OpsRampInstalledIntegration' });
    expect(calls(sim)).toEqual([CURRENT, LEGACY, JIRA]);
    // A later renewal (another request, same account) goes straight to the path that worked.
    sim.expireTokens();
    sim.server.clearRequests();
    await readJira(h, key);
    expect(calls(sim)).toEqual([JIRA, LEGACY, JIRA]);
    sim.expireTokens();
    sim.server.clearRequests();
    const listed = field(await h.gql(CONNECTIONS, { filter: { accounts: [key] }, first: 100 }), 'connections');
    expect(listed['failures']).toEqual([]);
    expect(calls(sim).filter((c) => c === CURRENT)).toEqual([]);
    expect(calls(sim).filter((c) => c === LEGACY)).toHaveLength(1);
  });

  it('asks a configured tokenPath alone', async () => {
    const { sim, h, key } = await start('legacy', { tokenPath: OPSRAMP_LEGACY_TOKEN_PATH });
    expect(await readJira(h, key)).toMatchObject({ __typename: 'OpsRampInstalledIntegration' });
    expect(calls(sim)).toEqual([LEGACY, JIRA]);
  });

  it('does not fall back from a configured tokenPath: NotFoundError says to check it', async () => {
    const { sim, h, key } = await start('legacy', { tokenPath: OPSRAMP_TOKEN_PATH });
    const response = await h.gql(AVAILABLE, { account: key });
    const result = field(response, 'opsRampAvailableIntegrations');
    expect(result['__typename']).toBe('NotFoundError');
    expect(result['message']).toContain('check `tokenPath`');
    expect(result['message']).toContain(OPSRAMP_TOKEN_PATH);
    expect(calls(sim)).toEqual([CURRENT]);
    expect(response.raw).not.toContain(CLIENT_SECRET);
  });

  it('answers NotFoundError naming tokenPath when neither path issues tokens, without leaking the secret', async () => {
    const { sim, h, key } = await start('legacy');
    // The legacy path stops answering too: this instance serves neither.
    sim.server.addFault({ match: { method: 'POST', path: `^${OPSRAMP_LEGACY_TOKEN_PATH}$` }, response: { status: 404, body: { error: 'not_found', error_description: 'No such resource' } } });
    const listed = await h.gql(CONNECTIONS, { filter: { accounts: [key] }, first: 10 });
    const page = field(listed, 'connections');
    // The whole account fails in a listing, as a typed AccountFailure; nothing throws.
    expect(page['failures']).toMatchObject([{ account: { key }, error: { __typename: 'NotFoundError' } }]);
    const message = String((page['failures'] as { error: { message: string } }[])[0]?.error.message);
    expect(message).toContain('set `tokenPath`');
    expect(message).toContain(OPSRAMP_TOKEN_PATH);
    expect(message).toContain(OPSRAMP_LEGACY_TOKEN_PATH);
    expect(calls(sim)).toEqual([CURRENT, LEGACY]);
    // Nothing was remembered: the next request asks both again, once each.
    sim.server.clearRequests();
    const catalogue = await h.gql(AVAILABLE, { account: key });
    expect(field(catalogue, 'opsRampAvailableIntegrations')['__typename']).toBe('NotFoundError');
    expect(calls(sim)).toEqual([CURRENT, LEGACY]);
    for (const text of [listed.raw, catalogue.raw, h.logger.lines.join('\n')]) expect(text).not.toContain(CLIENT_SECRET);
  });
});

describe('the tokenPath setting', () => {
  const base = { vendor: 'opsramp', id: 'or', baseUrl: 'https://acme.api.opsramp.com', tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

  it('is optional and takes a path', () => {
    expect(opsRampAccountSchema.safeParse(base).success).toBe(true);
    expect(opsRampAccountSchema.parse({ ...base, tokenPath: '/tenancy/auth/oauth/token' }).tokenPath).toBe('/tenancy/auth/oauth/token');
  });

  it('refuses what is not a plain path', () => {
    for (const tokenPath of ['auth/oauth/token', '/auth/oauth/token?x=1', '/../auth/oauth/token', 'https://other.example/token', '/', '']) {
      expect(opsRampAccountSchema.safeParse({ ...base, tokenPath }).success, tokenPath).toBe(false);
    }
  });
});
