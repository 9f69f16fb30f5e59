import { EVENT_TYPES, type EventType } from '../events.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_DENY_RANGES, insecureUrlProblem, parseRange } from '../http/egress.js';
import { DEFAULT_CONNECTIONS_PER_ORIGIN, DEFAULT_KEEP_ALIVE_TIMEOUT_MS } from '../http/dispatcher.js';
import { authSchema, type AuthConfig } from '../auth/config.js';

/**
 * The config file's shape. Every message written here is ours and never quotes the value
 * it refuses: the file holds credentials. Messages for zod's built-in issues are written by
 * `configErrorMap` in load.ts, which follows the same rule.
 */

/** A config key: an account id. */
export const CONFIG_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const CONFIG_KEY_MESSAGE = "must be 1-64 characters of A-Z, a-z, 0-9, '_', '.' or '-'";

export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;
export const DEFAULT_VENDOR_CALL_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
/** Default lease of an idempotency claim, in seconds (see `gateway.idempotencyLeaseSeconds`). */
export const DEFAULT_IDEMPOTENCY_LEASE_SECONDS = 30;

const configKey = z.string().regex(CONFIG_KEY_PATTERN, { error: CONFIG_KEY_MESSAGE });

/** A credential: any non-empty string. */
export const credential = z.string().min(1, { error: 'must not be empty' });

/**
 * An absolute http(s) URL without user info (a password in a URL ends up in logs) or fragment;
 * `query` says whether it may carry a query string. `credentialsHint` tells where credentials go
 * instead. Answers the parsed URL, or adds an issue and answers null.
 */
function httpUrl(raw: string, ctx: z.RefinementCtx, options: { readonly query: boolean; readonly credentialsHint: string }): URL | null {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    return null;
  }
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({ code: 'custom', message: `must not contain credentials (user:password@); ${options.credentialsHint}` });
    return null;
  }
  // `new URL` drops an empty '?' or '#', so look at the text as well.
  const fragment = url.hash !== '' || text.includes('#');
  const query = url.search !== '' || text.includes('?');
  if (fragment || (query && !options.query)) {
    ctx.addIssue({ code: 'custom', message: options.query ? 'must not contain a fragment' : 'must not contain a query string or fragment' });
    return null;
  }
  return url;
}

/**
 * Any absolute http(s) URL without user info, query or fragment. Trailing slashes are
 * removed, so clients can append paths that start with '/'.
 */
export const baseUrlSchema = z.string().transform((raw, ctx) => {
  const url = httpUrl(raw, ctx, { query: false, credentialsHint: 'put them in the account fields' });
  return url === null ? z.NEVER : url.href.replace(/\/+$/, '');
});

/** Fields every account has, whatever its vendor; each vendor's schema spreads them. */
export const accountFields = {
  id: configKey,
  baseUrl: baseUrlSchema,
  displayName: z.string().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }).optional(),
  /** Per-call timeout for this account's vendor calls (overrides the gateway default). */
  callTimeoutMs: z.int().min(100, { error: 'must be at least 100' }).max(120_000, { error: 'must be at most 120000' }).optional(),
  /** Client-side rate limit towards this account's vendor. */
  maxRequestsPerMinute: z.int().positive({ error: 'must be greater than 0' }).optional(),
  /** Lets `baseUrl` use plain http to a host that is not this machine (credentials then cross the network in clear). */
  allowInsecureHttp: z.boolean().optional(),
};

/** A browser origin as the `Origin` header carries it: scheme, host and port, nothing else. */
const originSchema = z.string().refine(
  (text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
    } catch {
      return false;
    }
  },
  { error: 'must be an origin such as https://console.example.com (scheme, host and optional port; no path or trailing slash)' },
);

/** A `Host` header value: a host name or address, with an optional port. */
const hostSchema = z
  .string()
  .regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/, { error: 'must be a host name or address with an optional :port, e.g. patchbay.example.com' })
  .transform((host) => host.toLowerCase());

/**
 * What browsers may do (src/server/browser-safety.ts). POST bodies other than JSON are always
 * refused and mutations never run over GET; these lists open what is closed by default.
 */
const httpSchema = z.strictObject({
  /** Origins whose pages may call Patchbay (CORS). Empty: no CORS headers, so no cross-origin page may read an answer. */
  corsOrigins: z.array(originSchema).max(100, { error: 'must list at most 100 origins' }).default([]),
  /** `Host` header values served (DNS-rebinding guard); others get 421. Empty: any host. */
  allowedHosts: z.array(hostSchema).max(100, { error: 'must list at most 100 hosts' }).default([]),
});

/** Operation limits: production defaults that still let every documented query through. */
export const DEFAULT_OPERATION_LIMITS = {
  maxRequestBytes: 1_048_576,
  maxQueryBytes: 32_768,
  maxTokens: 2_000,
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 30,
  maxDeferred: 10,
  maxMutations: 10,
  maxIds: 100,
  costLimit: 200,
  requestsPerMinute: 600,
} as const;

const positiveLimit = (fallback: number, max: number) =>
  z
    .int()
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

/** Checked before a request executes (src/server/operation-limits.ts, src/server/rate-limit.ts). */
const limitsSchema = z.strictObject({
  /** Largest HTTP request body (query and variables together); larger ones get 413 unread. */
  maxRequestBytes: positiveLimit(DEFAULT_OPERATION_LIMITS.maxRequestBytes, 64 * 1024 * 1024),
  /** Largest query text, in UTF-8 bytes; checked before it is parsed. */
  maxQueryBytes: positiveLimit(DEFAULT_OPERATION_LIMITS.maxQueryBytes, 16 * 1024 * 1024),
  /** Most lexical tokens in the query; parsing stops at the first one over. */
  maxTokens: positiveLimit(DEFAULT_OPERATION_LIMITS.maxTokens, 1_000_000),
  /** Deepest field nesting (fragments do not add a level; introspection is not counted). */
  maxDepth: positiveLimit(DEFAULT_OPERATION_LIMITS.maxDepth, 1_000),
  /** Most aliased fields in one operation. */
  maxAliases: positiveLimit(DEFAULT_OPERATION_LIMITS.maxAliases, 100_000),
  /** Most directives in one operation. */
  maxDirectives: positiveLimit(DEFAULT_OPERATION_LIMITS.maxDirectives, 100_000),
  /** Most `@defer` and `@stream` uses in one operation, fragments expanded. */
  maxDeferred: positiveLimit(DEFAULT_OPERATION_LIMITS.maxDeferred, 10_000),
  /** Most root mutation fields (aliases counted) in one request. */
  maxMutations: positiveLimit(DEFAULT_OPERATION_LIMITS.maxMutations, 10_000),
  /** Most ids one field may take, e.g. `nodes(ids:)`. */
  maxIds: positiveLimit(DEFAULT_OPERATION_LIMITS.maxIds, 100_000),
  /** Most vendor calls one request may start, as the cost model counts them before execution. */
  costLimit: positiveLimit(DEFAULT_OPERATION_LIMITS.costLimit, 1_000_000),
  /** Requests per minute per caller (a token bucket that holds a minute's worth); 0 turns the limit off. */
  requestsPerMinute: z.int().min(0, { error: 'must be at least 0' }).max(1_000_000, { error: 'must be at most 1000000' }).default(DEFAULT_OPERATION_LIMITS.requestsPerMinute),
});

/** Outbound connections: the deny-list is checked on the address each connection is opened to. */
const egressSchema = z.strictObject({
  /** CIDR ranges (or single addresses) never connected to. Default: link-local and cloud metadata addresses. */
  denyRanges: z
    .array(z.string().refine((text) => parseRange(text) !== null, { error: 'must be an IPv4 or IPv6 address range such as 169.254.0.0/16 or fe80::/10' }))
    .max(1_000, { error: 'must list at most 1000 ranges' })
    .default([...DEFAULT_DENY_RANGES]),
});

/**
 * The sockets vendor calls travel on (src/core/http/dispatcher.ts): one keep-alive pool per vendor
 * origin, shared by every account on that origin. The pool must not be what limits throughput
 * when a vendor is slow: each call holds a socket for the whole round trip.
 */
const vendorHttpSchema = z.strictObject({
  /** Most sockets open at once to one vendor origin; calls beyond it queue for a free socket. */
  connectionsPerOrigin: z.int().min(1, { error: 'must be at least 1' }).max(65_536, { error: 'must be at most 65536' }).default(DEFAULT_CONNECTIONS_PER_ORIGIN),
  /** How long an idle socket is kept for the next call. */
  keepAliveTimeoutMs: z.int().min(100, { error: 'must be at least 100' }).max(600_000, { error: 'must be at most 600000' }).default(DEFAULT_KEEP_ALIVE_TIMEOUT_MS),
  /** Offer HTTP/2 (ALPN) on TLS connections; a vendor that picks it gets calls multiplexed on one socket. */
  allowH2: z.boolean({ error: 'must be true or false' }).default(false),
});

/** Paths the gateway serves itself, which the metrics endpoint may not take. */
const RESERVED_PATHS: ReadonlySet<string> = new Set(['/graphql', '/healthz', '/readyz']);

/**
 * The Prometheus endpoint (src/server/observability.ts). It answers before GraphQL authentication,
 * like the probes, so that a scraper needs no API key; `token` closes it to anyone without
 * `Authorization: Bearer <token>`. Its labels carry account keys and route templates, never a
 * secret or an id.
 */
const metricsSchema = z.strictObject({
  /** Whether the endpoint is served at all (the metrics are kept either way: they cost little). */
  enabled: z.boolean().default(true),
  /** Where it is served. */
  path: z
    .string()
    .regex(/^(?:\/[A-Za-z0-9._~-]+)+$/, { error: "must be a path such as /metrics: '/'-separated segments of A-Z, a-z, 0-9, '.', '_', '~' or '-'" })
    .max(100, { error: 'must be at most 100 characters' })
    .refine((path) => !RESERVED_PATHS.has(path), { error: 'must not be /graphql, /healthz or /readyz' })
    .default('/metrics'),
  /** When set, a scrape must send `Authorization: Bearer <token>` (use `${ENV_VAR}`); otherwise it gets 401. */
  token: credential.optional(),
});

const intRange = (min: number, max: number, fallback: number) =>
  z
    .int()
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

/** Store defaults (src/core/store/sql.ts): sized for one replica among several on one PostgreSQL. */
export const DEFAULT_STORE = {
  poolSize: 10,
  connectionTimeoutMs: 5_000,
  statementTimeoutMs: DEFAULT_REQUEST_DEADLINE_MS,
  lockTimeoutMs: 2_000,
  idleInTransactionTimeoutMs: 60_000,
  applicationName: 'patchbay',
  migrate: true,
  startupParameters: true,
} as const;

/**
 * The PostgreSQL store (ignored by the embedded one, except `migrate`). Every setting reaches the
 * server as a connection startup parameter, never a `SET`, so it holds behind PgBouncer's
 * transaction pooling too. A timeout of 0 turns that server-side timeout off.
 */
const storeSchema = z.strictObject({
  /** Most connections this replica's request pool opens. */
  poolSize: intRange(1, 1_000, DEFAULT_STORE.poolSize),
  /** How long a store call waits to connect or for a free pooled connection before it fails (StoreUnavailableError). */
  connectionTimeoutMs: intRange(100, 600_000, DEFAULT_STORE.connectionTimeoutMs),
  /** `statement_timeout`: the server ends a statement running longer. */
  statementTimeoutMs: intRange(0, 3_600_000, DEFAULT_STORE.statementTimeoutMs),
  /** `lock_timeout`: a statement waiting longer for a table or row lock fails (and is retried within the request deadline). */
  lockTimeoutMs: intRange(0, 3_600_000, DEFAULT_STORE.lockTimeoutMs),
  /** `idle_in_transaction_session_timeout`: the server ends a session left idle inside a transaction. */
  idleInTransactionTimeoutMs: intRange(0, 3_600_000, DEFAULT_STORE.idleInTransactionTimeoutMs),
  /** `application_name`: how this replica's connections show in pg_stat_activity. */
  applicationName: z
    .string()
    .regex(/^[A-Za-z0-9_.:@-]{1,63}$/, { error: "must be 1-63 characters of A-Z, a-z, 0-9, '_', '.', ':', '@' or '-'" })
    .default(DEFAULT_STORE.applicationName),
  /** Whether the gateway applies pending migrations at start; false: run `patchbay migrate` first (a schema behind refuses to start). */
  migrate: z.boolean().default(DEFAULT_STORE.migrate),
  /**
   * Whether the three timeouts go in each connection's startup message (the default). A pooler
   * that refuses unknown startup parameters (PgBouncer unless they are in its
   * `ignore_startup_parameters`) needs false: then only `application_name` is sent, and the
   * timeouts are the role's or database's (`ALTER ROLE … SET lock_timeout = '2s'`).
   */
  startupParameters: z.boolean({ error: 'must be true or false' }).default(DEFAULT_STORE.startupParameters),
});

/** Retention (src/core/store/retention.ts): one replica at a time deletes old rows in bounded batches. */
const retentionSchema = z.strictObject({
  /** Audit rows older than this many days are deleted; 0 keeps them forever. */
  auditDays: intRange(0, 36_500, 90),
  /** Finished idempotency records older than this many hours are deleted (an unfinished claim never is); 0 keeps them forever. */
  idempotencyHours: intRange(0, 87_600, 24),
  /** How often a replica tries to run it (one at a time across the fleet). */
  intervalMinutes: intRange(1, 10_080, 60),
});

/** Change history and drift scans (src/app/drift.ts). */
const historySchema = z.strictObject({
  /** How often each account is read for what changed outside Patchbay, in seconds; 0 turns the scans off. */
  scanIntervalSeconds: intRange(0, 86_400, 300),
  /** Each account's next scan is moved by up to this fraction of the interval, either way, so accounts do not scan in step. */
  scanJitter: z.number({ error: 'must be a number from 0 to 0.5' }).min(0, { error: 'must be at least 0' }).max(0.5, { error: 'must be at most 0.5' }).default(0.2),
  /** How many accounts one replica scans at once. */
  scanConcurrency: intRange(1, 32, 2),
});

/** What SIGTERM does (src/server/main.ts). */
const shutdownSchema = z.strictObject({
  /** After SIGTERM, `/readyz` answers 503 "draining" for this long while the gateway still serves, so load balancers take it out first. */
  drainDelayMs: intRange(0, 600_000, 0),
  /** Then: stops accepting and waits this long for requests in flight before closing their connections. */
  graceMs: intRange(0, 600_000, 10_000),
});

export const gatewaySchema = z.strictObject({
  /** Budget for one whole GraphQL request. */
  requestDeadlineMs: z.int().min(100, { error: 'must be at least 100' }).max(600_000, { error: 'must be at most 600000' }).default(DEFAULT_REQUEST_DEADLINE_MS),
  /** Default per-call timeout for vendor calls. */
  vendorCallTimeoutMs: z.int().min(100, { error: 'must be at least 100' }).max(120_000, { error: 'must be at most 120000' }).default(DEFAULT_VENDOR_CALL_TIMEOUT_MS),
  /** Whether vendor call details are exposed in GraphQL extensions. */
  exposeVendorCalls: z.boolean().default(false),
  /** Largest vendor response body that will be read. */
  maxResponseBytes: z.int().positive({ error: 'must be greater than 0' }).default(DEFAULT_MAX_RESPONSE_BYTES),
  /** Browser safety: CORS origins and allowed `Host` values. */
  http: httpSchema.prefault({}),
  /** Operation limits and the per-caller rate limit. */
  limits: limitsSchema.prefault({}),
  /** Whether introspection queries are answered. Unset: yes, except in config mode with NODE_ENV=production (main.ts decides). */
  introspection: z.boolean().optional(),
  /** Whether validation errors suggest field, argument, type and enum names. Unset: like `introspection`. */
  fieldSuggestions: z.boolean().optional(),
  /** Where vendor calls may go: address ranges refused at connect time (src/core/http/egress.ts). */
  egress: egressSchema.prefault({}),
  /** Socket pools towards the vendors: per origin, sized for slow vendors. */
  vendorHttp: vendorHttpSchema.prefault({}),
  /** The Prometheus endpoint: on at `/metrics`, open, unless this says otherwise. */
  metrics: metricsSchema.prefault({}),
  /**
   * How long an idempotency claim holds without renewal. The replica running the mutation renews
   * it every third of this; when the replica dies, another takes the key over once it lapses.
   */
  idempotencyLeaseSeconds: z
    .int({ error: 'must be a whole number of seconds' })
    .min(1, { error: 'must be at least 1' })
    .max(600, { error: 'must be at most 600' })
    .default(DEFAULT_IDEMPOTENCY_LEASE_SECONDS),
  /**
   * Secret fingerprints (key custody). `true`: required; the gateway refuses to start without a
   * `PATCHBAY_SECRET_KEY` of 32 or more characters. `false`: off, whatever the environment says.
   * Unset: on when `PATCHBAY_SECRET_KEY` is set, off with a start-up warning otherwise.
   */
  secretFingerprints: z.boolean().optional(),
  /** The store: pool, timeouts, `application_name`, whether to migrate at start. */
  store: storeSchema.prefault({}),
  /** How long audit rows and finished idempotency records are kept. */
  retention: retentionSchema.prefault({}),
  /** Drift scans: how often each account is read for changes made outside Patchbay. */
  history: historySchema.prefault({}),
  /** SIGTERM: readiness fails first, then the drain. */
  shutdown: shutdownSchema.prefault({}),
});

/** Shortest webhook signing secret: an HMAC key anyone could guess is no signature. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
/** Most webhooks one config may list: each event is one outbox row per webhook. */
export const MAX_WEBHOOKS = 50;

/**
 * A webhook receiver's URL: absolute http(s), no user info (a password in a URL ends up in logs)
 * and no fragment. Unlike a vendor base URL it may carry a query string, as receivers often take a
 * token there; that is why only its origin is ever shown (`urlHint`).
 */
const webhookUrlSchema = z.string().transform((raw, ctx) => {
  const url = httpUrl(raw, ctx, { query: true, credentialsHint: 'the receiver checks the signature instead' });
  return url === null ? z.NEVER : url.href;
});

/**
 * The id of a webhook configured without one: derived from its URL only (never the secret), so it
 * stays the same across restarts and replicas and the outbox rows written before a restart are
 * still delivered after it. Changing the URL makes it a new webhook; give an `id` to keep one.
 */
export function defaultWebhookId(url: string): string {
  return `url-${createHash('sha256').update(url, 'utf8').digest('hex').slice(0, 16)}`;
}

/** One webhook receiver (src/app/webhooks.ts delivers to it). */
const webhookSchema = z
  .strictObject({
    /** Names the webhook in the delivery log; default {@link defaultWebhookId} of the URL. */
    id: configKey.optional(),
    url: webhookUrlSchema,
    /** The HMAC-SHA-256 key of `Patchbay-Signature` (use `${ENV_VAR}`). Config only: never stored, logged or answered. */
    secret: z.string().min(MIN_WEBHOOK_SECRET_LENGTH, { error: `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters` }),
    /** Event types delivered to it; default all of them. */
    events: z
      .array(z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` }))
      .min(1, { error: 'must list at least one event type (leave it out for all of them)' })
      .optional(),
    /** Lets `url` use plain http to a host that is not this machine (the events then cross the network in clear). */
    allowInsecureHttp: z.boolean().optional(),
  })
  .superRefine((webhook, ctx) => {
    // The same outbound rules as a vendor base URL: in clear only to this machine unless allowed.
    if (!URL.canParse(webhook.url)) return;
    const problem = insecureUrlProblem(new URL(webhook.url), webhook.allowInsecureHttp === true);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['url'], message: problem.replace('on the account', 'on the webhook') });
  })
  .transform(
    (webhook): WebhookConfig => ({
      id: webhook.id ?? defaultWebhookId(webhook.url),
      url: webhook.url,
      secret: webhook.secret,
      events: [...new Set(webhook.events ?? EVENT_TYPES)],
    }),
  );

/** The `webhooks` list: ids (given or derived) must be unique, since the outbox is keyed by them. */
const webhooksSchema = z
  .array(webhookSchema)
  .max(MAX_WEBHOOKS, { error: `must list at most ${MAX_WEBHOOKS} webhooks` })
  .superRefine((webhooks, ctx) => {
    const firstIndex = new Map<string, number>();
    webhooks.forEach((webhook, index) => {
      const first = firstIndex.get(webhook.id);
      if (first === undefined) firstIndex.set(webhook.id, index);
      else ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate webhook id "${webhook.id}" (already used by webhooks[${first}]; give each an id)` });
    });
  });

/** A configured webhook as parsed: `id` and `events` filled in. `secret` leaves the process only as signatures. */
export interface WebhookConfig {
  readonly id: string;
  /** The receiver's URL as configured (it may carry a token: show `urlHint(url)` only). */
  readonly url: string;
  readonly secret: string;
  readonly events: readonly EventType[];
}

/**
 * The whole file's shape for the given vendors' account schemas (each a strict object whose
 * `vendor` is a literal): the composition root passes the registry's.
 */
export function createConfigSchema(accountSchemas: readonly AccountSchema[]) {
  const [first, ...rest] = accountSchemas;
  if (first === undefined) throw new Error('at least one vendor must be registered');
  const account = z.discriminatedUnion('vendor', [first, ...rest]);
  return z
    .strictObject({
      accounts: z.array(account),
      /** Always present in the output, with defaults filled in. */
      gateway: gatewaySchema.prefault({}),
      /** Who may call (src/core/auth/config.ts). Absent: `mode: required` with nobody configured, which start-up refuses. */
      auth: authSchema.prefault({}),
      /** Signed webhooks (src/app/webhooks.ts): where each event is POSTed. */
      webhooks: webhooksSchema.default([]),
    })
    .superRefine(
      (config, ctx) => {
        // Runs even when other keys are invalid, so the value may be only partly parsed.
        const accounts: unknown = (config as { accounts?: unknown } | null)?.accounts;
        if (!Array.isArray(accounts)) return;
        const firstIndex = new Map<string, number>();
        accounts.forEach((account: unknown, index) => {
          if (typeof account !== 'object' || account === null) return;
          const id: unknown = (account as { id?: unknown }).id;
          if (typeof id !== 'string' || !CONFIG_KEY_PATTERN.test(id)) return;
          const first = firstIndex.get(id);
          if (first === undefined) {
            firstIndex.set(id, index);
            return;
          }
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', index, 'id'],
            message: `duplicate account id "${id}" (already used by accounts[${first}])`,
          });
        });
      },
      { when: () => true },
    )
    .superRefine(
      (config, ctx) => {
        // Credentials go to these URLs: in clear only to this machine, unless the account says so.
        const accounts: unknown = (config as { accounts?: unknown } | null)?.accounts;
        if (!Array.isArray(accounts)) return;
        accounts.forEach((account: unknown, index) => {
          if (typeof account !== 'object' || account === null) return;
          const { baseUrl, allowInsecureHttp } = account as { baseUrl?: unknown; allowInsecureHttp?: unknown };
          if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl)) return;
          const problem = insecureUrlProblem(new URL(baseUrl), allowInsecureHttp === true);
          if (problem !== null) ctx.addIssue({ code: 'custom', path: ['accounts', index, 'baseUrl'], message: problem });
        });
      },
      { when: () => true },
    );
}

/** Any vendor's account, as parsed: the shared fields, then the vendor's own (credentials among them). */
export interface AccountConfig {
  readonly id: string;
  readonly vendor: string;
  readonly baseUrl: string;
  readonly displayName?: string | undefined;
  readonly callTimeoutMs?: number | undefined;
  readonly maxRequestsPerMinute?: number | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
  readonly [field: string]: unknown;
}

/** A vendor's account entry: a strict object whose `vendor` is the vendor's id. */
export type AccountSchema = z.ZodObject<{ vendor: z.ZodLiteral<string> } & typeof accountFields & z.core.$ZodLooseShape, z.core.$strict>;

export type GatewayConfig = z.output<typeof gatewaySchema>;

/** The gateway settings a config file gets when it says nothing. */
export function defaultGatewayConfig(): GatewayConfig {
  return gatewaySchema.parse({});
}

export interface PatchbayConfig {
  readonly accounts: readonly AccountConfig[];
  readonly gateway: GatewayConfig;
  readonly auth: AuthConfig;
  /** Absent where a config is built without the file's `webhooks` (none then). */
  readonly webhooks?: readonly WebhookConfig[];
}
