// Bench-only (npm run bench): GraphQL Mesh composes a supergraph from the vendors' own OpenAPI
// documents in docs/vendors, pointed at the running simulators. bench/compare.ts runs
// `mesh-compose -c mesh.config.mjs -o <file>` with BENCH_HIVE_SOURCES set (JSON: each vendor's base
// URL and credential), then serves the result with `hive-gateway supergraph <file>`.
// Cloud Manager (Digest) and OpsRamp (OAuth2 client credentials) are left out: a static header
// cannot authenticate to them.
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const sources = JSON.parse(process.env.BENCH_HIVE_SOURCES ?? '{}');
const docs = new URL('../../docs/vendors/', import.meta.url);
const doc = (path) => new URL(path, docs).pathname;

function need(vendor) {
  const source = sources[vendor];
  if (!source?.baseUrl) throw new Error(`BENCH_HIVE_SOURCES has no ${vendor} base URL`);
  return source;
}

const cortex = need('cortex');
const chronosphere = need('chronosphere');
const datadog = need('datadog');

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('Cortex', {
        source: doc('cortex/openapi-pagerduty.yaml'),
        endpoint: cortex.baseUrl,
        operationHeaders: { Authorization: `Bearer ${cortex.token}` },
      }),
    },
    {
      sourceHandler: loadOpenAPISubgraph('Chronosphere', {
        source: doc('chronosphere/swagger-configv1-external-connections.json'),
        endpoint: chronosphere.baseUrl,
        operationHeaders: { 'API-Token': chronosphere.apiToken },
      }),
    },
    {
      sourceHandler: loadOpenAPISubgraph('Datadog', {
        source: doc('datadog/openapi-v2-action-connection.yaml'),
        endpoint: datadog.baseUrl,
        operationHeaders: { 'DD-API-KEY': datadog.apiKey, 'DD-APPLICATION-KEY': datadog.appKey },
      }),
    },
  ],
});
