import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';

/** The local Redis the shared-limits tests use; nothing is persisted, every run has its own key prefix. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Whether something answers on the local Redis port (a quick TCP connect, bounded). */
export async function redisReachable(timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Why a test is skipped without Redis: said in its title, so a skip is never silent. */
export const NO_REDIS = 'skipped: no Redis answers at 127.0.0.1:6379 (start one, e.g. `redis-server --save "" --port 6379`)';

/** A key prefix of its own for one test run, and a way to delete every key under it afterwards. */
export function testPrefix(name: string): { readonly prefix: string; cleanUp(): Promise<void> } {
  const prefix = `patchbay-test:${name}:${randomUUID()}:`;
  return {
    prefix,
    async cleanUp() {
      const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await client.connect();
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
          if (keys.length > 0) await client.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    },
  };
}

/** Counts the keys under a prefix (to check that a run leaves nothing behind). */
export async function countKeys(prefix: string): Promise<number> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    return (await client.keys(`${prefix}*`)).length;
  } finally {
    client.disconnect();
  }
}

/** A 127.0.0.1 port on which nothing listens (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/**
 * A TCP proxy in front of the local Redis that can stall (a Redis that is up but slow): while
 * stalled, what either side sends is held back, and it is delivered, in order, on `resume()`.
 */
export class StallingRedisProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly held: (() => void)[] = [];
  private stalled = false;

  async start(): Promise<string> {
    const server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: 6379 });
      this.sockets.add(client).add(upstream);
      const forward = (to: Socket) => (chunk: Buffer) => {
        if (this.stalled) this.held.push(() => to.write(chunk));
        else to.write(chunk);
      };
      client.on('data', forward(upstream));
      upstream.on('data', forward(client));
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    return `redis://127.0.0.1:${address.port}`;
  }

  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
    for (const send of this.held.splice(0)) send();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
