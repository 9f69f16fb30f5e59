import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DigestAlgorithm } from './contract.js';

/*
 * The server side of HTTP Digest access authentication (RFC 7616, which RFC 2617 clients also
 * speak), as Cloud Manager runs it: a challenge with realm, nonce and `qop="auth"`, then each answer
 * checked against the key pair, the nonce's age and the nonce count. Written for the simulator on
 * its own, so a client whose Digest code is wrong is refused rather than agreed with.
 */

/** How one request's Digest credentials were judged. */
export type DigestOutcome = 'challenged' | 'refused' | 'stale' | 'accepted';

/** The Digest parameters a request showed that tests may look at: never the response hash. */
export interface DigestSeen {
  readonly nonce?: string;
  readonly nc?: string;
  readonly cnonce?: string;
}

/** The verdict on one request; the username only when accepted. */
export type DigestVerdict =
  | { readonly outcome: 'accepted'; readonly username: string; readonly seen: DigestSeen }
  | { readonly outcome: 'challenged' | 'refused' | 'stale'; readonly seen: DigestSeen };

/** What the server needs to judge a request's `Authorization` header. */
export interface DigestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string;
}

/** Options of {@link DigestServer}. */
export interface DigestServerOptions {
  readonly realm: string;
  readonly algorithms: readonly DigestAlgorithm[];
  /** How long a nonce stays fresh; an answer to an older one is `stale`. */
  readonly nonceTtlMs: number;
  readonly now: () => number;
  /** The one key pair accepted (username = public key, password = private key); absent: any username, hash unchecked. */
  readonly credentials?: { readonly username: string; readonly password: string };
}

const HASHES: Readonly<Record<DigestAlgorithm, { readonly hash: string; readonly hexLength: number }>> = {
  MD5: { hash: 'md5', hexLength: 32 },
};

interface NonceState {
  readonly issuedAt: number;
  expired: boolean;
  /** Nonce counts already answered with this nonce: a second use is a replay. */
  readonly usedNc: Set<string>;
}

/** Issues Digest challenges and judges the answers; nonces live in memory. */
export class DigestServer {
  private readonly nonces = new Map<string, NonceState>();

  constructor(private readonly options: DigestServerOptions) {}

  /** A `WWW-Authenticate` value with a fresh nonce; `stale` tells the client to answer again with it. */
  challenge(stale: boolean): string {
    const algorithm = this.options.algorithms[0] ?? 'MD5';
    return `Digest realm="${this.options.realm}", domain="", nonce="${this.issueNonce()}", algorithm=${algorithm}, qop="auth", stale=${stale ? 'true' : 'false'}`;
  }

  /** Judges a request's credentials (RFC 7616 §3.4 and §3.3 for `stale`). */
  verify(request: DigestRequest): DigestVerdict {
    if (request.authorization === '') return { outcome: 'challenged', seen: {} };
    const credentials = parseCredentials(request.authorization);
    const p = credentials?.params ?? new Map<string, string>();
    const nonce = p.get('nonce');
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    const seen: DigestSeen = { ...(nonce ? { nonce } : {}), ...(nc ? { nc } : {}), ...(cnonce ? { cnonce } : {}) };
    const refused: DigestVerdict = { outcome: 'refused', seen };
    const username = p.get('username');
    const uri = p.get('uri');
    const response = p.get('response');
    const algorithm = this.algorithmOf(p.get('algorithm'));
    const wellFormed =
      credentials?.scheme.toLowerCase() === 'digest' &&
      !!username &&
      p.get('realm') === this.options.realm &&
      !!nonce &&
      !!uri &&
      namesTarget(uri, request) &&
      p.get('qop') === 'auth' &&
      !!nc &&
      /^[0-9a-f]{8}$/i.test(nc) &&
      !!cnonce &&
      algorithm !== undefined &&
      !!response &&
      response.length === HASHES[algorithm].hexLength &&
      /^[0-9a-f]+$/.test(response);
    if (!wellFormed) return refused;
    const state = this.nonces.get(nonce);
    // A nonce this server never issued (or long forgotten) earns a new challenge, not a stale one.
    if (state === undefined) return refused;
    const keys = this.options.credentials;
    if (keys !== undefined) {
      const expected = responseHash(algorithm, {
        username,
        realm: this.options.realm,
        password: keys.password,
        method: request.method,
        uri,
        nonce,
        nc,
        cnonce,
        qop: 'auth',
      });
      if (username !== keys.username || !sameHex(response, expected)) return refused;
    }
    // Right keys, old nonce: say so, and the client answers again without asking its user.
    if (state.expired || this.options.now() - state.issuedAt > this.options.nonceTtlMs) return { outcome: 'stale', seen };
    const count = nc.toLowerCase();
    if (state.usedNc.has(count)) return refused;
    state.usedNc.add(count);
    return { outcome: 'accepted', username, seen };
  }

  /** Ages every nonce issued so far past its lifetime. */
  expireAll(): void {
    for (const state of this.nonces.values()) state.expired = true;
  }

  /** Forgets every nonce. */
  reset(): void {
    this.nonces.clear();
  }

  /** The offered algorithm an answer names; absent means MD5 (RFC 7616 §3.4). */
  private algorithmOf(raw: string | undefined): DigestAlgorithm | undefined {
    const name = (raw ?? 'MD5').toUpperCase();
    return this.options.algorithms.find((offered) => offered === name);
  }

  private issueNonce(): string {
    const time = this.options.now();
    for (const [nonce, state] of this.nonces) if (time - state.issuedAt > 2 * this.options.nonceTtlMs) this.nonces.delete(nonce);
    const nonce = randomBytes(24).toString('base64');
    this.nonces.set(nonce, { issuedAt: time, expired: false, usedNc: new Set() });
    return nonce;
  }
}

/** Everything that goes into the `response` of a `qop=auth` answer. */
export interface DigestAnswer {
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  readonly nc: string;
  readonly cnonce: string;
  readonly qop: 'auth';
}

/** The `response` a client must send (RFC 7616 §3.4.1): H(H(A1):nonce:nc:cnonce:qop:H(A2)). */
export function responseHash(algorithm: DigestAlgorithm, answer: DigestAnswer): string {
  const h = (value: string): string => createHash(HASHES[algorithm].hash).update(value, 'utf8').digest('hex');
  const a1 = h(`${answer.username}:${answer.realm}:${answer.password}`);
  const a2 = h(`${answer.method}:${answer.uri}`);
  return h(`${a1}:${answer.nonce}:${answer.nc}:${answer.cnonce}:${answer.qop}:${a2}`);
}

/** Compares two hex digests in constant time. */
function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the Digest `uri` names the request's own path and query (RFC 7616 §3.4.6). */
function namesTarget(uri: string, request: DigestRequest): boolean {
  let target: URL;
  try {
    target = new URL(uri, 'http://simulator');
  } catch {
    return false;
  }
  if (target.pathname !== request.path) return false;
  const a = [...target.searchParams].map(([k, v]) => `${k}=${v}`).sort();
  const b = [...request.query].map(([k, v]) => `${k}=${v}`).sort();
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses `Authorization: <scheme> name=value, name="quoted value", …` (RFC 7235 §2.1, RFC 7616
 * §3.4). Names are lower-cased. A malformed header, or a parameter given twice, is null.
 */
export function parseCredentials(header: string): { readonly scheme: string; readonly params: ReadonlyMap<string, string> } | null {
  let i = 0;
  const token = (): string => {
    const start = i;
    while (i < header.length && TOKEN_CHAR.test(header.charAt(i))) i += 1;
    return header.slice(start, i);
  };
  const skip = (chars: RegExp): void => {
    while (i < header.length && chars.test(header.charAt(i))) i += 1;
  };
  skip(/\s/);
  const scheme = token();
  if (scheme === '') return null;
  const params = new Map<string, string>();
  skip(/\s/);
  while (i < header.length) {
    const name = token().toLowerCase();
    if (name === '' || params.has(name)) return null;
    skip(/[ \t]/);
    if (header.charAt(i) !== '=') return null;
    i += 1;
    skip(/[ \t]/);
    let value = '';
    if (header.charAt(i) === '"') {
      i += 1;
      let closed = false;
      while (i < header.length) {
        const c = header.charAt(i);
        if (c === '"') {
          closed = true;
          i += 1;
          break;
        }
        if (c === '\\' && i + 1 < header.length) i += 1;
        value += header.charAt(i);
        i += 1;
      }
      if (!closed) return null;
    } else {
      value = token();
    }
    params.set(name, value);
    skip(/[ \t]/);
    if (i < header.length && header.charAt(i) !== ',') return null;
    skip(/[\s,]/);
  }
  return { scheme, params };
}
