import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tracingFromEnvironment } from '../../src/server/tracing.js';
import { CI_KEY, RIG_TIMEOUT_MS, observedGateway, startRig, type ObservedGateway, type Rig } from './support.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

const INVENTORY = `query Inventory {
  connections(first: 100) { totalCount failures { account { key } error { __typename } } }
}`;

interface VendorCallRecord {
  readonly vendor: string;
  readonly account: string;
  readonly route: string;
  readonly method: string;
  readonly status: number | null;
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let rig: Rig;
let fleet: ObservedGateway;

beforeAll(async () => {
  rig = await startRig();
  fleet = observedGateway(rig, { tracerProvider: provider, resilience: { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } } });
}, RIG_TIMEOUT_MS);
afterAll(async () => {
  await fleet.close();
  await rig.close();
  await provider.shutdown();
});
beforeEach(() => {
  rig.reset();
  exporter.reset();
});

function serverSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
}

describe('spans of a GraphQL request', () => {
  it('one operation span, a child of the incoming traceparent, with one child span per vendor call', async () => {
    const answer = await fleet.gql(INVENTORY, {}, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` });
    expect(answer.status).toBe(200);
    const calls = answer.json.extensions?.['vendorCalls'] as VendorCallRecord[];
    expect(calls.length).toBeGreaterThanOrEqual(5);

    const [operation, ...others] = serverSpans();
    expect(others).toEqual([]);
    if (operation === undefined) throw new Error('no operation span');
    expect(operation.name).toBe('query Inventory');
    expect(operation.spanContext().traceId).toBe(TRACE_ID);
    expect(operation.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Inventory', 'http.response.status_code': 200, 'patchbay.outcome': 'ok' });

    const children = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(children).toHaveLength(calls.length);
    for (const child of children) {
      expect(child.spanContext().traceId).toBe(TRACE_ID);
      expect(child.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
      expect(child.name).toBe(`${child.attributes['http.request.method']} ${child.attributes['url.template']}`);
      // One event per attempt: a Digest challenge (Cloud Manager) makes two.
      expect(child.events.map((event) => event.name)).toEqual(Array.from({ length: Number(child.attributes['patchbay.attempts']) }, () => 'attempt'));
    }
    const seen = children
      .map(
        (c) =>
          `${c.attributes['patchbay.vendor']} ${c.attributes['patchbay.account']} ${c.attributes['http.request.method']} ${c.attributes['url.template']} ${c.attributes['http.response.status_code']}`,
      )
      .sort();
    expect(seen).toEqual(calls.map((c) => `${c.vendor} ${c.account} ${c.method} ${c.route} ${c.status}`).sort());
  });

  it('starts a new trace without a traceparent, and marks a failed vendor call with its error class and attempts', async () => {
    fleet.sim('cortex').server.addFault({ match: { method: 'GET' }, response: { status: 503, body: { message: 'down' } }, times: 2 });
    await fleet.gql(INVENTORY);
    const [operation] = serverSpans();
    expect(operation?.parentSpanContext).toBeUndefined();
    const cortex = exporter.getFinishedSpans().find((span) => span.attributes['patchbay.vendor'] === 'cortex');
    expect(cortex?.attributes).toMatchObject({ 'patchbay.account': fleet.account('cortex'), 'patchbay.attempts': 2, 'http.response.status_code': 503, 'error.type': 'VendorUnavailableError' });
    expect(cortex?.status.code).toBe(SpanStatusCode.ERROR);
    expect(cortex?.events.map((event) => event.attributes?.['patchbay.attempt'])).toEqual([1, 2]);
  });

  it('puts no header value, body or secret in any span', async () => {
    await fleet.gql(INVENTORY, {}, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`, 'x-request-id': 'trace-me-please' });
    await fleet.gql(
      'mutation { createChronosphereExternalConnection(input: { account: "chronosphere-demo", slug: "span-canary", name: "x", target: { sendgrid: { apiKey: "SG.span-canary-secret" } } }) { __typename } }',
    );
    const spans = JSON.stringify(exporter.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })));
    for (const secret of [...fleet.secrets, CI_KEY, 'SG.span-canary-secret', 'span-canary', 'trace-me-please', 'application/json']) expect(spans).not.toContain(secret);
  });

  it('makes no span for probes and scrapes', async () => {
    await fleet.request('/healthz');
    await fleet.request('/metrics');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('OTLP export from the standard environment variables', () => {
  it('is off without an endpoint, or when the SDK or the traces exporter is turned off', async () => {
    expect(await tracingFromEnvironment({})).toBeNull();
    expect(await tracingFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(await tracingFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
  });

  it('posts the spans of a request to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces when the gateway shuts down its tracing', async () => {
    const received: { path: string | undefined; contentType: string | undefined; body: string }[] = [];
    const collector = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url, contentType: request.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      const tracing = await tracingFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`, OTEL_SERVICE_NAME: 'patchbay-test' });
      if (tracing === null) throw new Error('tracing should be on');
      const exported = observedGateway(rig, { tracerProvider: tracing.provider });
      try {
        await exported.gql(INVENTORY, {}, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` });
      } finally {
        await exported.close();
        await tracing.shutdown();
      }
      expect(received.length).toBeGreaterThan(0);
      expect(received[0]?.path).toBe('/v1/traces');
      const all = received.map((r) => r.body).join('\n');
      expect(all).toContain('query Inventory');
      expect(all).toContain('patchbay-test');
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});
