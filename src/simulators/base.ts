import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';
import type { VendorId } from '../core/vendor.js';

/** A request as a simulator handler sees it. */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly params: Readonly<Record<string, string>>;
  /** Parsed JSON or form body; undefined when there was none. `invalid` marks unparsable JSON. */
  readonly body: unknown;
  readonly bodyInvalid: boolean;
  readonly rawBody: string;
}

/** What a handler answers. `body` is sent as JSON unless `raw` is given. */
export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly raw?: string;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

/** One logged request: method, path, query, time and header *names* (never values or bodies). */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly time: string;
  readonly headerNames: readonly string[];
}

/** The body of a `malformed` answer: JSON cut short. */
const MALFORMED_BODY = '{"data": {"id": "trunc';

const faultSchema = z.object({
  match: z
    .object({
      method: z.string().optional(),
      path: z.string().optional(),
    })
    .default({}),
  times: z.number().int().positive().optional(),
  /** Chance (0..1) that a matching request misbehaves; the others pass untouched. Default 1. */
  probability: z.number().min(0).max(1).optional(),
  response: z
    .object({
      status: z.number().int().min(100).max(599),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    })
    .optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /**
   * `applied-reset`: the vendor does the work, then the connection drops before the answer.
   * `applied-malformed`: the vendor does the work, then answers 200 with the `malformed` body.
   */
  action: z.enum(['reset', 'hang', 'truncate', 'malformed', 'applied-reset', 'applied-malformed']).optional(),
});

/** A fault as posted to `POST /__simulator/faults`. */
export type FaultSpec = z.input<typeof faultSchema>;

interface ActiveFault {
  readonly id: number;
  readonly spec: z.output<typeof faultSchema>;
  readonly pathPattern: RegExp | null;
  remaining: number | null;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: SimHandler;
}

export interface SimulatorDefinition {
  readonly vendor: VendorId;
  /** Checks credentials; returns a refusal, or null to let the request through. */
  readonly authenticate?: (request: SimRequest) => SimResponse | null | Promise<SimResponse | null>;
  /** Restores the seed state. Called at start and on `POST /__simulator/reset`. */
  readonly reset: () => void;
  /** How many requests the log keeps (default REQUEST_LOG_LIMIT). */
  readonly requestLogLimit?: number;
  /** Answer for a path no route knows. */
  readonly notFound?: (request: SimRequest) => SimResponse;
}

const CONTROL_PREFIX = '/__simulator/';

/** The request log keeps this many entries (oldest dropped first), so a long demo stays bounded. */
export const REQUEST_LOG_LIMIT = 10_000;

/**
 * The shared machinery of every vendor simulator: a real `node:http` server on 127.0.0.1, a
 * router, the request log and the fault-injection control surface under `/__simulator/`.
 * Vendor folders add routes, auth and state; they never reimplement this.
 */
export class SimulatorServer {
  readonly vendor: VendorId;
  private readonly routes: Route[] = [];
  private readonly log: LoggedRequest[] = [];
  private faults: ActiveFault[] = [];
  private nextFaultId = 1;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private url: string | null = null;

  /** Source of chance for probabilistic faults; tests may seed it. */
  random: () => number = Math.random;

  constructor(private readonly definition: SimulatorDefinition) {
    this.vendor = definition.vendor;
    definition.reset();
  }

  /** Registers a route; `{name}` segments become params. */
  route(method: string, template: string, handler: SimHandler): this {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** Base URL once listening, e.g. `http://127.0.0.1:41234`. */
  get baseUrl(): string {
    if (!this.url) throw new Error(`${this.vendor} simulator is not listening`);
    return this.url;
  }

  /** Requests received so far (control-surface calls excluded). */
  get requests(): readonly LoggedRequest[] {
    return this.log;
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  addFault(spec: FaultSpec): number {
    const parsed = faultSchema.parse(spec);
    const id = this.nextFaultId++;
    this.faults.push({
      id,
      spec: parsed,
      pathPattern: parsed.match.path === undefined ? null : new RegExp(parsed.match.path),
      remaining: parsed.times ?? null,
    });
    return id;
  }

  clearFaults(): void {
    this.faults = [];
  }

  reset(): void {
    this.definition.reset();
    this.clearFaults();
    this.clearRequests();
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server) throw new Error(`${this.vendor} simulator is already listening`);
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"error":"simulator failure"}');
        } else {
          res.destroy();
        }
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected server address');
    this.server = server;
    this.url = `http://${host}:${address.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const rawBody = await readAll(req);
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      this.control(method, url.pathname.slice(CONTROL_PREFIX.length), rawBody, res);
      return;
    }
    const limit = this.definition.requestLogLimit ?? REQUEST_LOG_LIMIT;
    if (this.log.length >= limit) this.log.splice(0, this.log.length - limit + 1);
    this.log.push({
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      time: new Date().toISOString(),
      headerNames: Object.keys(req.headers).sort(),
    });
    const fault = this.takeFault(method, url.pathname);
    if (fault?.spec.delayMs) await delay(fault.spec.delayMs);
    if (fault?.spec.action === 'reset') {
      // A real TCP RST, as a crashed upstream or a middlebox sends, not an orderly close.
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.spec.action === 'hang') return;
    if (fault?.spec.action === 'malformed') {
      send(res, { status: 200, raw: MALFORMED_BODY, headers: { 'content-type': 'application/json' } });
      return;
    }
    if (fault?.spec.action === 'truncate') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write('{"data":{"id":"');
      setTimeout(() => res.destroy(), 10);
      return;
    }
    if (fault?.spec.response) {
      const { status, headers, body } = fault.spec.response;
      send(res, { status, ...(headers ? { headers } : {}), ...(typeof body === 'string' ? { raw: body } : body === undefined ? {} : { body }) });
      return;
    }
    const request = buildRequest(method, url, req.headers, rawBody, {});
    const denied = await this.definition.authenticate?.(request);
    if (denied) {
      send(res, denied);
      return;
    }
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        const raw = match[index + 1] ?? '';
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          params[name] = raw;
        }
      });
      const answer = await route.handler({ ...request, params });
      if (fault?.spec.action === 'applied-reset') {
        req.socket.resetAndDestroy();
        return;
      }
      if (fault?.spec.action === 'applied-malformed') {
        send(res, { status: 200, raw: MALFORMED_BODY, headers: { 'content-type': 'application/json' } });
        return;
      }
      send(res, answer);
      return;
    }
    send(res, this.definition.notFound?.(request) ?? { status: 404, body: { error: 'not found' } });
  }

  private takeFault(method: string, path: string): ActiveFault | null {
    for (const fault of this.faults) {
      const wanted = fault.spec.match.method;
      if (wanted && wanted.toUpperCase() !== method) continue;
      if (fault.pathPattern && !fault.pathPattern.test(path)) continue;
      if (fault.spec.probability !== undefined && this.random() >= fault.spec.probability) continue;
      if (fault.remaining !== null) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f.id !== fault.id);
      }
      return fault;
    }
    return null;
  }

  private control(method: string, what: string, rawBody: string, res: ServerResponse): void {
    if (what === 'requests' && method === 'GET') {
      send(res, { status: 200, body: { requests: this.log } });
      return;
    }
    if (what === 'requests' && method === 'DELETE') {
      this.clearRequests();
      send(res, { status: 204 });
      return;
    }
    if (what === 'faults' && method === 'POST') {
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        send(res, { status: 400, body: { error: 'fault body is not JSON' } });
        return;
      }
      const parsed = faultSchema.safeParse(json);
      if (!parsed.success) {
        send(res, { status: 400, body: { error: 'invalid fault', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } });
        return;
      }
      try {
        send(res, { status: 201, body: { id: this.addFault(parsed.data) } });
        return;
      } catch {
        send(res, { status: 400, body: { error: 'match.path is not a valid regular expression' } });
        return;
      }
    }
    if (what === 'faults' && method === 'DELETE') {
      this.clearFaults();
      send(res, { status: 204 });
      return;
    }
    if (what === 'reset' && method === 'POST') {
      this.reset();
      send(res, { status: 204 });
      return;
    }
    send(res, { status: 404, body: { error: 'unknown simulator control' } });
    return;
  }
}

function buildRequest(method: string, url: URL, headers: IncomingHttpHeaders, rawBody: string, params: Record<string, string>): SimRequest {
  let body: unknown;
  let bodyInvalid = false;
  const type = String(headers['content-type'] ?? '');
  if (rawBody.length > 0) {
    if (type.includes('application/x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(rawBody));
    } else {
      try {
        body = JSON.parse(rawBody);
      } catch {
        bodyInvalid = true;
      }
    }
  }
  return { method, path: url.pathname, query: url.searchParams, headers, params, body, bodyInvalid, rawBody };
}

function queryRecord(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  return out;
}

function send(res: ServerResponse, response: SimResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload = '';
  if (response.raw !== undefined) payload = response.raw;
  else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A running simulator as the rest of Patchbay sees it. */
export interface Simulator {
  readonly vendor: VendorId;
  readonly server: SimulatorServer;
}
