import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RecentSecrets } from '../../src/core/http/recent-secrets.js';
import { cleanRequestId, cleanVendorText } from '../../src/core/http/sanitize.js';
import { buildInstallBody } from '../../src/vendors/opsramp/input.js';
import { API_PATHS, CREATE, GET, connectionGid, field, startDatadogEnv, type DatadogEnv } from '../datadog/support.js';
import { startHarness } from '../support/harness.js';

/*
 * Issue 9, point 5: nothing a vendor says carries a secret back out, in any form the vendor may
 * give it: raw, JSON- or HTML-escaped, URL-encoded, with its spacing changed, cut by a clip, from
 * an earlier request, or as a "request id". And the GraphQL layer quotes nothing a caller sent.
 */

/** A secret with characters that every encoding writes differently. */
function canary(label: string): string {
  return `Cx/${label}+${randomBytes(6).toString('hex')}=Qz`;
}

/** Every run of `length` characters of `value` (a leak need not be whole to be recognised). */
function windows(value: string, length = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + length <= value.length; i++) out.push(value.slice(i, i + length));
  return out;
}

/** Fails when `text` holds any 8-character run of any of `forms`. */
function expectNoTrace(text: string, ...forms: string[]): void {
  for (const form of forms) for (const piece of windows(form)) expect(text, `leaked "${piece}"`).not.toContain(piece);
}

const jsonU = (value: string) => [...value].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const everyPercent = (value: string) => [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
const html = (value: string) => value.replace(/\//g, '&#x2F;').replace(/\+/g, '&#43;').replace(/=/g, '&#61;');
const wrapped = (value: string) => value.replace(/(.{5})/g, '$1\n  ');

/** The forms a vendor has been seen to echo a value in (issue 9), as they stand in its message text. */
const FORMS: readonly (readonly [string, (secret: string) => string])[] = [
  ['raw', (s) => s],
  ['JSON \\u-escaped', jsonU],
  ['JSON \\/-escaped', (s) => s.replace(/\//g, '\\/')],
  ['URL-encoded', encodeURIComponent],
  ['URL-encoded byte by byte', everyPercent],
  ['URL-encoded twice', (s) => encodeURIComponent(encodeURIComponent(s))],
  ['HTML character references', html],
  ['wrapped over lines', wrapped],
  ['with its spacing removed', (s) => s.replace(/\s+/g, '')],
];

describe('cleanVendorText: every form of a secret goes', () => {
  const secret = canary('unit');

  it.each(FORMS)('%s', (_label, form) => {
    const out = cleanVendorText(`token "${form(secret)}" is not valid`, [secret]) ?? '';
    expect(out).toContain('[redacted]');
    expectNoTrace(out, secret, form(secret));
  });

  it('a secret whose spacing the vendor collapsed', () => {
    const spaced = `Ab3 \t\n Zq9-${randomBytes(6).toString('hex')}`;
    const out = cleanVendorText(`key ${spaced.replace(/\s+/g, ' ')} refused`, [spaced]) ?? '';
    expectNoTrace(out, spaced.replace(/\s+/g, ' '));
  });

  it('split at our clip: scrubbed before the text is cut, so no prefix is left', () => {
    for (let at = 180; at <= 200; at++) {
      const out = cleanVendorText(`${'x'.repeat(at)}${secret} tail`, [secret]) ?? '';
      expect(out.length).toBeLessThanOrEqual(200);
      expectNoTrace(out, secret);
    }
  });

  it('cut short by the vendor: a piece of 8 or more characters at the end, or before an ellipsis, goes too', () => {
    for (const length of [8, 12, secret.length - 1]) {
      expectNoTrace(cleanVendorText(`invalid token ${secret.slice(0, length)}`, [secret]) ?? '', secret.slice(0, length));
      expectNoTrace(cleanVendorText(`invalid token ${secret.slice(0, length)}... (truncated)`, [secret]) ?? '', secret.slice(0, length));
      expectNoTrace(cleanVendorText(`…${secret.slice(-length)} is invalid`, [secret]) ?? '', secret.slice(-length));
    }
  });

  it('leaves text without secrets alone, and looks at no more than it must', () => {
    expect(cleanVendorText('name must be unique (see https://docs.example/a%20b)', [secret])).toBe('name must be unique (see https://docs.example/a%20b)');
    const started = performance.now();
    cleanVendorText(
      `${'...'.repeat(50_000)}${'%41'.repeat(50_000)}`,
      Array.from({ length: 64 }, (_, i) => `${secret}-${i}`),
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a request id is kept only when it is a plain id that carries no secret', () => {
    expect(cleanRequestId('req-7f3a91', [secret])).toBe('req-7f3a91');
    expect(cleanRequestId('abc123apikey456', ['abc123apikey456'])).toBeNull();
    expect(cleanRequestId(`req-${'abc123apikey456'.slice(0, 10)}`, ['abc123apikey456'])).toBeNull();
    expect(cleanRequestId('has spaces', [])).toBeNull();
    expect(cleanRequestId('x'.repeat(129), [])).toBeNull();
  });
});

describe('the memory of recently sent secrets', () => {
  it('is bounded by count and by age, the oldest going first', () => {
    let now = 0;
    const recent = new RecentSecrets({ now: () => now, sleep: async () => {} }, { maxEntries: 3, ttlMs: 1_000 });
    recent.remember(['a-secret-1', 'a-secret-2', 'a-secret-3']);
    recent.remember(['a-secret-1', 'a-secret-4']);
    expect(recent.values()).toEqual(['a-secret-3', 'a-secret-1', 'a-secret-4']);
    now = 1_500;
    recent.remember(['a-secret-5']);
    expect(recent.values()).toEqual(['a-secret-5']);
  });
});

describe('OpsRamp: the values inside a JWT login payload are request secrets', () => {
  it('each inner value, not only the payload text as given', () => {
    const inner = canary('payload');
    const { built } = buildInstallBody({
      integrationId: 'CUSTOM',
      displayName: 'SMAX',
      category: 'Collaboration',
      outboundConfig: {
        baseNotifier: {
          type: 'REST_API',
          baseUri: 'https://smax.example.com',
          authType: 'JWT',
          tokenUrl: 'https://smax.example.com/login',
          tokenPayload: JSON.stringify({ login: 'svc', nested: { secret: inner } }),
        },
      },
    });
    expect(built.sensitive).toContain(inner);
    // OpsRamp re-serialises the payload, so it quotes the value without the JSON around it.
    expectNoTrace(cleanVendorText(`tokenPayload.nested.secret ${inner} rejected by the login endpoint`, built.sensitive) ?? '', inner);
  });
});

describe('through the gateway: a Datadog error never carries a secret back', () => {
  const ACCOUNT = 'dd-echo9';
  const API_KEY = `ddapikey${randomBytes(10).toString('hex')}`;
  let env: DatadogEnv;

  beforeAll(async () => {
    env = await startDatadogEnv({ accounts: [ACCOUNT], keys: { apiKey: API_KEY, appKey: `ddappkey${randomBytes(10).toString('hex')}` } });
  });
  afterAll(async () => {
    await env.close();
  });

  const create = (token: string) => env.gql(CREATE, { input: { account: ACCOUNT, name: `echo-${randomBytes(4).toString('hex')}`, integration: { openAi: { apiToken: token } } } });

  /** The next create is refused with a Datadog error body whose detail is `detail`. */
  const refuseNextCreate = (status: number, detail: string, headers: Record<string, string> = {}) =>
    env.sim.server.addFault({ match: { method: 'POST', path: API_PATHS.connections }, times: 1, response: { status, headers, body: { errors: [{ title: 'Bad Request', detail }] } } });

  it.each(FORMS)('a 400 that quotes the request secret %s', async (_label, form) => {
    const token = canary('req');
    refuseNextCreate(400, `error: invalid api_token "${form(token)}"`);
    const result = await create(token);
    expect(field(result)['__typename']).toBe('VendorValidationError');
    expectNoTrace(result.raw, token, form(token));
  });

  it('a message that the clip would cut in the middle of the secret', async () => {
    const token = canary('clip');
    refuseNextCreate(400, `${'p'.repeat(190)}${token}`);
    const result = await create(token);
    expect(String(field(result)['message']).length).toBeLessThanOrEqual(240);
    expectNoTrace(result.raw, token);
  });

  it('a secret from an earlier request, quoted in a later 409', async () => {
    const first = canary('earlier');
    expect(field(await create(first))['__typename']).toBe('DatadogActionConnectionPayload');
    refuseNextCreate(409, `conflict: a connection with api_token ${jsonU(first)} already exists`);
    const result = await create(canary('later'));
    expect(field(result)['__typename']).toBe('ConflictError');
    expectNoTrace(result.raw, first, jsonU(first));
  });

  it("a request-id header carrying the account's API key, or anything but a plain id, is dropped", async () => {
    const id = connectionGid(ACCOUNT, '0b6f3c1e-5a2d-4e8f-9c71-3d4a5b6c7e80');
    for (const requestId of [API_KEY, `trace ${API_KEY}`, `req-${API_KEY.slice(0, 12)}`]) {
      env.sim.server.addFault({ match: { method: 'GET' }, times: 1, response: { status: 409, headers: { 'x-request-id': requestId }, body: { errors: ['Conflict'] } } });
      const result = await env.gql(GET, { id });
      expect(field(result)).toMatchObject({ __typename: 'ConflictError', vendorRequestId: null });
      expectNoTrace(result.raw, API_KEY);
    }
    env.sim.server.addFault({ match: { method: 'GET' }, times: 1, response: { status: 409, headers: { 'x-request-id': 'req-7f3a91' }, body: { errors: ['Conflict'] } } });
    expect(field(await env.gql(GET, { id }))).toMatchObject({ vendorRequestId: 'req-7f3a91' });
  });

  it('nothing was logged with a secret either', () => {
    expectNoTrace(env.h.logger.lines.join('\n'), API_KEY);
  });
});

describe('URLs that can carry a token are shown as hints', () => {
  it("an account's base URL with a token in its path", async () => {
    const token = `tenant-token-${randomBytes(8).toString('hex')}`;
    const h = await startHarness({ accounts: [{ id: 'dd-hint9', vendor: 'datadog', baseUrl: `https://api.example.com/t/${token}`, apiKey: 'k-hint', appKey: 'a-hint' }] });
    try {
      const result = await h.gql('{ accounts { key baseUrl } }');
      expect(result.data?.['accounts']).toEqual([{ key: 'dd-hint9', baseUrl: 'https://api.example.com/…' }]);
      expectNoTrace(result.raw, token);
    } finally {
      await h.close();
    }
  });
});

describe('the GraphQL layer quotes nothing a caller sent', () => {
  const SECRET = `caller-${randomBytes(8).toString('hex')}`;
  let env: DatadogEnv;

  beforeAll(async () => {
    env = await startDatadogEnv({ accounts: ['dd-quote9'] });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await env.close();
  });

  async function postRaw(body: string): Promise<{ text: string }> {
    const response = await env.h.runtime.yoga.fetch('http://patchbay.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    return { text: await response.text() };
  }

  it.each(['production', 'development'])('a request body that is not JSON, with NODE_ENV=%s', async (mode) => {
    vi.stubEnv('NODE_ENV', mode);
    const answer = await postRaw(`{"query": "{ accounts { key } }", "variables": {"token": ${SECRET}}}`);
    expect(answer.text).toContain('invalid JSON');
    expect(answer.text).not.toContain('originalError');
    expectNoTrace(answer.text, SECRET);
  });

  it('an enum value sent in a variable or inline', async () => {
    const variable = await env.gql('query($v: [Vendor!]) { connections(filter: { vendors: $v }) { totalCount } }', { v: [SECRET] });
    expect(variable.errors?.[0]?.message).toContain('does not exist in "Vendor" enum');
    expectNoTrace(variable.raw, SECRET);
    const inline = await env.gql(`{ connections(filter: { vendors: [X${SECRET.replace(/-/g, '_')}] }) { totalCount } }`);
    expect(inline.errors).toBeDefined();
    expectNoTrace(inline.raw, SECRET.replace(/-/g, '_'));
  });
});
