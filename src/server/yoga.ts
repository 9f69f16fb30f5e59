import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, maskError as defaultMaskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { createRequestContext, type GatewayContext, type GatewayDeps } from '../app/context.js';
import { InputValidationError, PatchbayError } from '../core/errors.js';
import type { LimitStoreStatus } from '../core/http/limits.js';
import { noValueEchoPlugin } from './no-value-echo.js';
import { browserSafetyPlugin, corsOption } from './browser-safety.js';
import { operationLimitPlugins } from './operation-limits.js';
import { rateLimitPlugin } from './rate-limit.js';
import { createAuthGate } from './auth-plugin.js';
import { FIRST_QUERY, graphiqlPlugin, renderGraphiQL } from './graphiql.js';
import { observabilityPlugin, type Observability } from './observability.js';
import { vendorReadiness } from './readiness.js';
import type { StoreCheck } from '../core/store/store-check.js';

/** The query GraphiQL opens with (the README's first query); kept importable from here for its tests. */
export { FIRST_QUERY };

/**
 * Typed domain errors that escape a field without a result union (node lookups, list arguments)
 * keep their safe message and carry their type as `extensions.code`; anything else stays masked.
 * Never in Yoga's development mode, whatever NODE_ENV says: it adds `extensions.originalError`,
 * and so does Yoga's own JSON body parser in every mode, with the parser's message, which quotes
 * the body the caller sent. That extension is taken off every error.
 */
function maskError(error: unknown, message: string): Error {
  // Duck-typed: under some loaders graphql-js is present twice, so `instanceof GraphQLError` can fail.
  const original = typeof error === 'object' && error !== null && 'originalError' in error ? (error as { originalError: unknown }).originalError : error;
  if (original instanceof PatchbayError) {
    return new GraphQLError(original.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes ?? null, path: error.path ?? null } : pathOf(error)),
      extensions: { code: original.name, ...(original instanceof InputValidationError ? { fieldErrors: original.fieldErrors } : {}) },
    });
  }
  return withoutOriginalError(defaultMaskError(error, message, false));
}

function withoutOriginalError(error: Error): Error {
  const extensions: unknown = 'extensions' in error ? error.extensions : undefined;
  if (typeof extensions === 'object' && extensions !== null && 'originalError' in extensions) Reflect.deleteProperty(extensions, 'originalError');
  return error;
}

function pathOf(error: unknown): { path?: readonly (string | number)[] } {
  const path = typeof error === 'object' && error !== null ? (error as { path?: unknown }).path : undefined;
  return Array.isArray(path) ? { path: path as (string | number)[] } : {};
}

/** Adds `extensions.vendorCalls` (route templates, statuses, timings; never headers or bodies). */
function vendorCallsPlugin(): Plugin<GatewayContext> {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        const calls = () => [...args.contextValue.vendorCalls];
        if (Symbol.asyncIterator in result) {
          // Incremental delivery (@defer/@stream): each payload carries the calls made so far.
          return { onNext: ({ result: part, setResult: setPart }) => setPart({ ...part, extensions: { ...part.extensions, vendorCalls: calls() } }) };
        }
        setResult({ ...result, extensions: { ...result.extensions, vendorCalls: calls() } });
        return undefined;
      },
    }),
  };
}

/** What `/readyz` asks besides the vendors: the store's own check, and whether the replica is stopping. */
export interface ProbeOptions {
  /** The store's readiness check (store-check.ts, on its own connection); default: a bounded `ping` through the store. */
  readonly storeCheck?: () => Promise<StoreCheck>;
  /** True from SIGTERM on: `/readyz` answers 503 "draining" while in-flight and late requests are still served. */
  readonly draining?: () => boolean;
  /**
   * Where quotas and breakers live (process or Redis, connected or degraded). Reported in the body
   * only: Redis being down makes a replica decide alone, never unready.
   */
  readonly sharedLimits?: () => LimitStoreStatus;
}

/** Readiness through the store itself, for gateways built without a store check of their own (tests, the demo). */
function pingCheck(deps: GatewayDeps): () => Promise<StoreCheck> {
  return async () => {
    const started = performance.now();
    const ok = await deps.store.ping(1_000);
    return { status: ok ? 'ok' : 'unreachable', latencyMs: Math.round(performance.now() - started), lockedTables: [], pool: deps.store.poolStats() };
  };
}

/**
 * `GET /healthz` (the process is up) and `GET /readyz`: 503 while draining (from SIGTERM on) or
 * when the store does not answer its own bounded check; 200 otherwise. The body says what the
 * check found: `storeCheck.status` (`ok`, `degraded` with the tables another session has locked,
 * `unreachable`), its latency and the request pool's saturation, and the vendor accounts whose
 * last probe was not healthy. A locked table is reported, not turned into a 503: the lock holds
 * every replica alike, and taking them all out would also stop the reads that need no store.
 */
function probesPlugin(deps: GatewayDeps, options: ProbeOptions): Plugin {
  const vendors = vendorReadiness(deps);
  const storeCheck = options.storeCheck ?? pingCheck(deps);
  const draining = options.draining ?? (() => false);
  // A new object each time: the server's Response adds content-length to the init object it is given.
  const json = () => ({ 'content-type': 'application/json' });
  return {
    onRequest: async ({ url, endResponse, fetchAPI }) => {
      if (url.pathname === '/healthz') {
        endResponse(new fetchAPI.Response(JSON.stringify({ status: 'ok' }), { status: 200, headers: json() }));
      } else if (url.pathname === '/readyz') {
        if (draining()) {
          endResponse(new fetchAPI.Response(JSON.stringify({ status: 'draining', accounts: deps.accounts.entries.length }), { status: 503, headers: json() }));
          return;
        }
        const check = await storeCheck();
        const reachable = check.status !== 'unreachable';
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              status: reachable ? 'ready' : 'not ready',
              accounts: deps.accounts.entries.length,
              store: reachable,
              storeCheck: check,
              vendors: vendors(),
              ...(options.sharedLimits ? { sharedLimits: options.sharedLimits() } : {}),
            }),
            { status: reachable ? 200 : 503, headers: json() },
          ),
        );
      }
    },
  };
}

/** Builds the gateway from its dependencies. It opens nothing and listens nowhere. */
export function createGateway(deps: GatewayDeps, schema: GraphQLSchema, observability: Observability, probes: ProbeOptions = {}): YogaServerInstance<Record<string, unknown>, GatewayContext> {
  const auth = createAuthGate(deps.authenticator, deps.logger);
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    context: ({ request }) => createRequestContext(deps, request.signal, auth.principalOf(request)),
    maskedErrors: { maskError, isDev: false },
    // Served from the package, never a CDN: GraphiQL works where the browser has no internet.
    graphiql: { defaultQuery: FIRST_QUERY, title: 'Patchbay' },
    renderGraphiQL,
    landingPage: false,
    cors: corsOption(deps.gateway.http),
    maxRequestBodySize: deps.gateway.limits.maxRequestBytes,
    logging: {
      debug: () => {},
      info: (...args: unknown[]) => deps.logger.info(String(args[0])),
      warn: (...args: unknown[]) => deps.logger.warn(String(args[0])),
      error: (...args: unknown[]) => deps.logger.error(String(args[0] instanceof Error ? args[0].name : args[0])),
    },
    // The scrubber comes last so that it sees (and rewrites) the final result.
    plugins: [
      // First: every request (probes and refusals included) gets its request id, span, series and log line.
      observabilityPlugin(observability, auth.principalOf),
      probesPlugin(deps, probes),
      browserSafetyPlugin(deps.gateway.http),
      // Before the gate: Yoga serves the page itself before any plugin, so its files are as public.
      graphiqlPlugin(),
      auth.plugin,
      rateLimitPlugin(deps.gateway.limits.requestsPerMinute, deps.clock),
      ...operationLimitPlugins({ gateway: deps.gateway, accounts: deps.accounts.entries.length }),
      useDeferStream(),
      ...(deps.exposeVendorCalls ? [vendorCallsPlugin()] : []),
      noValueEchoPlugin(),
    ],
  });
}
