import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BoundedLabel, CODE_PATTERN, KEY_PATTERN, NONE, OTHER, ROUTE_PATTERN, statusClass } from './labels.js';

/** Most distinct operation names kept as label values per gateway; later ones count as `other`. */
export const MAX_OPERATION_NAMES = 100;

/** The longest operation name kept as a label value. */
export const MAX_OPERATION_NAME_LENGTH = 64;

/** An operation name worth a series: a GraphQL name (the parser already checked it) that is short. */
const OPERATION_NAME = new RegExp(`^[A-Za-z0-9_]{1,${MAX_OPERATION_NAME_LENGTH}}$`);

/** Seconds: a GraphQL request or a vendor call is a few milliseconds to tens of seconds. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: a store query is sub-millisecond (embedded) to a second (a busy server). */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds: a quota wait is at most the request deadline. */
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60];

/** How one GraphQL request ended, for its series and its log line. */
export type RequestOutcome = 'ok' | 'typed_error' | 'error' | 'rejected';

/** A GraphQL request as its series count it. */
export interface GraphqlRequestFacts {
  /** The operation's name as the caller wrote it, or null (anonymous, or the document did not parse). */
  readonly operation: string | null;
  /** `query`, `mutation`, `subscription`, or null when the document did not parse. */
  readonly type: string | null;
  readonly outcome: RequestOutcome;
  readonly seconds: number;
}

/** Which vendor account a series is about. */
export interface VendorLabels {
  readonly vendor: string;
  readonly account: string;
}

/** One vendor request (a route of an account). */
export interface VendorRouteLabels extends VendorLabels {
  readonly method: string;
  readonly route: string;
}

/** How a vendor answer broke its contract. */
export type ContractBreakKind = 'body' | 'item' | 'not_json' | 'status' | 'oversized';

/** How a write whose outcome was open ended after its read-back. */
export type SettlementResult = 'confirmed' | 'not_confirmed' | 'read_failed';

/** Where quotas and breakers live, as the scrape shows it (the shape of `LimitStoreStatus`). */
export type SharedLimitsReading = { readonly backend: 'process' } | { readonly backend: 'redis'; readonly state: 'connected' | 'degraded'; readonly localDecisions: number };

/** The store's request pool at one instant (the shape of the store's `PoolStats`). */
export interface StorePoolReading {
  readonly size: number;
  readonly open: number;
  readonly idle: number;
  readonly waiting: number;
}

/** A breaker as the scrape shows it. */
export interface BreakerReading extends VendorLabels {
  readonly state: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
  /** Seconds until the account's learned rate-limit window reopens. */
  readonly quotaBlockedSeconds: number;
}

const BREAKER_STATES = ['CLOSED', 'OPEN', 'HALF_OPEN'] as const;

/**
 * One gateway's Prometheus metrics, in a registry of its own: tests start many gateways in one
 * process, and two gateways never share (or double-register) a series. Every label value passes
 * a {@link BoundedLabel}; none carries an id, a value a caller chose beyond the bounded operation
 * name, or a secret.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private processMetrics = false;
  private breakerSource: () => Iterable<BreakerReading> = () => [];
  private sharedLimitsSource: () => SharedLimitsReading = () => ({ backend: 'process' });
  private storePoolSource: () => StorePoolReading | null = () => null;

  private readonly operations = new BoundedLabel(MAX_OPERATION_NAMES, OPERATION_NAME);
  private readonly vendors = new BoundedLabel(50, KEY_PATTERN);
  private readonly accounts = new BoundedLabel(1_000, KEY_PATTERN);
  private readonly routes = new BoundedLabel(500, ROUTE_PATTERN);
  private readonly codes = new BoundedLabel(200, CODE_PATTERN);
  private readonly storeOperations = new BoundedLabel(100, /^[A-Za-z]{1,64}$/);

  private readonly graphqlRequests = this.counter('patchbay_graphql_requests_total', 'GraphQL requests, by operation name (bounded), operation type and outcome.', ['operation', 'type', 'outcome']);
  private readonly graphqlDuration = this.histogram('patchbay_graphql_request_duration_seconds', 'Time to answer a GraphQL request.', ['operation', 'type', 'outcome'], REQUEST_BUCKETS);
  private readonly graphqlErrors = this.counter('patchbay_graphql_errors_total', 'Errors in GraphQL answers, by error code or typed error class.', ['code']);
  private readonly httpResponses = this.counter('patchbay_http_responses_total', 'HTTP responses, by path (GraphQL endpoint, metrics, probes or other) and status.', ['path', 'status']);

  private readonly vendorRequests = this.counter('patchbay_vendor_requests_total', 'Vendor requests (all attempts of one request count once), by last status class.', [
    'vendor',
    'account',
    'method',
    'route',
    'status_class',
  ]);
  private readonly vendorDuration = this.histogram(
    'patchbay_vendor_request_duration_seconds',
    'Time a vendor request took, retries and quota waits included.',
    ['vendor', 'account', 'method', 'route', 'status_class'],
    REQUEST_BUCKETS,
  );
  private readonly vendorErrors = this.counter('patchbay_vendor_request_errors_total', 'Vendor requests that ended in a typed error, by error class.', ['vendor', 'account', 'route', 'error']);
  private readonly vendorRetries = this.counter('patchbay_vendor_retries_total', 'Vendor requests sent again, by what the attempt before got.', ['vendor', 'account', 'method', 'route', 'reason']);
  private readonly quotaWaits = this.counter('patchbay_vendor_quota_waits_total', 'Attempts held at the account quota gate before being sent.', ['vendor', 'account']);
  private readonly quotaWaitSeconds = this.histogram('patchbay_vendor_quota_wait_seconds', 'Time attempts were held at the quota gate.', ['vendor', 'account'], WAIT_BUCKETS);
  private readonly quotaRefusals = this.counter('patchbay_vendor_quota_refusals_total', 'Requests refused because the quota wait was longer than the request deadline.', ['vendor', 'account']);
  private readonly breakerRejections = this.counter('patchbay_vendor_breaker_rejections_total', 'Attempts refused at once by an open circuit breaker.', ['vendor', 'account']);
  private readonly outcomeUnknown = this.counter('patchbay_vendor_outcome_unknown_total', 'Writes whose answer was lost after sending (OutcomeUnknownError before any read-back).', [
    'vendor',
    'account',
    'method',
    'route',
  ]);
  private readonly settlements = this.counter('patchbay_write_settlements_total', 'Writes with an open outcome, by what the read-back found.', ['vendor', 'account', 'kind', 'result']);
  private readonly replays = this.counter('patchbay_idempotency_replays_total', 'Mutations answered from a stored idempotency outcome without calling the vendor.', ['outcome']);
  private readonly contractBreaks = this.counter(
    'patchbay_vendor_contract_breaks_total',
    'Vendor answers (kind body, not_json, status, oversized) or list items (kind item) that break the contract.',
    ['vendor', 'account', 'method', 'route', 'kind'],
  );
  private readonly spooledRecords = this.counter(
    'patchbay_mutation_records_spooled_total',
    'Mutation records (audit row + idempotency outcome) the store could not take at once, kept in the local spool.',
    [],
  );
  private readonly droppedRecords = this.counter(
    'patchbay_mutation_records_dropped_total',
    'Spooled mutation records given up (spool full, or the gateway closed before the store answered); each is logged.',
    [],
  );
  private readonly flushedRecords = this.counter('patchbay_mutation_records_flushed_total', 'Spooled mutation records stored later.', []);
  private spoolSource: () => number = () => 0;
  private readonly storeDuration = this.histogram('patchbay_store_query_duration_seconds', 'Time a store call took, by store operation and outcome.', ['operation', 'outcome'], STORE_BUCKETS);

  constructor() {
    const readings = () => [...this.breakerSource()];
    const pending = () => this.spoolSource();
    new Gauge({
      name: 'patchbay_vendor_breaker_state',
      help: 'Circuit breaker state per account: 1 for the current state (the worst of the account transports), 0 for the others.',
      labelNames: ['vendor', 'account', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const reading of readings()) {
          for (const state of BREAKER_STATES) this.set({ vendor: reading.vendor, account: reading.account, state }, reading.state === state ? 1 : 0);
        }
      },
    });
    const sharedLimits = () => this.sharedLimitsSource();
    new Gauge({
      name: 'patchbay_shared_limits_state',
      help: 'Where quotas and breakers live: 1 for the current backend and state (process; redis connected; redis degraded, each replica deciding alone), 0 for the others.',
      labelNames: ['backend', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        const reading = sharedLimits();
        const current = reading.backend === 'process' ? 'process/alone' : `redis/${reading.state}`;
        for (const series of ['process/alone', 'redis/connected', 'redis/degraded']) {
          const [backend = '', state = ''] = series.split('/');
          this.set({ backend, state }, series === current ? 1 : 0);
        }
      },
    });
    new Counter({
      name: 'patchbay_shared_limits_local_decisions_total',
      help: 'Quota and breaker decisions this replica took alone because Redis was unreachable or late.',
      registers: [this.registry],
      collect() {
        const reading = sharedLimits();
        this.reset();
        if (reading.backend === 'redis') this.inc(reading.localDecisions);
      },
    });
    new Gauge({
      name: 'patchbay_mutation_records_pending',
      help: 'Mutation records waiting in the local spool for the store.',
      registers: [this.registry],
      collect() {
        this.set(pending());
      },
    });
    const pool = () => this.storePoolSource();
    new Gauge({
      name: 'patchbay_store_pool_connections',
      help: 'The PostgreSQL request pool: its size, open and idle connections, and store calls waiting for a connection (absent on the embedded store).',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.reset();
        const reading = pool();
        if (reading === null) return;
        for (const state of ['size', 'open', 'idle', 'waiting'] as const) this.set({ state }, reading[state]);
      },
    });
    new Gauge({
      name: 'patchbay_vendor_quota_blocked_seconds',
      help: 'Seconds until the account learned rate-limit window reopens (0 when open).',
      labelNames: ['vendor', 'account'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const reading of readings()) this.set({ vendor: reading.vendor, account: reading.account }, reading.quotaBlockedSeconds);
      },
    });
  }

  /** Where the shared-limits series read from at scrape time: the gateway's limit store. */
  readSharedLimitsFrom(source: () => SharedLimitsReading): void {
    this.sharedLimitsSource = source;
  }

  /** Where the store pool gauge reads from at scrape time (null: the embedded store, no pool). */
  readStorePoolFrom(source: () => StorePoolReading | null): void {
    this.storePoolSource = source;
  }

  /** Where the breaker gauges read from at scrape time: the gateway's accounts. */
  readBreakersFrom(source: () => Iterable<BreakerReading>): void {
    this.breakerSource = () => {
      const readings: BreakerReading[] = [];
      for (const reading of source()) readings.push({ ...reading, ...this.vendorLabels(reading) });
      return readings;
    };
  }

  /** Where the pending-records gauge reads from at scrape time: the gateway's record spool. */
  readSpoolFrom(source: () => number): void {
    this.spoolSource = source;
  }

  /** What the record spool reports. */
  spoolObserver(): { spooled(): void; dropped(count: number): void; flushed(): void } {
    return {
      spooled: () => this.spooledRecords.inc(),
      dropped: (count) => this.droppedRecords.inc(count),
      flushed: () => this.flushedRecords.inc(),
    };
  }

  /** The Prometheus text exposition of every series. Process metrics start with the first scrape, so a gateway nobody scrapes runs no event-loop monitor. */
  async render(): Promise<string> {
    if (!this.processMetrics) {
      this.processMetrics = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The operation label of a name: itself when short and among the first {@link MAX_OPERATION_NAMES}, `anonymous`, or `other`. */
  operationLabel(name: string | null): string {
    return name === null ? 'anonymous' : this.operations.of(name);
  }

  graphqlRequest(facts: GraphqlRequestFacts): void {
    const labels = { operation: facts.type === null ? NONE : this.operationLabel(facts.operation), type: facts.type ?? NONE, outcome: facts.outcome };
    this.graphqlRequests.inc(labels);
    this.graphqlDuration.observe(labels, facts.seconds);
  }

  graphqlError(code: string): void {
    this.graphqlErrors.inc({ code: this.codes.of(code) });
  }

  httpResponse(path: string, status: number): void {
    this.httpResponses.inc({ path, status: Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : OTHER });
  }

  vendorRequest(labels: VendorRouteLabels, status: number | null, seconds: number, error: string | null): void {
    const route = this.routeLabels(labels);
    const series = { ...route, status_class: statusClass(status) };
    this.vendorRequests.inc(series);
    this.vendorDuration.observe(series, seconds);
    if (error !== null) this.vendorErrors.inc({ vendor: route.vendor, account: route.account, route: route.route, error: this.codes.of(error) });
  }

  vendorRetry(labels: VendorRouteLabels, reason: string): void {
    this.vendorRetries.inc({ ...this.routeLabels(labels), reason });
  }

  quotaWait(labels: VendorLabels, seconds: number): void {
    const series = this.vendorLabels(labels);
    this.quotaWaits.inc(series);
    this.quotaWaitSeconds.observe(series, seconds);
  }

  quotaRefusal(labels: VendorLabels): void {
    this.quotaRefusals.inc(this.vendorLabels(labels));
  }

  breakerRejection(labels: VendorLabels): void {
    this.breakerRejections.inc(this.vendorLabels(labels));
  }

  vendorOutcomeUnknown(labels: VendorRouteLabels): void {
    this.outcomeUnknown.inc(this.routeLabels(labels));
  }

  writeSettled(labels: VendorLabels, kind: 'create' | 'update' | 'delete', result: SettlementResult): void {
    this.settlements.inc({ ...this.vendorLabels(labels), kind, result });
  }

  idempotencyReplay(outcome: 'ok' | 'error'): void {
    this.replays.inc({ outcome });
  }

  contractBreak(labels: VendorRouteLabels, kind: ContractBreakKind, count = 1): void {
    this.contractBreaks.inc({ ...this.routeLabels(labels), kind }, count);
  }

  storeQuery(operation: string, outcome: 'ok' | 'error', seconds: number): void {
    this.storeDuration.observe({ operation: this.storeOperations.of(operation), outcome }, seconds);
  }

  private vendorLabels(labels: VendorLabels): { vendor: string; account: string } {
    return { vendor: this.vendors.of(labels.vendor), account: this.accounts.of(labels.account) };
  }

  private routeLabels(labels: VendorRouteLabels): { vendor: string; account: string; method: string; route: string } {
    return { ...this.vendorLabels(labels), method: /^[A-Z]{3,7}$/.test(labels.method) ? labels.method : OTHER, route: this.routes.of(labels.route) };
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
