import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../../src/core/auth/api-keys.js';
import { authConfigProblem, authSchema } from '../../src/core/auth/config.js';
import { ConfigError } from '../../src/core/config/load.js';
import { parseConfigText } from '../../src/server/config.js';
import { DD_PROD, startAuthRig, type AuthRig } from './support.js';

const ISSUER = 'https://idp.patchbay.test/';
const AUDIENCE = 'patchbay';
const KEY = generateApiKey();
const HASHED_KEY = generateApiKey();
const ACCOUNTS = '{ accounts { key } }';

let rig: AuthRig;
let signing: { privateKey: CryptoKey; publicKey: CryptoKey };
let other: { privateKey: CryptoKey; publicKey: CryptoKey };

/** A JWT as an identity provider would issue it; `claims` overrides the defaults. */
async function token(options: { key?: CryptoKey; kid?: string; issuer?: string; audience?: string; expiresAt?: number; subject?: string; claims?: Record<string, unknown> } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'connections:read openid', ...options.claims })
    .setProtectedHeader({ alg: 'ES256', ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject(options.subject ?? 'alice')
    .setIssuedAt(now - 60)
    .setExpirationTime(options.expiresAt ?? now + 300)
    .sign(options.key ?? signing.privateKey);
}

beforeAll(async () => {
  rig = await startAuthRig();
  signing = await generateKeyPair('ES256', { extractable: true });
  other = await generateKeyPair('ES256', { extractable: true });
});
afterAll(async () => {
  await rig.close();
});

describe('API keys', () => {
  const auth = () => ({
    apiKeys: [
      { name: 'ci', key: KEY, scopes: ['connections:read'] },
      { name: 'hashed', keyHash: hashApiKey(HASHED_KEY), scopes: ['connections:read'] },
    ],
  });

  it('a request without credentials gets HTTP 401 with WWW-Authenticate: Bearer, not a GraphQL result', async () => {
    const gateway = rig.gateway(auth());
    rig.dd.server.clearRequests();
    const answer = await gateway.gql(ACCOUNTS);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="patchbay"');
    expect(answer.json).not.toHaveProperty('data');
    expect(answer.json).not.toHaveProperty('errors');
    expect(rig.dd.server.requests).toEqual([]);
  });

  it('a wrong key, a malformed header or another scheme gets 401 with error="invalid_token", and the key is never logged', async () => {
    const gateway = rig.gateway(auth());
    const wrong = `${KEY.slice(0, -1)}x`;
    for (const authorization of [`Bearer ${wrong}`, `Basic ${Buffer.from(`ci:${KEY}`).toString('base64')}`, 'Bearer', `Bearer ${KEY} extra`]) {
      const answer = await gateway.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: ACCOUNTS }) });
      expect(answer.status, authorization).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expect(gateway.logs.join('\n')).toContain('credentials not accepted');
    expect(gateway.logs.join('\n')).not.toContain(wrong);
    expect(gateway.logs.join('\n')).not.toContain(KEY);
  });

  it('a configured key and a key given by its sha256 hash both get in', async () => {
    const gateway = rig.gateway(auth());
    for (const key of [KEY, HASHED_KEY]) {
      const answer = await gateway.gql(ACCOUNTS, {}, key);
      expect(answer.status).toBe(200);
      expect(answer.json.data?.['accounts']).toContainEqual({ key: DD_PROD });
    }
    // The scheme is case-insensitive (RFC 7235).
    const lower = await gateway.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${KEY}` }, body: JSON.stringify({ query: ACCOUNTS }) });
    expect(lower.status).toBe(200);
  });

  it('/healthz and /readyz stay open', async () => {
    const gateway = rig.gateway(auth());
    expect((await gateway.request('/healthz')).status).toBe(200);
    expect((await gateway.request('/readyz')).status).toBe(200);
  });

  it('`mode: none` and a runtime without auth (demo, tests) are open, and the caller is anonymous', async () => {
    for (const gateway of [rig.gateway({ mode: 'none', apiKeys: [{ name: 'ignored', key: KEY, scopes: ['connections:read'] }] }), rig.gateway()]) {
      const answer = await gateway.gql(ACCOUNTS);
      expect(answer.status).toBe(200);
      expect(answer.json.data?.['accounts']).toHaveLength(3);
      const audit = await gateway.gql('{ auditLog(first: 1) { __typename } }');
      expect(audit.json.data?.['auditLog']).toEqual({ __typename: 'AuditLogPage' });
    }
  });
});

describe('JWT bearer tokens', () => {
  const withKeys = async () => ({ jwt: { issuer: ISSUER, audience: AUDIENCE, publicKeys: [await exportSPKI(signing.publicKey)] } });

  it('a good token gets in as jwt:<sub>; wrong issuer, wrong audience, expired or foreign-signed tokens get 401', async () => {
    const gateway = rig.gateway(await withKeys());
    const good = await gateway.gql(ACCOUNTS, {}, await token());
    expect(good.status).toBe(200);
    expect(good.json.data?.['accounts']).toHaveLength(3);

    const cases = {
      'wrong issuer': await token({ issuer: 'https://evil.example/' }),
      'wrong audience': await token({ audience: 'someone-else' }),
      expired: await token({ expiresAt: Math.floor(Date.now() / 1000) - 3600 }),
      'signed by another key': await token({ key: other.privateKey }),
      'no sub': await new SignJWT({ scope: 'admin' }).setProtectedHeader({ alg: 'ES256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(signing.privateKey),
    };
    for (const [name, jwt] of Object.entries(cases)) {
      const answer = await gateway.gql(ACCOUNTS, {}, jwt);
      expect(answer.status, name).toBe(401);
      expect(answer.headers.get('www-authenticate'), name).toContain('error="invalid_token"');
    }
    expect((await gateway.gql(ACCOUNTS, {}, cases.expired)).headers.get('www-authenticate')).toContain('expired');
    expect(gateway.logs.join('\n')).not.toContain(cases.expired);
  });

  it('a token that claims no scope Patchbay knows gets in with no rights: it sees no account', async () => {
    const gateway = rig.gateway(await withKeys());
    const answer = await gateway.gql(ACCOUNTS, {}, await token({ claims: { scope: 'openid profile' } }));
    expect(answer.status).toBe(200);
    expect(answer.json.data?.['accounts']).toEqual([]);
  });

  describe('with a JWKS served on 127.0.0.1', () => {
    let server: Server;
    let jwksUrl: string;
    let jwk: JWK;
    let fetches = 0;
    beforeAll(async () => {
      jwk = { ...(await exportJWK(signing.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
      server = createServer((_request, response) => {
        fetches++;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...(jwk as Record<string, unknown>) }] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('verifies by kid against the fetched key set, fetching it once', async () => {
      const gateway = rig.gateway({ jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl } });
      fetches = 0;
      for (let i = 0; i < 3; i++) expect((await gateway.gql(ACCOUNTS, {}, await token({ kid: 'key-1' }))).status).toBe(200);
      expect(fetches).toBe(1);
      expect((await gateway.gql(ACCOUNTS, {}, await token({ kid: 'key-1', key: other.privateKey }))).status).toBe(401);
    });

    it('answers 503 (not 401) when the key set cannot be fetched', async () => {
      const gateway = rig.gateway({ jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://127.0.0.1:9/jwks.json' } });
      const answer = await gateway.gql(ACCOUNTS, {}, await token());
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('30');
    });
  });
});

describe('the auth config section', () => {
  const yaml = (auth: string) => `accounts: []\n${auth}`;
  const issues = (text: string): string[] => {
    try {
      parseConfigText(text, 'yaml', { CI_KEY: KEY });
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
      throw error;
    }
    return [];
  };

  it('defaults to mode: required, which start-up refuses without keys or JWT', () => {
    const config = parseConfigText(yaml(''), 'yaml', {});
    expect(config.auth).toMatchObject({ mode: 'required', apiKeys: [] });
    expect(authConfigProblem(config.auth)).toContain('mode: none');
    expect(authConfigProblem(parseConfigText(yaml('auth:\n  mode: none\n'), 'yaml', {}).auth)).toBeNull();
  });

  it('reads keys from the environment and refuses bad entries without quoting them', () => {
    const config = parseConfigText(yaml('auth:\n  apiKeys:\n    - name: ci\n      key: ${CI_KEY}\n      scopes: [connections:read, connections:write]\n      accounts: ["dd-*", chrono]\n'), 'yaml', {
      CI_KEY: KEY,
    });
    expect(config.auth.apiKeys).toEqual([{ name: 'ci', key: KEY, scopes: ['connections:read', 'connections:write'], accounts: ['dd-*', 'chrono'] }]);
    const bad = issues(
      yaml(
        [
          'auth:',
          '  apiKeys:',
          '    - { name: a, key: short-key-1, scopes: [connections:read] }',
          `    - { name: b, key: "${KEY}", keyHash: "${hashApiKey(KEY)}", scopes: [connections:read] }`,
          '    - { name: c, keyHash: "sha256:nothex", scopes: [connections:delete] }',
          `    - { name: a, key: "${HASHED_KEY}", scopes: [admin] }`,
          '  jwt: { issuer: x, audience: y, jwksUrl: "http://idp.example.com/jwks" }',
          '',
        ].join('\n'),
      ),
    );
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^auth\.apiKeys\[0\]\.key: must be at least 24 characters/),
        'auth.apiKeys[1]: set exactly one of key and keyHash',
        expect.stringMatching(/^auth\.apiKeys\[2\]\.keyHash: must be "sha256:"/),
        expect.stringMatching(/^auth\.apiKeys\[2\]\.scopes\[0\]: must be one of connections:read, connections:write, secrets:rotate, audit:read, admin/),
        'auth.apiKeys[3].name: duplicate key name (already used by apiKeys[0])',
        'auth.jwt.jwksUrl: must be an absolute https URL (http only to a loopback host)',
      ]),
    );
    expect(bad.join('\n')).not.toContain('short-key-1');
    expect(bad.join('\n')).not.toContain(KEY);
  });

  it('parses public keys as PEM or JWK, and refuses a private JWK', async () => {
    const pem = await exportSPKI(signing.publicKey);
    const jwk = await exportJWK(signing.publicKey);
    expect(authSchema.safeParse({ jwt: { issuer: ISSUER, audience: AUDIENCE, publicKeys: [pem, jwk] } }).success).toBe(true);
    // The JWK form verifies tokens too.
    const gateway = rig.gateway({ jwt: { issuer: ISSUER, audience: AUDIENCE, publicKeys: [jwk] } });
    expect((await gateway.gql(ACCOUNTS, {}, await token())).status).toBe(200);
    const privateJwk = await exportJWK(signing.privateKey);
    expect(authSchema.safeParse({ jwt: { issuer: ISSUER, audience: AUDIENCE, publicKeys: [privateJwk] } }).success).toBe(false);
  });
});

describe('patchbay keys generate', () => {
  it('prints a new key and its sha256 hash, and the hash admits the key', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', 'keys', 'generate', '--name', 'deploy'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const key = /^key: +(\S+)$/m.exec(run.stdout)?.[1] ?? '';
    const hash = /^keyHash: +(\S+)$/m.exec(run.stdout)?.[1] ?? '';
    expect(key).toMatch(/^pbk_[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashApiKey(key));
    expect(run.stdout).toContain('- name: deploy');
    expect(generateApiKey()).not.toBe(generateApiKey());
  });
});
