import { describe, expect, it } from 'vitest';
import type { AuthRequest } from '../../src/core/http/vendor-http.js';
import { MongoDbDigestAuth, digestResponse, parseAuthHeader, pickChallenge } from '../../src/vendors/mongodb/digest.js';

const CHALLENGE = 'Digest realm="MMS Public API", domain="", nonce="n0nce+/A==", algorithm=MD5, qop="auth", stale=false';

function refusal(header: string | string[]) {
  return { status: 401, headers: { 'www-authenticate': header } };
}

function paramsOf(authorization: string | undefined): Record<string, string> {
  const parsed = parseAuthHeader(authorization ?? '')[0];
  expect(parsed?.scheme).toBe('Digest');
  return { ...parsed?.params };
}

describe('digestResponse', () => {
  it('matches the RFC 2617 §3.5 example (MD5, qop=auth)', () => {
    expect(
      digestResponse({
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('matches the RFC 7616 §3.9.1 examples (MD5 and SHA-256)', () => {
    const input = {
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(digestResponse({ ...input, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse({ ...input, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });
});

describe('parseAuthHeader / pickChallenge', () => {
  it('reads quoted, escaped and bare parameters and several challenges in one header', () => {
    const parsed = parseAuthHeader('Basic realm="x", Digest realm="a \\"b\\"", nonce=abc, qop="auth,auth-int", algorithm=MD5');
    expect(parsed.map((c) => c.scheme)).toEqual(['Basic', 'Digest']);
    expect(parsed[1]?.params).toEqual({ realm: 'a "b"', nonce: 'abc', qop: 'auth,auth-int', algorithm: 'MD5' });
  });

  it("picks Cloud Manager's challenge and skips ones it cannot answer", () => {
    expect(pickChallenge(CHALLENGE)).toEqual({ realm: 'MMS Public API', nonce: 'n0nce+/A==', opaque: undefined, algorithm: 'MD5', qop: 'auth', stale: false });
    expect(pickChallenge(['Digest realm="r", nonce="1", qop="auth-int"', 'Digest realm="r", nonce="2", algorithm=SHA-512-256'])).toBeNull();
    expect(pickChallenge('Bearer realm="x"')).toBeNull();
    expect(pickChallenge(undefined)).toBeNull();
  });
});

describe('MongoDbDigestAuth', () => {
  const request = (pathAndQuery: string, method: AuthRequest['method'] = 'GET'): AuthRequest => ({ method, pathAndQuery });

  it('sends no credentials until challenged, then answers with qop=auth, nc=00000001 and the request URI', () => {
    let n = 0;
    const auth = new MongoDbDigestAuth('pub-key', 'priv-key', { cnonce: () => `cn${++n}` });
    const first = request('/api/public/v1.0/groups/abc/integrations?pageNum=1&itemsPerPage=100');
    expect(auth.headers(first)).toEqual({});
    expect(auth.onRefused(refusal(CHALLENGE), first)).toBe(true);
    const retry = request(first.pathAndQuery);
    const params = paramsOf(auth.headers(retry)['authorization']);
    expect(params).toEqual({
      username: 'pub-key',
      realm: 'MMS Public API',
      nonce: 'n0nce+/A==',
      uri: first.pathAndQuery,
      algorithm: 'MD5',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'cn1',
      response: digestResponse({
        username: 'pub-key',
        realm: 'MMS Public API',
        password: 'priv-key',
        method: 'GET',
        uri: first.pathAndQuery,
        nonce: 'n0nce+/A==',
        qop: 'auth',
        nc: '00000001',
        cnonce: 'cn1',
      }),
    });
    expect(JSON.stringify(params)).not.toContain('priv-key');
  });

  it('reuses the nonce with an incrementing nc and a fresh cnonce', () => {
    const auth = new MongoDbDigestAuth('pub', 'priv');
    auth.onRefused(refusal(CHALLENGE), request('/x'));
    const a = paramsOf(auth.headers(request('/a', 'POST'))['authorization']);
    const b = paramsOf(auth.headers(request('/b', 'DELETE'))['authorization']);
    expect([a['nc'], b['nc']]).toEqual(['00000001', '00000002']);
    expect(a['nonce']).toBe(b['nonce']);
    expect(a['cnonce']).not.toBe(b['cnonce']);
    expect(a['cnonce']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers again on stale=true, restarting nc at 1 with the new nonce', () => {
    const auth = new MongoDbDigestAuth('pub', 'priv');
    auth.onRefused(refusal(CHALLENGE), request('/x'));
    auth.headers(request('/a'));
    const sent = request('/b');
    auth.headers(sent);
    const stale = 'Digest realm="MMS Public API", domain="", nonce="fresh", algorithm=MD5, qop="auth", stale=true';
    expect(auth.onRefused(refusal(stale), sent)).toBe(true);
    const params = paramsOf(auth.headers(request('/b'))['authorization']);
    expect([params['nonce'], params['nc']]).toEqual(['fresh', '00000001']);
  });

  it('answers again when the server sends a different nonce, but not when it refuses the nonce just used', () => {
    const auth = new MongoDbDigestAuth('pub', 'priv');
    auth.onRefused(refusal(CHALLENGE), request('/x'));
    const sent = request('/a');
    auth.headers(sent);
    // Same nonce, not stale: the keys are wrong; resending cannot help.
    expect(auth.onRefused(refusal(CHALLENGE), sent)).toBe(false);
    const again = request('/a');
    auth.headers(again);
    expect(auth.onRefused(refusal(CHALLENGE.replace('n0nce+/A==', 'other')), again)).toBe(true);
  });

  it('does not resend on a 401 without a usable Digest challenge, nor on a 407', () => {
    const auth = new MongoDbDigestAuth('pub', 'priv');
    expect(auth.onRefused({ status: 401, headers: {} }, request('/a'))).toBe(false);
    expect(auth.onRefused(refusal('Digest realm="r", nonce="n", qop="auth-int"'), request('/a'))).toBe(false);
    expect(auth.onRefused({ status: 407, headers: { 'www-authenticate': CHALLENGE } }, request('/a'))).toBe(false);
  });

  it('quotes the public key safely and refuses one with control characters without echoing it', () => {
    const auth = new MongoDbDigestAuth('we"ird\\key', 'priv');
    auth.onRefused(refusal(CHALLENGE), request('/x'));
    expect(paramsOf(auth.headers(request('/a'))['authorization'])['username']).toBe('we"ird\\key');
    const bad = new MongoDbDigestAuth('bad\r\nkey', 'priv');
    bad.onRefused(refusal(CHALLENGE), request('/x'));
    expect(() => bad.headers(request('/a'))).toThrowError(/control characters/);
    expect(() => bad.headers(request('/a'))).not.toThrowError(/bad/);
  });
});
