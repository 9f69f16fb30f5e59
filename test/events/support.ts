import type { HealthChangeRow, ChangeRow } from '../../src/core/store/history-store.js';

/** One Server-Sent Event as a test reads it: its `event:` name and its `data:` parsed as JSON (null when empty). */
export interface SseEvent {
  readonly event: string;
  readonly data: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } | null;
}

/** An open subscription stream: its HTTP status, and the events as they arrive. */
export interface SseStream {
  readonly status: number;
  readonly contentType: string | null;
  /** The next event (keep-alive comments skipped); fails after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Resolves true when no event arrives within `ms` (the stream may stay open). */
  quietFor(ms: number): Promise<boolean>;
  /** The client goes away: the body is cancelled and the request aborted. */
  close(): Promise<void>;
  /** The whole body as read so far, for "never appears" checks. */
  readonly raw: () => string;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response> | Response;

/**
 * Opens a subscription over SSE through `fetch` (a gateway's `yoga.fetch`, or the global fetch to
 * a gateway process) and reads its events one at a time.
 */
export async function openSse(fetch: Fetch, url: string, query: string, options: { variables?: Record<string, unknown>; token?: string; method?: 'GET' | 'POST' } = {}): Promise<SseStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream', ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) };
  let response: Response;
  if (options.method === 'GET') {
    const target = new URL(url);
    target.searchParams.set('query', query);
    if (options.variables) target.searchParams.set('variables', JSON.stringify(options.variables));
    response = await fetch(target.toString(), { method: 'GET', headers, signal: abort.signal });
  } else {
    response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: options.variables }), signal: abort.signal });
  }
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let all = '';
  const ready: SseEvent[] = [];
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  let ended = false;

  const take = (): SseEvent | undefined => {
    for (;;) {
      const at = buffer.indexOf('\n\n');
      if (at === -1) return ready.shift();
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length === 0 && event === 'message') continue;
      const text = data.join('\n');
      ready.push({ event, data: text === '' ? null : (JSON.parse(text) as SseEvent['data']) });
    }
  };

  const read = async (timeoutMs: number): Promise<SseEvent | 'timeout' | 'end'> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = take();
      if (found) return found;
      if (ended || !reader) return 'end';
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      pending ??= reader.read();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([pending, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left)))]);
      clearTimeout(timer);
      if (outcome === 'timeout') return 'timeout';
      pending = null;
      if (outcome.done) {
        ended = true;
        continue;
      }
      const text = decoder.decode(outcome.value, { stream: true });
      buffer += text.replace(/\r\n/g, '\n');
      all += text;
    }
  };

  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    async next(timeoutMs = 3_000) {
      const got = await read(timeoutMs);
      if (got === 'timeout') throw new Error(`no event within ${timeoutMs} ms`);
      if (got === 'end') throw new Error('the stream ended');
      return got;
    },
    async quietFor(ms) {
      const got = await read(ms);
      if (got === 'timeout' || got === 'end') return true;
      ready.unshift(got);
      return false;
    },
    async close() {
      abort.abort();
      await reader?.cancel().catch(() => undefined);
    },
    raw: () => all,
  };
}

let nextRowId = 1_000_000;

/** A change row as the log would hold it, for publishing straight onto a hub. */
export function changeRow(fields: Partial<ChangeRow> & Pick<ChangeRow, 'account' | 'vendor'>): ChangeRow {
  nextRowId += 1;
  return {
    id: nextRowId,
    eventId: `evt-change-${nextRowId}`,
    connectionId: `conn-${nextRowId}`,
    name: `connection ${nextRowId}`,
    kind: 'UPDATED',
    actor: 'OUTSIDE_PATCHBAY',
    seen: 'SCAN',
    diff: [{ path: 'name', kind: 'CHANGED', secret: false, before: 'old', after: 'new' }],
    at: new Date(),
    ...fields,
  };
}

/** A health transition row, for publishing straight onto a hub. */
export function healthRow(fields: Partial<HealthChangeRow> & Pick<HealthChangeRow, 'account' | 'vendor'>): HealthChangeRow {
  nextRowId += 1;
  return {
    id: nextRowId,
    eventId: `evt-health-${nextRowId}`,
    status: 'FAILING',
    previous: 'HEALTHY',
    errorType: 'VendorAuthError',
    errorMessage: 'The vendor refused the credentials.',
    at: new Date(),
    ...fields,
  };
}

/** Waits until `condition` holds, checking every 10 ms; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
