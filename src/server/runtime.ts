import type { Dispatcher } from 'undici';
import type { TracerProvider } from '@opentelemetry/api';
import { createAccountRegistry, type ClientDeps } from '../app/accounts.js';
import { defaultGatewayConfig, type AccountConfig, type GatewayConfig } from '../core/config/schema.js';
import { VENDORS } from '../vendors/index.js';
import type { VendorModule } from '../vendors/module.js';
import type { GatewayDeps } from '../app/context.js';
import { EventHub, NO_WEBHOOKS, type WebhookRouting } from '../app/events.js';
import { Webhooks } from '../app/webhooks.js';
import { HealthRecorder } from '../app/history.js';
import { startDriftScanner } from '../app/drift.js';
import { relayReplicaEvents } from '../app/live-events.js';
import type { EventNotices } from '../core/store/event-notify.js';
import { createAuthenticator, OPEN_AUTHENTICATOR } from '../core/auth/authenticator.js';
import type { AuthConfig } from '../core/auth/config.js';
import { CustodyKey } from '../core/secrets/custody-key.js';
import { realClock } from '../core/http/clock.js';
import { createDispatcher } from '../core/http/dispatcher.js';
import { PROCESS_LIMITS, type LimitStore } from '../core/http/limits.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store/store.js';
import { RecordSpool } from '../core/store/record-spool.js';
import { withTrackedIdCache } from '../core/store/tracked-cache.js';
import { withStoreTiming } from '../core/store/timed.js';
import type { StoreCheck } from '../core/store/store-check.js';
import type { TrackedInvalidations } from '../core/store/tracked-notify.js';
import { GatewayMetrics } from '../core/telemetry/metrics.js';
import { breakerReadings } from './observability.js';
import { buildSchema } from './schema.js';
import { createGateway } from './yoga.js';

export { defaultGatewayConfig };

export interface RuntimeOptions {
  readonly accounts: readonly AccountConfig[];
  readonly gateway: GatewayConfig;
  readonly store: Store;
  readonly logger: Logger;
  readonly exposeVendorCalls?: boolean;
  /** Retry, breaker and clock overrides for every account. */
  readonly resilience?: ClientDeps['resilience'];
  /** The vendor registry; tests may add a vendor module of their own. */
  readonly vendors?: readonly VendorModule[];
  /** Defaults to a new keep-alive dispatcher owned (and closed) by the runtime. */
  readonly dispatcher?: Dispatcher;
  /**
   * Who may call. Absent, the gateway is open (every caller `anonymous`, allowed everything), as
   * demo mode and tests run it; config mode passes the file's `auth`, which is `required` unless
   * the file says `mode: none`.
   */
  readonly auth?: AuthConfig;
  /**
   * Where per-account quotas and breakers live: shared by the fleet through Redis
   * (`PATCHBAY_REDIS_URL`, opened and closed by the caller), or, absent, in this process.
   */
  readonly limits?: LimitStore;
  /** Where spans go (`tracingFromEnvironment` in src/server/tracing.ts, or a test's in-memory exporter); absent, no span is made. */
  readonly tracerProvider?: TracerProvider;
  /** `/readyz`'s store check on its own connection (store-check.ts); absent, a bounded ping through the store. */
  readonly storeCheck?: () => Promise<StoreCheck>;
  /** Other replicas' tracked-id changes (tracked-notify.ts); absent, the tracked-id cache expires after 1 s. */
  readonly trackedInvalidations?: TrackedInvalidations;
  /** The deployment's custody key (`PATCHBAY_SECRET_KEY`); absent, one is made for this runtime (demo mode, tests). */
  readonly custodyKey?: CustodyKey;
  /** Which webhooks take which events (src/app/webhooks.ts); absent, none. */
  readonly webhooks?: WebhookRouting;
  /**
   * Events other replicas record (PostgreSQL, on the LISTEN session tracked-notify.ts opens): they
   * are loaded and published on this runtime's hub for its subscribers. Absent (the embedded store,
   * one replica), subscribers see this runtime's events only, which are all there are.
   */
  readonly eventNotices?: EventNotices;
  /**
   * Whether this runtime scans its accounts for drift in the background (`gateway.history`); the
   * server turns it on, tests that count vendor calls leave it off (`scanAccount` works either way).
   */
  readonly driftScans?: boolean;
}

/** A gateway wired to its accounts: the Yoga instance plus what must be closed after it. */
export interface Runtime {
  readonly yoga: ReturnType<typeof createGateway>;
  readonly deps: GatewayDeps;
  /** The gateway's own metrics registry (what `/metrics` serves). */
  readonly metrics: GatewayMetrics;
  /** From now on `/readyz` answers 503 "draining" (SIGTERM); requests are still served. */
  startDraining(): void;
  /** Stores what the record spool holds (briefly) and closes the vendor pools (not the store, which the caller opened). */
  close(): Promise<void>;
}

/** How long closing waits for the store to take the spooled mutation records. */
const SPOOL_DRAIN_MS = 2_000;

export function createRuntime(options: RuntimeOptions): Runtime {
  const dispatcher =
    options.dispatcher ??
    createDispatcher({
      denyRanges: options.gateway.egress.denyRanges,
      connectionsPerOrigin: options.gateway.vendorHttp.connectionsPerOrigin,
      keepAliveTimeoutMs: options.gateway.vendorHttp.keepAliveTimeoutMs,
      allowH2: options.gateway.vendorHttp.allowH2,
    });
  const vendors = options.vendors ?? VENDORS;
  const accounts = createAccountRegistry(options.accounts, vendors, {
    dispatcher,
    logger: options.logger,
    gateway: options.gateway,
    ...(options.resilience ? { resilience: options.resilience } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const limits = options.limits ?? PROCESS_LIMITS;
  const metrics = new GatewayMetrics();
  metrics.readBreakersFrom(() => breakerReadings(accounts));
  const store = withTrackedIdCache(
    withStoreTiming(options.store, (operation, outcome, seconds) => metrics.storeQuery(operation, outcome, seconds)),
    {
      ...(options.trackedInvalidations ? { invalidations: options.trackedInvalidations } : {}),
      onNotifyFailed: (error) =>
        options.logger.warn('store: a tracked-id change could not be announced to other replicas; they see it after their cache expiry', { error: error instanceof Error ? error.name : 'unknown' }),
    },
  );
  const spool = new RecordSpool({ store: (record) => store.recordMutation(record), logger: options.logger, observer: metrics.spoolObserver() });
  metrics.readSpoolFrom(() => spool.pending);
  metrics.readSharedLimitsFrom(() => limits.status());
  metrics.readStorePoolFrom(() => options.store.poolStats());
  const events = new EventHub();
  const webhooks = options.webhooks ?? NO_WEBHOOKS;
  const deps: GatewayDeps = {
    accounts,
    store,
    spool,
    logger: options.logger,
    gateway: options.gateway,
    exposeVendorCalls: options.exposeVendorCalls ?? options.gateway.exposeVendorCalls,
    clock: options.resilience?.clock ?? realClock,
    authenticator: options.auth ? createAuthenticator(options.auth) : OPEN_AUTHENTICATOR,
    custodyKey: options.custodyKey ?? CustodyKey.generate(),
    events,
    webhooks,
    health: new HealthRecorder({ store, events, webhooks, logger: options.logger }),
  };
  const { history } = options.gateway;
  const scanner = startDriftScanner(deps, { intervalSeconds: options.driftScans === true ? history.scanIntervalSeconds : 0, jitter: history.scanJitter, concurrency: history.scanConcurrency });
  const stopRelay = options.eventNotices
    ? relayReplicaEvents({
        notices: options.eventNotices,
        store,
        hub: deps.events,
        ownReplica: options.store.replicaId,
        logger: options.logger,
      })
    : () => undefined;
  // Signed webhooks (src/app/webhooks.ts): config mode's outbox worker runs while the runtime does, on the vendors' dispatcher (same egress rules).
  const webhookDelivery = webhooks instanceof Webhooks ? webhooks.startDelivery({ logger: options.logger, dispatcher, events }) : null;
  let draining = false;
  return {
    yoga: createGateway(
      deps,
      buildSchema(vendors),
      {
        metrics,
        tracer: options.tracerProvider?.getTracer('patchbay') ?? null,
        logger: options.logger,
        config: options.gateway.metrics,
      },
      { ...(options.storeCheck ? { storeCheck: options.storeCheck } : {}), draining: () => draining, sharedLimits: () => limits.status() },
    ),
    deps,
    metrics,
    startDraining: () => {
      draining = true;
    },
    close: async () => {
      stopRelay();
      await scanner.close();
      await spool.close(SPOOL_DRAIN_MS);
      await webhookDelivery?.close();
      if (!options.dispatcher) await dispatcher.close();
    },
  };
}
