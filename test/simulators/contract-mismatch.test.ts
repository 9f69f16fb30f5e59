import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { CONTRACT_INTEGRATIONS } from '../../src/simulators/datadog/contract.js';
import { DATADOG_SEED_CONNECTION_IDS } from '../../src/simulators/datadog/seed.js';
import { createDatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { DigestServer, parseCredentials, responseHash } from '../../src/simulators/mongodb/digest.js';
import { MONGODB_DEMO_GROUP_IDS } from '../../src/simulators/mongodb/seed.js';
import { createMongoDbSimulator, MONGODB_API_BASE_PATH } from '../../src/simulators/mongodb/simulator.js';

/**
 * The simulators carry their own reading of each vendor contract, so a client that misreads the
 * vendor (a wrong Digest hash, a field the vendor does not have) is refused instead of agreed with.
 * Hashes here are computed by the test itself, from the RFCs' formulas.
 */

const REALM = 'MMS Public API';
const PUBLIC_KEY = 'mismatch-public-key';
const PRIVATE_KEY = 'mismatch-private-key-77d1';

function hex(algorithm: 'md5' | 'sha256', text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

interface Answer {
  readonly username?: string;
  readonly password?: string;
  readonly method?: string;
  readonly hashMethod?: string;
  readonly uri?: string;
  readonly algorithm?: string;
  readonly hash?: 'md5' | 'sha256';
  readonly nc?: string;
  readonly extra?: string;
}

/** An `Authorization: Digest` header for `nonce`, each part overridable to play a wrong client. */
function answer(nonce: string, parts: Answer = {}): string {
  const username = parts.username ?? PUBLIC_KEY;
  const uri = parts.uri ?? '/api/public/v1.0/groups/x/integrations';
  const nc = parts.nc ?? '00000001';
  const cnonce = '0a4f113b';
  const hash = parts.hash ?? 'md5';
  const ha1 = hex(hash, `${username}:${REALM}:${parts.password ?? PRIVATE_KEY}`);
  const ha2 = hex(hash, `${parts.hashMethod ?? parts.method ?? 'GET'}:${uri}`);
  const response = hex(hash, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const algorithm = parts.algorithm === undefined ? '' : `, algorithm=${parts.algorithm}`;
  return `Digest username="${username}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"${algorithm}${parts.extra ?? ''}`;
}

describe("Cloud Manager's Digest, as the simulator verifies it", () => {
  let clock = 5_000_000;
  const server = new DigestServer({ realm: REALM, algorithms: ['MD5'], nonceTtlMs: 60_000, now: () => clock, credentials: { username: PUBLIC_KEY, password: PRIVATE_KEY } });
  const nonceOf = (challenge: string): string => parseCredentials(challenge)?.params.get('nonce') ?? '';
  const judge = (authorization: string, method = 'GET', path = '/api/public/v1.0/groups/x/integrations') => server.verify({ method, path, query: new URLSearchParams(), authorization }).outcome;

  it('computes the response of RFC 2617 §3.5 and RFC 7616 §3.9.1 (MD5)', () => {
    const rfc2617 = {
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      nc: '00000001',
      cnonce: '0a4f113b',
      qop: 'auth',
    } as const;
    expect(responseHash('MD5', rfc2617)).toBe('6629fae49393a05397450978507c4ef1');
    const rfc7616 = {
      ...rfc2617,
      realm: 'http-auth@example.org',
      password: 'Circle of Life',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(responseHash('MD5', rfc7616)).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('challenges with realm, a fresh nonce, MD5 and qop="auth"', () => {
    const first = server.challenge(false);
    expect(first).toMatch(/^Digest realm="MMS Public API", domain="", nonce="[^"]+", algorithm=MD5, qop="auth", stale=false$/);
    expect(nonceOf(server.challenge(false))).not.toBe(nonceOf(first));
    expect(judge('')).toBe('challenged');
  });

  it('accepts a correct answer and refuses the same nonce count twice', () => {
    const nonce = nonceOf(server.challenge(false));
    expect(judge(answer(nonce))).toBe('accepted');
    expect(judge(answer(nonce))).toBe('refused');
    expect(judge(answer(nonce, { nc: '00000002' }))).toBe('accepted');
  });

  it.each<[string, Answer]>([
    ['the keys swapped (private key as the username)', { username: PRIVATE_KEY, password: PUBLIC_KEY }],
    ['a SHA-256 hash sent as MD5', { hash: 'sha256' }],
    ['SHA-256, which Cloud Manager does not offer', { hash: 'sha256', algorithm: 'SHA-256' }],
    ['the hash of another method than the request', { hashMethod: 'PUT' }],
    ['a parameter given twice', { extra: ', nc=00000009' }],
  ])('refuses %s', (_label, parts) => {
    const nonce = nonceOf(server.challenge(false));
    expect(judge(answer(nonce, parts))).toBe('refused');
  });

  it('answers stale for the right keys on an expired nonce', () => {
    const nonce = nonceOf(server.challenge(false));
    clock += 60_001;
    expect(judge(answer(nonce))).toBe('stale');
    expect(judge(answer(nonce, { password: 'wrong' }))).toBe('refused');
  });
});

describe('the Cloud Manager simulator refuses what only Atlas has', () => {
  const sim = createMongoDbSimulator({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
  const group = MONGODB_DEMO_GROUP_IDS.searchProd;
  const path = `${MONGODB_API_BASE_PATH}/groups/${group}/integrations/PAGER_DUTY`;
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  async function put(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const challenge = await fetch(`${sim.server.baseUrl}${path}`, { method: 'PUT' });
    const nonce = parseCredentials(challenge.headers.get('www-authenticate') ?? '')?.params.get('nonce') ?? '';
    const reply = await fetch(`${sim.server.baseUrl}${path}`, {
      method: 'PUT',
      headers: { authorization: answer(nonce, { method: 'PUT', uri: path }), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: reply.status, json: (await reply.json()) as Record<string, unknown> };
  }

  it('accepts a PagerDuty key and refuses the Atlas-only `region`', async () => {
    expect((await put({ type: 'PAGER_DUTY', serviceKey: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' })).status).toBe(200);
    const refused = await put({ type: 'PAGER_DUTY', serviceKey: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', region: 'EU' });
    expect(refused).toMatchObject({ status: 400, json: { errorCode: 'INVALID_ATTRIBUTE', parameters: ['region'] } });
  });
});

describe('the Datadog simulator refuses credential fields its contract does not have', () => {
  const sim = createDatadogSimulator();
  const call = async (method: string, path: string, body: unknown): Promise<{ status: number; text: string }> => {
    const reply = await fetch(`${sim.server.baseUrl}${path}`, {
      method,
      headers: { 'DD-API-KEY': 'k', 'DD-APPLICATION-KEY': 'a', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: reply.status, text: await reply.text() };
  };
  const create = (integration: unknown) => call('POST', '/api/v2/actions/connections', { data: { type: 'action_connection', attributes: { name: 'x', integration } } });
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('has the 24 integration types and 25 credential variants of the contract', () => {
    expect(CONTRACT_INTEGRATIONS).toHaveLength(24);
    expect(CONTRACT_INTEGRATIONS.flatMap((integration) => integration.credentials)).toHaveLength(25);
  });

  it('refuses OpenAI credentials under the wrong field name', async () => {
    const misnamed = await create({ type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_key: 'sk-made-up' } });
    expect(misnamed.status).toBe(400);
    expect(misnamed.text).toContain('unknown field \\"data.attributes.integration.credentials.api_key\\"');
    expect((await create({ type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: 'sk-made-up' } })).status).toBe(201);
  });

  it('refuses a field of the other Cloudflare variant', async () => {
    const mixed = await create({ type: 'Cloudflare', credentials: { type: 'CloudflareAPIToken', api_token: 't', auth_email: 'ops@example.com' } });
    expect(mixed.status).toBe(400);
    expect(mixed.text).toContain('credentials.auth_email');
  });

  it('accepts `generate_new_external_id` on an AWS update only', async () => {
    const aws = { type: 'AWS', credentials: { type: 'AWSAssumeRole', account_id: '123456789012', role: 'R', generate_new_external_id: true } };
    expect((await create(aws)).status).toBe(400);
    const patch = { data: { type: 'action_connection', attributes: { integration: aws } } };
    expect((await call('PATCH', `/api/v2/actions/connections/${DATADOG_SEED_CONNECTION_IDS.awsProduction}`, patch)).status).toBe(200);
  });
});

describe('the Chronosphere simulator refuses fields its contract does not have', () => {
  const sim = createChronosphereSimulator();
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('refuses a PagerDuty routing key under a name the swagger does not have', async () => {
    const reply = await fetch(`${sim.server.baseUrl}/api/v1/config/external-connections`, {
      method: 'POST',
      headers: { 'API-Token': 't', 'content-type': 'application/json' },
      body: JSON.stringify({ external_connection: { name: 'PD', pagerduty: { events: { routing_key: 'r' } } } }),
    });
    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({ code: 3, message: 'proto: unknown field "external_connection.pagerduty.events.routing_key"' });
  });
});
