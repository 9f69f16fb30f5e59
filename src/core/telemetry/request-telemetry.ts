import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context, Tracer } from '@opentelemetry/api';
import type { GatewayMetrics } from './metrics.js';

/** What one request's vendor calls, store calls and log lines report to, wherever they run. */
export interface RequestTelemetry {
  /** The id the request's log lines carry and its response returns in `x-request-id`. */
  readonly requestId: string;
  /** The gateway's metrics (one registry per gateway). */
  readonly metrics: GatewayMetrics;
  /** Where vendor call spans go, and the operation span they are children of; null when tracing is off. */
  readonly tracing: { readonly tracer: Tracer; readonly parent: Context } | null;
  /** Typed error classes the request's vendor calls ended in, for its log line (bounded by the error catalogue). */
  readonly vendorErrors: Set<string>;
}

/**
 * The request a piece of code runs for. The CallScope carries a request's deadline and signal
 * down to each vendor call explicitly; telemetry rides along implicitly instead, so that a
 * vendor call's metrics, span and log lines reach the right gateway and request without every
 * layer between the server and the HTTP stages passing it on. The storage holds no request data
 * of its own: each request's value lives as long as the request's async work.
 */
const storage = new AsyncLocalStorage<RequestTelemetry>();

/** Runs `work` (and everything it starts) as part of the request described by `telemetry`. */
export function runInRequest<T>(telemetry: RequestTelemetry, work: () => T): T {
  return storage.run(telemetry, work);
}

/** The telemetry of the request the caller runs for; undefined outside any request. */
export function currentRequest(): RequestTelemetry | undefined {
  return storage.getStore();
}

/** A request id a caller may choose: a plain token, never anything a log line could be broken or forged with. */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:=+/@-]{1,128}$/;

/** The caller's `x-request-id` when it is a plain id of at most 128 safe characters; otherwise a new one. */
export function requestIdOf(given: string | null): string {
  return given !== null && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}
