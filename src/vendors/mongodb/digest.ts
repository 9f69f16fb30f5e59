import { createHash, randomBytes } from 'node:crypto';
import type { AuthChallenge, AuthRequest, AuthStrategy } from '../../core/http/vendor-http.js';

/*
 * HTTP Digest access authentication (RFC 7616) as MongoDB Cloud Manager uses it: the public key
 * is the username, the private key the password, `qop=auth`, MD5 (CONTRACT.md, "Base URL and
 * authentication"). Tested against the RFC's own examples; the simulator verifies answers with
 * its own implementation (src/simulators/mongodb/digest.ts), so a mistake here fails a test.
 */

/** One parsed `WWW-Authenticate` challenge (or `Authorization` credentials): scheme and params. */
export interface AuthParams {
  readonly scheme: string;
  /** Parameter names lower-cased; values unquoted and unescaped. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses an HTTP authentication header into its challenges (RFC 7235 §2.1): several challenges
 * may share one header, separated by commas like their parameters.
 */
export function parseAuthHeader(header: string): AuthParams[] {
  const out: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skip = (chars: RegExp): void => {
    while (i < header.length && chars.test(header.charAt(i))) i += 1;
  };
  const token = (): string => {
    const start = i;
    while (i < header.length && TOKEN.test(header.charAt(i))) i += 1;
    return header.slice(start, i);
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const word = token();
    if (word === '') {
      // Not a token where one must be: stop rather than guess at the rest.
      break;
    }
    skip(/[ \t]/);
    const current = out[out.length - 1];
    if (header.charAt(i) === '=' && current !== undefined) {
      i += 1;
      skip(/[ \t]/);
      let value = '';
      if (header.charAt(i) === '"') {
        i += 1;
        while (i < header.length && header.charAt(i) !== '"') {
          if (header.charAt(i) === '\\' && i + 1 < header.length) i += 1;
          value += header.charAt(i);
          i += 1;
        }
        i += 1;
      } else {
        value = token();
      }
      current.params[word.toLowerCase()] = value;
    } else {
      out.push({ scheme: word, params: {} });
    }
  }
  return out;
}

type HashName = 'md5' | 'sha256';

/** The algorithms this client can answer, by their RFC 7616 names (upper-cased). */
const ALGORITHMS: Readonly<Record<string, { hash: HashName; session: boolean }>> = {
  MD5: { hash: 'md5', session: false },
  'MD5-SESS': { hash: 'md5', session: true },
  'SHA-256': { hash: 'sha256', session: false },
  'SHA-256-SESS': { hash: 'sha256', session: true },
};

/** Whether `algorithm` (absent means MD5, RFC 7616 §3.3) is one this module can compute. */
export function isSupportedAlgorithm(algorithm: string | undefined): boolean {
  return ALGORITHMS[(algorithm ?? 'MD5').toUpperCase()] !== undefined;
}

/** Everything that goes into a Digest `response` value. */
export interface DigestInput {
  readonly algorithm?: string | undefined;
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  /** `auth`, or undefined for the RFC 2069 form without qop. */
  readonly qop?: string | undefined;
  readonly nc?: string | undefined;
  readonly cnonce?: string | undefined;
}

/** Computes the `response` value of RFC 7616 §3.4.1 (and the RFC 2069 form when qop is absent). */
export function digestResponse(input: DigestInput): string {
  const algorithm = ALGORITHMS[(input.algorithm ?? 'MD5').toUpperCase()];
  if (!algorithm) throw new Error('unsupported digest algorithm');
  const h = (text: string): string => createHash(algorithm.hash).update(text, 'utf8').digest('hex');
  let ha1 = h(`${input.username}:${input.realm}:${input.password}`);
  if (algorithm.session) ha1 = h(`${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  const ha2 = h(`${input.method}:${input.uri}`);
  return input.qop === undefined ? h(`${ha1}:${input.nonce}:${ha2}`) : h(`${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`);
}

/** A quoted-string (RFC 7230 §3.2.6). */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The server's challenge as this client keeps it between requests. */
interface Challenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
  readonly algorithm: string | undefined;
  /** `auth` when the server offers it; undefined for a legacy challenge without qop. */
  readonly qop: 'auth' | undefined;
  readonly stale: boolean;
}

/** The first Digest challenge in the headers this client can answer, or null. */
export function pickChallenge(value: string | readonly string[] | undefined): Challenge | null {
  const headers = value === undefined ? [] : typeof value === 'string' ? [value] : value;
  for (const header of headers) {
    for (const challenge of parseAuthHeader(header)) {
      if (challenge.scheme.toLowerCase() !== 'digest') continue;
      const { realm, nonce, opaque, algorithm, qop, stale } = challenge.params as Record<string, string | undefined>;
      if (realm === undefined || nonce === undefined || !isSupportedAlgorithm(algorithm)) continue;
      const qops = qop?.split(',').map((q) => q.trim().toLowerCase());
      // Only `auth` is implemented: `auth-int` alone would need the body hashed.
      if (qops !== undefined && !qops.includes('auth')) continue;
      return { realm, nonce, opaque, algorithm, qop: qops === undefined ? undefined : 'auth', stale: stale?.toLowerCase() === 'true' };
    }
  }
  return null;
}

/** Options of {@link MongoDbDigestAuth}; the defaults are what production uses. */
export interface DigestAuthOptions {
  /** Makes a client nonce; injectable so tests can check the header byte for byte. */
  readonly cnonce?: () => string;
}

const HEADER_UNSAFE = /[\u0000-\u001f\u007f]/;

/**
 * Digest as an `AuthStrategy`. The first request goes out without credentials and gets a 401
 * challenge; `onRefused` adopts it and asks `VendorHttp` for the one resend. Later requests reuse
 * the nonce with an incrementing `nc` and a fresh `cnonce`, so a warm client costs one request per
 * call. A `stale=true` challenge or a different nonce means "answer again"; a 401 on the nonce just
 * used, not stale, means the keys are wrong and is not retried.
 *
 * The private key lives only in this object; it and the computed `response` are never logged.
 */
export class MongoDbDigestAuth implements AuthStrategy {
  private current: (Challenge & { nc: number }) | null = null;
  /** The nonce each in-flight attempt answered, so a refusal can tell "stale" from "wrong keys". */
  private readonly answered = new WeakMap<AuthRequest, string>();
  private readonly makeCnonce: () => string;

  constructor(
    private readonly publicKey: string,
    private readonly privateKey: string,
    options: DigestAuthOptions = {},
  ) {
    this.makeCnonce = options.cnonce ?? (() => randomBytes(16).toString('hex'));
  }

  headers(request: AuthRequest): Record<string, string> {
    const challenge = this.current;
    if (challenge === null) return {};
    // undici would quote an invalid header value in its error message; never let it see one.
    if (HEADER_UNSAFE.test(this.publicKey)) throw new Error('the Cloud Manager public key contains control characters');
    challenge.nc += 1;
    const nc = challenge.nc.toString(16).padStart(8, '0');
    const cnonce = this.makeCnonce();
    const response = digestResponse({
      algorithm: challenge.algorithm,
      username: this.publicKey,
      realm: challenge.realm,
      password: this.privateKey,
      method: request.method,
      uri: request.pathAndQuery,
      nonce: challenge.nonce,
      qop: challenge.qop,
      nc,
      cnonce,
    });
    const parts = [`username=${quote(this.publicKey)}`, `realm=${quote(challenge.realm)}`, `nonce=${quote(challenge.nonce)}`, `uri=${quote(request.pathAndQuery)}`, `response=${quote(response)}`];
    if (challenge.algorithm !== undefined) parts.push(`algorithm=${challenge.algorithm}`);
    if (challenge.qop !== undefined) parts.push(`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
    if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
    this.answered.set(request, challenge.nonce);
    return { authorization: `Digest ${parts.join(', ')}` };
  }

  onRefused(refusal: AuthChallenge, request: AuthRequest): boolean {
    if (refusal.status !== 401) return false;
    const offered = pickChallenge(refusal.headers['www-authenticate']);
    if (offered === null) return false;
    const usedNonce = this.answered.get(request);
    this.answered.delete(request);
    const answerAgain = usedNonce === undefined || offered.stale || offered.nonce !== usedNonce;
    if (!answerAgain) return false;
    this.current = { ...offered, nc: 0 };
    return true;
  }
}

/** Cloud Manager's Digest auth for one API key pair. */
export function mongoDbDigestAuth(publicKey: string, privateKey: string, options: DigestAuthOptions = {}): AuthStrategy {
  return new MongoDbDigestAuth(publicKey, privateKey, options);
}
