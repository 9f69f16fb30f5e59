import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { PatchbayError } from '../errors.js';
import { CODE_PATTERN } from './labels.js';
import type { ContractBreakKind, VendorRouteLabels } from './metrics.js';
import { currentRequest, type RequestTelemetry } from './request-telemetry.js';

/** The class name of a typed error, `unexpected` for anything else (a bug: its message stays out). */
export function errorClassOf(error: unknown): string {
  return error instanceof PatchbayError && CODE_PATTERN.test(error.name) ? error.name : 'unexpected';
}

/**
 * One vendor request as the request's telemetry sees it: its series, its span (a child of the
 * GraphQL operation span) and the typed error it ended in. The HTTP stages report to it through
 * the call's tally; it carries labels only (vendor, account key, method, route template), never
 * a header, a body, a filled-in path or a secret. Outside a request (nothing to report to) there
 * is none, and the stages skip it.
 */
export class VendorCallObservation {
  private constructor(
    private readonly request: RequestTelemetry,
    private readonly labels: VendorRouteLabels,
    private readonly span: Span | null,
  ) {}

  /** Starts observing a request to `labels.route`; null outside a request. */
  static begin(labels: VendorRouteLabels): VendorCallObservation | null {
    const request = currentRequest();
    if (request === undefined) return null;
    const tracing = request.tracing;
    const span =
      tracing === null
        ? null
        : tracing.tracer.startSpan(
            `${labels.method} ${labels.route}`,
            {
              kind: SpanKind.CLIENT,
              attributes: { 'http.request.method': labels.method, 'url.template': labels.route, 'patchbay.vendor': labels.vendor, 'patchbay.account': labels.account },
            },
            tracing.parent,
          );
    return new VendorCallObservation(request, labels, span);
  }

  /** One attempt went out and ended: with an answer's status, or a transport failure's code. */
  attempt(number: number, status: number | null, failure: string | null): void {
    if (this.span === null) return;
    const attributes: Attributes = { 'patchbay.attempt': number };
    if (status !== null) attributes['http.response.status_code'] = status;
    if (failure !== null) attributes['error.type'] = failure;
    this.span.addEvent('attempt', attributes);
  }

  /** The request is sent again after an attempt that got `reason` (a status such as `503`, or `transport`). */
  retried(reason: string): void {
    this.request.metrics.vendorRetry(this.labels, reason);
  }

  quotaWaited(ms: number): void {
    this.request.metrics.quotaWait(this.labels, ms / 1000);
  }

  quotaRefused(): void {
    this.request.metrics.quotaRefusal(this.labels);
  }

  breakerRejected(): void {
    this.request.metrics.breakerRejection(this.labels);
  }

  /** A write's answer was lost after it was sent: `OutcomeUnknownError`, before any read-back. */
  outcomeUnknown(): void {
    this.request.metrics.vendorOutcomeUnknown(this.labels);
  }

  contractBroken(kind: ContractBreakKind, count = 1): void {
    this.request.metrics.contractBreak(this.labels, kind, count);
  }

  /** The request is over: its last status, attempts and duration, and the error it ended in (null for success). */
  end(status: number | null, attempts: number, durationMs: number, failure: { readonly error: unknown } | null): void {
    const errorClass = failure === null ? null : errorClassOf(failure.error);
    this.request.metrics.vendorRequest(this.labels, status, durationMs / 1000, errorClass);
    if (errorClass !== null) this.request.vendorErrors.add(errorClass);
    if (this.span === null) return;
    this.span.setAttribute('patchbay.attempts', attempts);
    if (status !== null) this.span.setAttribute('http.response.status_code', status);
    if (errorClass !== null) {
      this.span.setAttribute('error.type', errorClass);
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}
