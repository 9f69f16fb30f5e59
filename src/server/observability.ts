import { createHash, timingSafeEqual } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AccountRegistry } from '../app/accounts.js';
import type { GatewayContext } from '../app/context.js';
import { NOBODY, type Principal } from '../core/auth/authenticator.js';
import type { GatewayConfig } from '../core/config/schema.js';
import type { Logger } from '../core/logger.js';
import { CODE_PATTERN } from '../core/telemetry/labels.js';
import type { BreakerReading, GatewayMetrics, RequestOutcome } from '../core/telemetry/metrics.js';
import { currentRequest, requestIdOf, runInRequest, type RequestTelemetry } from '../core/telemetry/request-telemetry.js';

/** What a gateway observes itself with: one metrics registry, and a tracer when tracing is on. */
export interface Observability {
  readonly metrics: GatewayMetrics;
  /** Null when tracing is off: no span is made at all. */
  readonly tracer: Tracer | null;
  readonly logger: Logger;
  readonly config: GatewayConfig['metrics'];
}

/** The GraphQL endpoint (Yoga's default). */
const GRAPHQL_PATH = '/graphql';

/** The header a request id comes in and goes back out in. */
const REQUEST_ID_HEADER = 'x-request-id';

/** Most objects of a result searched for typed error results (`__typename` ending in `Error`), so that a huge page costs a bounded walk. */
const MAX_WALKED_OBJECTS = 10_000;

const propagator = new W3CTraceContextPropagator();

/** Reads `traceparent` and `tracestate` from a Fetch `Headers`. */
const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/** One request while it runs: its telemetry (what the core reports to) and what the server learns of it. */
interface RequestRecord extends RequestTelemetry {
  readonly started: number;
  readonly method: string;
  readonly path: string;
  readonly span: Span | null;
  operation: string | null;
  operationType: string | null;
  /** Whether a GraphQL result was produced (false: refused before GraphQL, or no GraphQL request at all). */
  answered: boolean;
  readonly errorCodes: Set<string>;
  readonly typedErrors: Set<string>;
  /** Whether the result is delivered in parts (`@defer`, `@stream`), and whether the last went out. */
  stream: 'none' | 'open' | 'ended';
  /** The response's status and the caller, once the response is made. */
  response: ResponseFacts | null;
  finished: boolean;
}

/** What the response hook learns: the status and who asked. */
interface ResponseFacts {
  readonly status: number;
  readonly caller: string | null;
}

/**
 * Metrics, traces and the request log of one gateway, as one Yoga plugin placed first:
 *
 * - every request runs inside its {@link RequestTelemetry} (request id, metrics, the operation
 *   span), which vendor calls, store calls and log lines reach wherever they run;
 * - `x-request-id` is honoured when it is a plain id (≤ 128 safe characters), else made, and
 *   always returned;
 * - a GraphQL request gets one SERVER span, a child of the caller's `traceparent` when there is
 *   one, and its vendor calls CLIENT spans under it; span names and attributes carry the bounded
 *   operation name, never a header value, a body or a secret;
 * - one JSON log line per request: request id, caller, operation, outcome, error classes, timing;
 * - the metrics endpoint (`gateway.metrics`), answered before authentication like the probes.
 */
export function observabilityPlugin(observability: Observability, principalOf: (request: Request) => Principal): Plugin<GatewayContext> {
  const { metrics, tracer, logger, config } = observability;
  const records = new WeakMap<RequestTelemetry, RequestRecord>();
  const current = () => {
    const telemetry = currentRequest();
    return telemetry === undefined ? undefined : records.get(telemetry);
  };
  const scrape = metricsEndpoint(observability);

  return {
    instrumentation: {
      request: async ({ request }, wrapped) => {
        const record = startRecord(request, metrics, tracer, config);
        records.set(record, record);
        try {
          await runInRequest(record, wrapped);
        } finally {
          // A request whose response hook never ran (a failure in the server itself) still ends its span.
          if (record.response === null) finish(record, { status: 500, caller: callerOf(principalOf(request)) }, metrics, logger);
        }
      },
    },
    onRequest: async ({ request, url, endResponse, fetchAPI }) => {
      if (config.enabled && url.pathname === config.path) endResponse(await scrape(request, fetchAPI.Response));
    },
    onParse: ({ context }) => {
      const record = current();
      if (record === undefined) return undefined;
      const operationName: unknown = context.params?.operationName;
      return ({ result }) => {
        if (!isDocument(result)) return;
        const operation = getOperationAST(result, typeof operationName === 'string' ? operationName : undefined);
        if (!operation) return;
        record.operation = operation.name?.value ?? null;
        record.operationType = operation.operation;
      };
    },
    onExecute: () => {
      const record = current();
      if (record === undefined) return undefined;
      return {
        onExecuteDone: ({ result }) => {
          // Incremental delivery: each part is read as it goes out, and the request ends with its last part
          // (or the client going away); a single result is read in onResultProcess.
          if (!(Symbol.asyncIterator in result)) return undefined;
          record.stream = 'open';
          return {
            onNext: ({ result: part }) => readResult(record, part),
            onEnd: () => {
              record.stream = 'ended';
              if (record.response !== null) finish(record, record.response, metrics, logger);
            },
          };
        },
      };
    },
    onResultProcess: ({ result }) => {
      const record = current();
      if (record === undefined) return;
      record.answered = true;
      if (Symbol.asyncIterator in result) return;
      for (const one of Array.isArray(result) ? result : [result]) readResult(record, one);
    },
    onResponse: ({ request, response, setResponse, fetchAPI }) => {
      const record = current();
      if (record === undefined) return;
      setResponse(withRequestId(response, record.requestId, fetchAPI.Response));
      record.response = { status: response.status, caller: callerOf(principalOf(request)) };
      if (record.stream !== 'open') finish(record, record.response, metrics, logger);
    },
  };
}

/** The scrape of one request to the metrics path: the exposition, or 401 / 405. */
function metricsEndpoint(observability: Observability): (request: Request, FetchResponse: typeof Response) => Promise<Response> {
  const { metrics, config } = observability;
  const expected = config.token === undefined ? null : digest(`Bearer ${config.token}`);
  return async (request, FetchResponse) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new FetchResponse(JSON.stringify({ error: 'method not allowed' }), { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'application/json' } });
    }
    if (expected !== null && !timingSafeEqual(digest(request.headers.get('authorization') ?? ''), expected)) {
      return new FetchResponse(JSON.stringify({ error: 'unauthorized', message: 'Send `Authorization: Bearer <gateway.metrics.token>`.' }), {
        status: 401,
        headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="patchbay-metrics"', 'cache-control': 'no-store' },
      });
    }
    return new FetchResponse(request.method === 'HEAD' ? null : await metrics.render(), { status: 200, headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' } });
  };
}

/** A fixed-length digest, so that comparing a presented token with the configured one takes the same time whatever either is. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function startRecord(request: Request, metrics: GatewayMetrics, tracer: Tracer | null, config: GatewayConfig['metrics']): RequestRecord {
  const path = pathLabel(new URL(request.url).pathname, config);
  let span: Span | null = null;
  let tracing: RequestTelemetry['tracing'] = null;
  if (tracer !== null && path === GRAPHQL_PATH) {
    const incoming = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
    span = tracer.startSpan('graphql', { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': path } }, incoming);
    tracing = { tracer, parent: trace.setSpan(incoming, span) };
  }
  return {
    requestId: requestIdOf(request.headers.get(REQUEST_ID_HEADER)),
    metrics,
    tracing,
    vendorErrors: new Set(),
    started: performance.now(),
    method: /^[A-Z]{3,7}$/.test(request.method) ? request.method : 'OTHER',
    path,
    span,
    operation: null,
    operationType: null,
    answered: false,
    errorCodes: new Set(),
    typedErrors: new Set(),
    stream: 'none',
    response: null,
    finished: false,
  };
}

/** Who a request came from, as the audit log names callers (`apikey:ci`, `jwt:<sub>`, `anonymous`); null when authentication did not let it in. */
function callerOf(principal: Principal): string | null {
  return principal === NOBODY ? null : principal.id;
}

/** The path as logs and series show it: one of the gateway's own paths, or `other` (a path is anything a caller typed). */
function pathLabel(pathname: string, config: GatewayConfig['metrics']): string {
  if (pathname === GRAPHQL_PATH || pathname === '/healthz' || pathname === '/readyz') return pathname;
  if (config.enabled && pathname === config.path) return config.path;
  return 'other';
}

function isDocument(value: unknown): value is DocumentNode {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Document';
}

/**
 * Notes what a GraphQL result says went wrong: the code of each error (the typed error class
 * the gateway's error masking puts there, or Yoga's own code), and the typed error results
 * (`__typename` ending in `Error`) in its data.
 */
function readResult(record: RequestRecord, result: ExecutionResult): void {
  for (const error of result.errors ?? []) {
    const code: unknown = error.extensions?.['code'];
    record.errorCodes.add(typeof code === 'string' && CODE_PATTERN.test(code) ? code : 'UNCLASSIFIED');
  }
  const incremental: unknown = (result as { incremental?: unknown }).incremental;
  collectTypedErrors([result.data, incremental], record.typedErrors);
}

/** Adds every `__typename` that ends in `Error` found in `value` to `into`, walking at most {@link MAX_WALKED_OBJECTS} objects. */
function collectTypedErrors(value: unknown, into: Set<string>): void {
  const pending: unknown[] = [value];
  for (let walked = 0; pending.length > 0 && walked < MAX_WALKED_OBJECTS; walked++) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    if (Array.isArray(next)) {
      pending.push(...next);
      continue;
    }
    for (const [key, field] of Object.entries(next)) {
      if (key === '__typename' && typeof field === 'string' && field.endsWith('Error') && CODE_PATTERN.test(field)) into.add(field);
      else if (typeof field === 'object' && field !== null) pending.push(field);
    }
  }
}

/** How a request ended, for its series, its span and its log line. */
function outcomeOf(record: RequestRecord, status: number): RequestOutcome {
  if (!record.answered) return status >= 400 ? 'rejected' : 'ok';
  if (record.errorCodes.size > 0) return 'error';
  return record.typedErrors.size > 0 ? 'typed_error' : 'ok';
}

/** Counts, logs and ends a request once. GraphQL requests (answered or refused) get an info line; probes, scrapes and pages a debug one. */
function finish(record: RequestRecord, { status, caller }: ResponseFacts, metrics: GatewayMetrics, logger: Logger): void {
  if (record.finished) return;
  record.finished = true;
  const seconds = (performance.now() - record.started) / 1000;
  const outcome = outcomeOf(record, status);
  const graphql = record.path === GRAPHQL_PATH && (record.answered || status >= 400);
  metrics.httpResponse(record.path, status);
  const operationLabel = record.operationType === null ? null : metrics.operationLabel(record.operation);
  if (graphql) {
    metrics.graphqlRequest({ operation: record.operation, type: record.operationType, outcome, seconds });
    for (const code of [...record.errorCodes, ...record.typedErrors]) metrics.graphqlError(code);
  }
  if (record.span !== null) {
    const span = record.span;
    if (record.operationType !== null) {
      span.updateName(`${record.operationType} ${operationLabel}`);
      span.setAttribute('graphql.operation.type', record.operationType);
      if (operationLabel !== null) span.setAttribute('graphql.operation.name', operationLabel);
    }
    span.setAttribute('http.response.status_code', status);
    span.setAttribute('patchbay.outcome', outcome);
    if (outcome === 'error' || outcome === 'rejected') span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
  const fields = {
    // Explicit: the last part of a stream may be finished outside the request's async context.
    requestId: record.requestId,
    method: record.method,
    path: record.path,
    status,
    durationMs: Math.round(seconds * 1000),
    ...(graphql
      ? {
          operation: record.operationType === null ? null : logOperationName(record.operation),
          operationType: record.operationType,
          outcome,
          errorTypes: [...new Set([...record.errorCodes, ...record.typedErrors])].sort(),
          vendorErrors: [...record.vendorErrors].sort(),
          caller,
        }
      : {}),
    ...(record.span === null ? {} : { traceId: record.span.spanContext().traceId }),
  };
  if (graphql) logger.info('request', fields);
  else logger.debug('request', fields);
}

/**
 * The operation name as the log line shows it. Unlike a label it has no cap on distinct values
 * (a line is not a series), but it is still the caller's text: only a plain GraphQL name of at
 * most 64 characters is written as it is.
 */
function logOperationName(name: string | null): string {
  if (name === null) return 'anonymous';
  return /^[A-Za-z0-9_]{1,64}$/.test(name) ? name : 'other';
}

/** The response with `x-request-id` set; a response whose headers are frozen is copied. */
function withRequestId(response: Response, requestId: string, FetchResponse: typeof Response): Response {
  try {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set(REQUEST_ID_HEADER, requestId);
    return new FetchResponse(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/** What the breaker gauges show of each account: the worst state of its transports, and its longest quota block. */
export function breakerReadings(accounts: AccountRegistry): BreakerReading[] {
  const severity = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 } as const;
  return accounts.entries.map((entry) => {
    let state: BreakerReading['state'] = 'CLOSED';
    let quotaBlockedSeconds = 0;
    for (const transport of entry.transports) {
      if (severity[transport.breakerState] > severity[state]) state = transport.breakerState;
      quotaBlockedSeconds = Math.max(quotaBlockedSeconds, transport.rateLimitedForSeconds);
    }
    return { vendor: entry.ref.vendor, account: entry.ref.key, state, quotaBlockedSeconds };
  });
}
