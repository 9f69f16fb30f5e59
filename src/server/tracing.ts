import type { TracerProvider } from '@opentelemetry/api';

/** Where a gateway's spans go: a tracer provider, and how to flush and stop it on shutdown. */
export interface Tracing {
  readonly provider: TracerProvider;
  shutdown(): Promise<void>;
}

/** The environment variables that decide tracing, as the OpenTelemetry specification names them. */
type TracingEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * Tracing as the standard OpenTelemetry variables ask for it: on, exporting OTLP over HTTP, when
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set; off (null: no SDK
 * is even loaded, and no span is made) otherwise, or when
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. The exporter and the provider read the
 * rest from the process environment themselves (`OTEL_EXPORTER_OTLP_HEADERS`, timeouts,
 * `OTEL_TRACES_SAMPLER`, batch sizes);
 * `OTEL_SERVICE_NAME` names the service, `patchbay` by default.
 */
export async function tracingFromEnvironment(env: TracingEnvironment): Promise<Tracing | null> {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return null;
  if (env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase() === 'none') return null;
  const url = tracesUrl(env);
  if (url === null) return null;
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BasicTracerProvider, BatchSpanProcessor }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME']?.trim() || 'patchbay' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  return { provider, shutdown: () => provider.shutdown() };
}

/**
 * Where spans are posted: the traces endpoint as given, or `/v1/traces` under the general
 * endpoint (the specification's rule for OTLP over HTTP); null when neither is set.
 */
function tracesUrl(env: TracingEnvironment): string | null {
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (traces) return traces;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : null;
}
