/**
 * Benchmark: vendor calls over HTTP/1.1 and over HTTP/2 (`gateway.vendorHttp.allowH2`).
 *
 *   npm run bench:h2 [-- --calls 2000 --latency 20]
 *
 * The simulators serve plain http, so `npm run bench` cannot show what HTTP/2 changes. Here a TLS
 * server on 127.0.0.1 (a child process, so its CPU is not counted) answers a Datadog connection GET
 * (about 1 KB of JSON) `--latency` ms late, speaking HTTP/2 or HTTP/1.1 as the client's ALPN
 * chooses. It uses the self-signed certificate committed for the HTTP/2 test (test/http/fixtures).
 * This process sends the calls through Patchbay's own HTTP layer (the dispatcher and VendorHttp
 * every vendor client uses, answers parsed with zod) with allowH2 off and on, at 1, 16 and 64
 * calls in flight, and prints calls per second, this process's CPU per call, p50/p99 and how many
 * connections carried the calls.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createDispatcher } from '../src/core/http/dispatcher.js';
import { VendorHttp } from '../src/core/http/vendor-http.js';
import { silentLogger } from '../src/core/logger.js';
import { argument, percentile } from './proc.js';

const CERT = readFileSync(new URL('../test/http/fixtures/localhost-cert.pem', import.meta.url), 'utf8');
const KEY = readFileSync(new URL('../test/http/fixtures/localhost-key.pem', import.meta.url), 'utf8');

/** The server side: one TLS listener speaking h2 and http/1.1; reports its port, then connection counts on request. */
function serve(latencyMs: number): void {
  // The connections that carried calls since the last count: an HTTP/2 session or an HTTP/1.1 socket.
  const carriers = new Set<object>();
  const server = createSecureServer({ cert: CERT, key: KEY, allowHTTP1: true }, (request, response) => {
    const carrier = request.httpVersion === '2.0' ? request.stream.session : request.socket;
    if (carrier) carriers.add(carrier);
    const id = String(request.url).split('/').at(-1) ?? '';
    const body = JSON.stringify({
      data: {
        id,
        type: 'action_connection',
        attributes: {
          name: `pagerduty-${id}`,
          integration: {
            type: 'HTTP',
            base_url: 'https://events.pagerduty.example',
            credentials: { type: 'HTTPTokenAuth', tokens: [{ name: 'routing_key', type: 'SECRET' }], headers: [{ name: 'Content-Type', value: 'application/json' }] },
          },
          tags: ['team:sre', 'env:prod', 'service:alerts'],
          created_at: '2026-11-02T10:15:00.000Z',
          modified_at: '2026-11-20T08:00:00.000Z',
        },
        relationships: { creator: { data: { id: '00000000-0000-0000-0000-000000000001', type: 'users' } } },
      },
    });
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    }, latencyMs);
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message: { take?: boolean; stop?: boolean }) => {
    if (message.stop) server.close(() => process.exit(0));
    if (message.take) {
      process.send?.({ connections: carriers.size });
      carriers.clear();
    }
  });
  // Never outlive the benchmark.
  process.on('disconnect', () => process.exit(0));
}

const answer = z.object({ data: z.object({ id: z.string(), type: z.string(), attributes: z.object({ name: z.string(), tags: z.array(z.string()) }).passthrough() }) });

interface Row {
  readonly protocol: string;
  readonly inFlight: number;
  readonly calls: number;
  readonly rps: number;
  readonly cpuUsPerCall: number;
  readonly p50: number;
  readonly p99: number;
  readonly connections: number;
}

async function main(): Promise<void> {
  const latency = argument('latency', 20);
  const totalCalls = argument('calls', 2_000);
  const child = fork(process.argv[1] ?? '', ['--server', '--latency', String(latency)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(message: object): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (reply) => resolve(reply as T));
      if (Object.keys(message).length > 0) child.send(message);
    });
  const { port } = await ask<{ port: number }>({});
  const baseUrl = `https://127.0.0.1:${port}`;
  const rows: Row[] = [];
  try {
    for (const allowH2 of [false, true]) {
      for (const inFlight of [1, 16, 64]) {
        const calls = inFlight === 1 ? Math.max(50, Math.floor(totalCalls / 10)) : totalCalls;
        const dispatcher = createDispatcher({ ca: CERT, denyRanges: [], allowH2 });
        const http = new VendorHttp({
          vendor: 'datadog',
          vendorName: 'Datadog',
          account: 'bench',
          baseUrl,
          dispatcher,
          auth: { headers: () => ({ 'DD-API-KEY': 'bench-api-key' }) },
          parseError: () => ({}),
          logger: silentLogger,
          callTimeoutMs: 10_000,
        });
        const get = (i: number) => http.request({}, { method: 'GET', route: '/api/v2/actions/connections/{id}', params: { id: String(i) }, schema: answer });
        // Warm-up: connections opened, code paths compiled.
        await Promise.all(Array.from({ length: inFlight }, (_, i) => get(i)));
        await ask({ take: true });
        const latencies: number[] = [];
        let next = 0;
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            while (next < calls) {
              const i = next++;
              const t0 = performance.now();
              await get(i);
              latencies.push(performance.now() - t0);
            }
          }),
        );
        const wallMs = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        const { connections } = await ask<{ connections: number }>({ take: true });
        await dispatcher.close();
        latencies.sort((a, b) => a - b);
        rows.push({
          protocol: allowH2 ? 'HTTP/2 (allowH2)' : 'HTTP/1.1 (default)',
          inFlight,
          calls,
          rps: calls / (wallMs / 1000),
          cpuUsPerCall: (cpu.user + cpu.system) / calls,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          connections,
        });
      }
    }
  } finally {
    child.send({ stop: true });
  }
  console.log(`Vendor calls through Patchbay's HTTP layer to a TLS server on 127.0.0.1 answering ${latency} ms late (Node ${process.version})`);
  console.log('CPU is this process only (dispatcher, TLS, parsing); "connections" are those that carried the timed calls.\n');
  console.log('| protocol           | in flight | calls | calls/s | CPU µs/call | p50 ms | p99 ms | connections |');
  console.log('|:-------------------|----------:|------:|--------:|------------:|-------:|-------:|------------:|');
  for (const row of rows) {
    console.log(
      `| ${row.protocol.padEnd(18)} | ${String(row.inFlight).padStart(9)} | ${String(row.calls).padStart(5)} | ${row.rps.toFixed(1).padStart(7)} | ${row.cpuUsPerCall.toFixed(0).padStart(11)} | ${row.p50.toFixed(1).padStart(6)} | ${row.p99.toFixed(1).padStart(6)} | ${String(row.connections).padStart(11)} |`,
    );
  }
  for (const inFlight of [1, 16, 64]) {
    const h1 = rows.find((r) => r.inFlight === inFlight && r.protocol.startsWith('HTTP/1.1'));
    const h2 = rows.find((r) => r.inFlight === inFlight && r.protocol.startsWith('HTTP/2'));
    if (h1 && h2)
      console.log(
        `${inFlight} in flight: HTTP/2 uses ${(h2.cpuUsPerCall / h1.cpuUsPerCall).toFixed(2)}× the CPU per call of HTTP/1.1 and serves ${(h2.rps / h1.rps).toFixed(2)}× the calls per second`,
      );
  }
}

if (process.argv.includes('--server')) serve(argument('latency', 20));
else await main();
