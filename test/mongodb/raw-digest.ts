import { digestResponse, parseAuthHeader } from '../../src/vendors/mongodb/digest.js';

/** One raw HTTP answer as the simulator tests look at it. */
export interface RawReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/** What can be overridden when building an `Authorization: Digest` header by hand. */
export interface DigestParts {
  readonly username?: string;
  readonly password?: string;
  readonly realm?: string;
  readonly nonce?: string;
  readonly uri?: string;
  readonly nc?: string;
  readonly cnonce?: string;
  readonly qop?: string | null;
  readonly response?: string;
}

/**
 * A hand-driven Digest client for poking the simulator: every part of the header can be set,
 * so tests can send replays, wrong URIs, wrong realms and stale nonces on purpose. It shares
 * only `digestResponse` with the product, which is itself pinned to the RFC's examples.
 */
export class RawDigest {
  nonce: string | null = null;
  realm = '';
  private nc = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Sends `method path` with exactly the headers given (no auth unless `authorization`). */
  async send(method: string, path: string, options: { body?: unknown; authorization?: string } = {}): Promise<RawReply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.authorization) headers['authorization'] = options.authorization;
    const init: RequestInit = { method, headers };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** Adopts the challenge of a 401 reply; returns its parameters. */
  adopt(reply: RawReply): Readonly<Record<string, string>> {
    const challenge = parseAuthHeader(reply.headers.get('www-authenticate') ?? '').find((c) => c.scheme.toLowerCase() === 'digest');
    if (!challenge) throw new Error('no Digest challenge in the reply');
    this.nonce = challenge.params['nonce'] ?? null;
    this.realm = challenge.params['realm'] ?? '';
    this.nc = 0;
    return challenge.params;
  }

  /** Asks for a challenge with an unauthenticated GET and adopts it. */
  async challenge(path: string): Promise<Readonly<Record<string, string>>> {
    return this.adopt(await this.send('GET', path));
  }

  /** Builds an `Authorization: Digest` header for `method uri`, the next `nc` unless overridden. */
  authorization(method: string, uri: string, parts: DigestParts = {}): string {
    if (parts.nc === undefined) this.nc += 1;
    const nc = parts.nc ?? this.nc.toString(16).padStart(8, '0');
    const cnonce = parts.cnonce ?? `c${Math.random().toString(16).slice(2)}`;
    const qop = parts.qop === undefined ? 'auth' : parts.qop;
    const values = {
      username: parts.username ?? this.username,
      realm: parts.realm ?? this.realm,
      nonce: parts.nonce ?? this.nonce ?? '',
      uri: parts.uri ?? uri,
    };
    const response = parts.response ?? digestResponse({ ...values, password: parts.password ?? this.password, method, qop: qop ?? undefined, nc, cnonce, algorithm: 'MD5' });
    const fields = [`username="${values.username}"`, `realm="${values.realm}"`, `nonce="${values.nonce}"`, `uri="${values.uri}"`, `response="${response}"`, 'algorithm=MD5'];
    if (qop !== null) fields.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
    return `Digest ${fields.join(', ')}`;
  }

  /** A request answered properly: challenged first when needed, re-challenged once when stale. */
  async call(method: string, path: string, body?: unknown): Promise<RawReply> {
    if (this.nonce === null) await this.challenge(path);
    const first = await this.send(method, path, { body, authorization: this.authorization(method, path) });
    if (first.status !== 401) return first;
    this.adopt(first);
    return this.send(method, path, { body, authorization: this.authorization(method, path) });
  }
}

/** Narrows an unknown JSON value to an object, or throws. */
export function obj(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** Narrows an unknown JSON value to an array of objects, or throws. */
export function objs(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value.map(obj);
}
