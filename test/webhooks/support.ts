import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST a test receiver got, as it came off the socket. */
export interface Received {
  readonly eventId: string | undefined;
  readonly signature: string | undefined;
  readonly contentType: string | undefined;
  /** The raw body, decoded as UTF-8 without any parsing. */
  readonly body: string;
  readonly path: string;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

/** How a receiver answers its `n`th request (from 1): a status, or `hang` (no answer at all). */
export type Answer = (n: number, request: Received) => number | 'hang' | Promise<number | 'hang'>;

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly received: Received[];
  /** Most requests of one event id in flight at once, over the receiver's life. */
  readonly maxInFlightPerEvent: () => number;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 (ephemeral port) that records every request's raw body and headers. */
export async function startReceiver(answer: Answer): Promise<Receiver> {
  const received: Received[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlight = 0;
  const hanging: ServerResponse[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value.join(',') : value;
      };
      const got: Received = {
        eventId: header('patchbay-event-id'),
        signature: header('patchbay-signature'),
        contentType: header('content-type'),
        body: Buffer.concat(chunks).toString('utf8'),
        path: request.url ?? '',
        at: Date.now(),
      };
      received.push(got);
      const key = got.eventId ?? '';
      const now = (inFlight.get(key) ?? 0) + 1;
      inFlight.set(key, now);
      maxInFlight = Math.max(maxInFlight, now);
      void Promise.resolve(answer(received.length, got)).then((status) => {
        if (status === 'hang') {
          hanging.push(response);
          return;
        }
        inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    maxInFlightPerEvent: () => maxInFlight,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether `header` (`t=<s>,v1=<hex>`) signs `rawBody` under `secret`, computed here independently of the gateway's code. */
export function signatureValid(header: string | undefined, rawBody: string, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${rawBody}`, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(match[2] ?? '', 'hex'));
}

/** The `t` of a signature header, in seconds. */
export function signatureTime(header: string | undefined): number {
  return Number(/^t=(\d+),/.exec(header ?? '')?.[1] ?? Number.NaN);
}

/** Waits until `condition` holds (checked every 10 ms), failing after `timeoutMs` with `what`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
