import { createHash, randomBytes } from 'node:crypto';
import { type Dispatcher, request as undiciRequest } from 'undici';
import { expect } from 'vitest';
import type { VendorId } from '../../src/core/vendor.js';
import { DEVIATIONS, type Deviation } from './deviations.js';
import { type Issue, type Operation, VendorDocument, VendorSpec } from './openapi.js';

/*
 * The conformance harness: sends a request to a simulator over plain HTTP on 127.0.0.1, finds the
 * documented operation by method and path, judges the answer (status, media type, body) against
 * the vendor's documents (./openapi.ts), and sets aside every issue that ./deviations.ts lists.
 * It remembers which operations and statuses were exercised and which deviations were met, so
 * each test file can prove at its end that its vendor's list holds nothing stale.
 */

/** The documents each vendor's simulator is judged against (paths from the repository root). */
export const VENDOR_DOCUMENTS: Readonly<Record<string, readonly string[]>> = {
  datadog: ['docs/vendors/datadog/openapi-v2-action-connection.yaml'],
  chronosphere: ['docs/vendors/chronosphere/swagger-configv1-external-connections.json'],
  cortex: ['docs/vendors/cortex/openapi-pagerduty.yaml'],
  mongodb: ['docs/vendors/mongodb/cloud-manager-v1.0-integrations.derived.openapi.yaml'],
  opsramp: ['docs/vendors/opsramp/opsramp-integrations-installed.v2.excerpt.yaml', 'docs/vendors/opsramp/opsramp-auth.v2.yaml'],
};

/** A request as the tests write it. */
export interface ConformanceRequest {
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `application/json`. */
  readonly json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  readonly form?: Readonly<Record<string, string>>;
}

/** One request and its judged answer. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined. */
  readonly json: unknown;
  /** The document operation the answer was judged against (`METHOD template`), or null. */
  readonly operation: string | null;
  readonly issues: readonly Issue[];
  /** The issues no deviation lists: each one is a failure. */
  readonly unlisted: readonly Issue[];
}

/** Whether a deviation's path (`*` = any one segment) names the issue's path. */
function pathMatches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  return want.length === got.length && want.every((segment, index) => segment === '*' || segment === got[index]);
}

/** The judge of one vendor's simulator within one test file. */
export class Conformance {
  readonly spec: VendorSpec;
  private readonly deviations: readonly Deviation[];
  private readonly met = new Set<Deviation>();
  private readonly exercised = new Set<string>();

  /**
   * `baseUrl` is read at each request (the simulator listens after construction). The vendor's
   * documents and deviations are the real ones unless a test of the harness gives its own.
   */
  constructor(
    readonly vendor: VendorId,
    private readonly baseUrl: () => string,
    own: { readonly documents?: readonly VendorDocument[]; readonly deviations?: readonly Deviation[] } = {},
  ) {
    const files = VENDOR_DOCUMENTS[vendor];
    if (!own.documents && !files) throw new Error(`no documents for ${vendor}`);
    this.spec = new VendorSpec(own.documents ?? (files ?? []).map((file) => VendorDocument.read(file)));
    this.deviations = (own.deviations ?? DEVIATIONS).filter((deviation) => deviation.vendor === vendor);
  }

  /** Sends the request and judges the answer. */
  async send(request: ConformanceRequest): Promise<Exchange> {
    const url = new URL(request.path, this.baseUrl());
    for (const [name, value] of Object.entries(request.query ?? {})) {
      for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ ...request.form }).toString();
    }
    // undici's request rather than fetch: fetch turns a 407 into a network error, and OpsRamp answers 407.
    const response = await undiciRequest(url, { method: request.method as Dispatcher.HttpMethod, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.body.text();
    const answered = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) answered.append(name, one);
    }
    return this.judge(request.method, url.pathname, response.statusCode, answered, text);
  }

  /** Judges one answer (public so the harness's own tests can judge answers they write). */
  judge(method: string, path: string, status: number, headers: Headers, text: string): Exchange {
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const { operation, issues } = this.issuesOf(method, path, status, headers.get('content-type'), text);
    if (operation) this.exercised.add(operation.name);
    const unlisted = issues.filter((issue) => {
      // An undeclared operation is named as sent; every other issue by the operation it was judged against.
      const name = issue.kind === 'undeclared-operation' || !operation ? `${method} ${path}` : operation.name;
      const deviation = this.deviations.find(
        (d) => d.operation === name && d.status === status && d.kind === issue.kind && (d.keyword === undefined || d.keyword === issue.keyword) && pathMatches(d.path, issue.path),
      );
      if (deviation) this.met.add(deviation);
      return deviation === undefined;
    });
    return { method, path, status, headers, text, json, operation: operation?.name ?? null, issues, unlisted };
  }

  private issuesOf(method: string, path: string, status: number, contentType: string | null, text: string): { operation: Operation | null; issues: Issue[] } {
    const found = this.spec.find(method, path);
    if (found) return { operation: found, issues: this.spec.judge(found, status, contentType, text) };
    // A path the documents lack: judged as the documented operation a deviation names, if any.
    const alias = this.deviations.find((d) => d.kind === 'undeclared-operation' && d.operation === `${method} ${path}` && d.validateAs !== undefined);
    const undeclared: Issue = { kind: 'undeclared-operation', path: '', message: `${method} ${path} is not in ${this.spec.documents.map((d) => d.file).join(', ')}` };
    const target = alias?.validateAs === undefined ? null : this.spec.byName(alias.validateAs);
    if (alias?.validateAs !== undefined && !target) throw new Error(`deviation names ${alias.validateAs}, which no document has`);
    if (!target) return { operation: null, issues: [undeclared] };
    return { operation: target, issues: [undeclared, ...this.spec.judge(target, status, contentType, text)] };
  }

  /** Deviations of this vendor that no answer needed so far. */
  unmetDeviations(): string[] {
    return this.deviations.filter((d) => !this.met.has(d)).map((d) => `${d.operation} ${d.status} ${d.kind}${d.keyword ? `/${d.keyword}` : ''} ${d.path || '(body)'}`);
  }

  /** Documented operations no answer was judged against so far. */
  unexercisedOperations(): string[] {
    return this.spec.operations.filter((operation) => !this.exercised.has(operation.name)).map((operation) => operation.name);
  }
}

/** Fails the test with every issue of the exchange that no deviation lists, after checking its status. */
export function expectConforms(exchange: Exchange, status: number): void {
  const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
  expect(exchange.status, `${where}: ${exchange.text.slice(0, 300)}`).toBe(status);
  expect(
    exchange.unlisted.map((issue) => `${exchange.operation ?? where} ${exchange.status} ${issue.kind} ${issue.path || '(body)'}: ${issue.message}`),
    `${where}: answers that break the vendor's document (body: ${exchange.text.slice(0, 400)})`,
  ).toEqual([]);
}

/**
 * HTTP Digest (RFC 2617, MD5, `qop=auth`) as Cloud Manager asks for it, written here so the
 * conformance test shares no code with Patchbay's client. The first request of each nonce goes out
 * bare and its 401 challenge is judged like any other answer.
 */
export class DigestSession {
  private nonce: string | null = null;
  private realm = '';
  private count = 0;

  constructor(
    private readonly conformance: Conformance,
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Sends with Digest credentials, first fetching a challenge when there is no nonce yet. */
  async send(request: ConformanceRequest): Promise<Exchange> {
    if (this.nonce === null) {
      const challenge = await this.conformance.send(request);
      expectConforms(challenge, 401);
      this.adopt(challenge.headers.get('www-authenticate') ?? '');
    }
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) for (const one of Array.isArray(value) ? value : [value]) query.append(name, String(one));
    const uri = query.size > 0 ? `${request.path}?${query.toString()}` : request.path;
    return this.conformance.send({ ...request, headers: { ...request.headers, authorization: this.authorization(request.method, uri) } });
  }

  private adopt(header: string): void {
    const params = new Map([...header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1] ?? '', m[2] ?? m[3] ?? '']));
    this.nonce = params.get('nonce') ?? null;
    this.realm = params.get('realm') ?? '';
    this.count = 0;
    if (this.nonce === null) throw new Error(`no Digest nonce in ${header}`);
  }

  private authorization(method: string, uri: string): string {
    const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
    this.count += 1;
    const nc = this.count.toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const response = md5(`${md5(`${this.username}:${this.realm}:${this.password}`)}:${this.nonce ?? ''}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
    return `Digest username="${this.username}", realm="${this.realm}", nonce="${this.nonce ?? ''}", uri="${uri}", qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", algorithm=MD5`;
  }
}
