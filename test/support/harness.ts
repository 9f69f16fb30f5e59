import type { AccountConfig, GatewayConfig } from '../../src/core/config/schema.js';
import { createMemoryLogger, type Logger } from '../../src/core/logger.js';
import { createRuntime, defaultGatewayConfig, type Runtime, type RuntimeOptions } from '../../src/server/runtime.js';
import { openStore, type Store } from '../../src/core/store/store.js';
import { CustodyKey } from '../../src/core/secrets/custody-key.js';

/** One GraphQL response as a test sees it. */
export interface GqlResponse {
  readonly status: number;
  readonly data: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  readonly extensions?: Record<string, unknown>;
  /** The raw body, for "this secret never appears" checks. */
  readonly raw: string;
}

export interface Harness {
  readonly runtime: Runtime;
  readonly store: Store;
  readonly logger: Logger & { readonly lines: string[] };
  gql(query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  close(): Promise<void>;
}

let sharedStore: Promise<Store> | null = null;

/**
 * A store shared by the tests of one file: a fresh PGlite takes seconds to initialise, so each
 * test file opens one in-memory database and tests use distinct account keys or ids.
 */
export function sharedMemoryStore(): Promise<Store> {
  sharedStore ??= openStore({ dataDir: null });
  return sharedStore;
}

let sharedKey: CustodyKey | null = null;

/**
 * The deployment key of the gateways one test file starts, as replicas of one deployment share
 * `PATCHBAY_SECRET_KEY`: a gateway started again over the same store (a restart, another replica)
 * reads the fingerprints and idempotency hashes the first one wrote.
 */
export function sharedCustodyKey(): CustodyKey {
  sharedKey ??= CustodyKey.generate();
  return sharedKey;
}

/** A gateway in-process over the given accounts; requests go through `yoga.fetch`. */
export async function startHarness(options: {
  accounts: readonly AccountConfig[];
  gateway?: Partial<GatewayConfig>;
  store?: Store;
  exposeVendorCalls?: boolean;
  resilience?: RuntimeOptions['resilience'];
  limits?: RuntimeOptions['limits'];
  /** Another deployment key than the file's shared one (a replica configured with a different `PATCHBAY_SECRET_KEY`). */
  custodyKey?: CustodyKey;
}): Promise<Harness> {
  const store = options.store ?? (await sharedMemoryStore());
  const logger = createMemoryLogger();
  const runtime = createRuntime({
    accounts: options.accounts,
    gateway: { ...defaultGatewayConfig(), ...options.gateway },
    store,
    logger,
    exposeVendorCalls: options.exposeVendorCalls ?? true,
    custodyKey: options.custodyKey ?? sharedCustodyKey(),
    ...(options.resilience ? { resilience: options.resilience } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return {
    runtime,
    // The gateway's own view of the store, so writes a test makes are seen by the next request.
    store: runtime.deps.store,
    logger,
    async gql(query, variables) {
      const response = await runtime.yoga.fetch('http://patchbay.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const raw = await response.text();
      const body = JSON.parse(raw) as Omit<GqlResponse, 'status' | 'raw'>;
      return { ...body, status: response.status, raw };
    },
    close: () => runtime.close(),
  };
}

/** Any HTTP answer of a gateway, its body parsed when it is JSON. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly raw: string;
  /** The parsed body when it is JSON (`{}` otherwise: `raw` says what it was). */
  readonly json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> } & Record<string, unknown>;
}

/** Sends one request to `runtime`'s Yoga, in process, and reads the answer whole. */
export async function fetchAnswer(runtime: Runtime, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await runtime.yoga.fetch(`http://127.0.0.1${path}`, init);
  const raw = await response.text();
  let json: Answer['json'] = {};
  try {
    json = JSON.parse(raw) as Answer['json'];
  } catch {
    // not JSON (a metrics exposition, an HTML page): `raw` is what it was
  }
  return { status: response.status, headers: response.headers, raw, json };
}
