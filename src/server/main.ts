import { CustodyKey, CustodyKeyError } from '../core/secrets/custody-key.js';
import { createServer } from 'node:http';
import { ConfigError } from '../core/config/load.js';
import { loadConfigFile } from './config.js';
import { startDemo, type Demo } from './demo.js';
import type { AccountConfig, GatewayConfig } from '../core/config/schema.js';
import { createJsonLogger, LOG_LEVELS, logLevelOf, type Logger } from '../core/logger.js';
import { createRuntime, defaultGatewayConfig } from './runtime.js';
import { withEnvironmentDefaults } from './operation-limits.js';
import type { Store } from '../core/store/store.js';
import { authConfigProblem, isLoopbackHost, type AuthConfig } from '../core/auth/config.js';
import { listen, migrateAtStart, openConfiguredStore, OpenedResources, StartupError, startupFailureText } from './startup.js';
import { storeChecker, type StoreCheck } from '../core/store/store-check.js';
import { listenForStoreNotifications, type StoreNotifications } from '../core/store/tracked-notify.js';
import { scheduleRetention } from '../core/store/retention.js';
import { tracingFromEnvironment } from './tracing.js';
import { openSharedLimits } from './shared-limits.js';
import { Webhooks } from '../app/webhooks.js';
import { webhookStore } from '../core/store/webhook-store.js';

/**
 * The only file that reads the environment and listens (`npm start`, `patchbay serve`). Without
 * PATCHBAY_CONFIG it runs the demo: every simulator in-process, one account each, and a throwaway
 * store seeded to match. A start that cannot succeed closes what it opened and exits 1 with one
 * line saying why (see startup.ts).
 */
type Environment = Readonly<Record<string, string | undefined>>;

/** What the gateway serves: the accounts and store of config mode, or the demo's. */
interface Served {
  readonly accounts: readonly AccountConfig[];
  readonly gateway: GatewayConfig;
  readonly store: Store;
  readonly demo: Demo | null;
  /** Config mode always has one (`required` unless the file says `mode: none`); demo mode none: it is open. */
  readonly auth: AuthConfig | undefined;
  /** Config mode: `/readyz`'s store check on its own connection. */
  readonly storeCheck?: () => Promise<StoreCheck>;
  /** Config mode on PostgreSQL: other replicas' tracked-id changes and recorded events, on one LISTEN session. */
  readonly notifications?: StoreNotifications;
  /** Config mode: the deployment's custody key (`PATCHBAY_SECRET_KEY`); demo mode makes one per run. */
  readonly custodyKey?: CustodyKey;
  /** Config mode: the file's webhooks and their outbox (src/app/webhooks.ts); the runtime delivers while it runs. */
  readonly webhooks?: Webhooks;
}

function loggerFrom(env: Environment): Logger {
  const level = logLevelOf(env['LOG_LEVEL']);
  if (level === null) throw new StartupError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`);
  return createJsonLogger({ level });
}

function portFrom(env: Environment): number {
  const port = Number(env['PORT'] ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new StartupError(`PORT must be a port number, not "${env['PORT']}".`);
  return port;
}

/** Config mode: the file, its auth, and the store it keeps (PostgreSQL or the embedded one). */
/**
 * The custody key of config mode: `PATCHBAY_SECRET_KEY` (every replica the same) keys secret
 * fingerprints and idempotency hashes; a value shorter than 32 characters refuses the start.
 * `gateway.secretFingerprints: true` requires it; `false` turns fingerprints off. Unset and
 * without a key, the gateway runs without fingerprints (a warning says so) and hashes idempotent
 * inputs under a fixed key.
 */
function custodyKeyFrom(text: string | undefined, required: boolean | undefined, logger: Logger): CustodyKey {
  const how = 'Generate one with `openssl rand -hex 32` and give every replica the same value';
  if (required === false) return CustodyKey.unkeyed();
  if (text === undefined || text === '') {
    if (required === true) throw new StartupError(`Patchbay cannot start: gateway.secretFingerprints is true and PATCHBAY_SECRET_KEY is not set. ${how}.`);
    logger.warn(
      'PATCHBAY_SECRET_KEY is not set: secret fingerprints are off (secretUsages finds copies by their last four characters only); set it to 32 or more random characters, the same on every replica, or set gateway.secretFingerprints: false to silence this',
    );
    return CustodyKey.unkeyed();
  }
  try {
    return CustodyKey.fromText(text);
  } catch (error) {
    if (error instanceof CustodyKeyError) throw new StartupError(`Patchbay cannot start: ${error.message}. ${how}.`);
    throw error;
  }
}

async function serveConfig(configPath: string, env: Environment, logger: Logger, opened: OpenedResources): Promise<Served> {
  const config = await loadConfigFile(configPath, env);
  const gateway = withEnvironmentDefaults(config.gateway, env['NODE_ENV']);
  const auth = config.auth;
  const problem = authConfigProblem(auth);
  if (problem !== null) throw new ConfigError([{ path: 'auth', message: problem }], configPath);
  const custodyKey = custodyKeyFrom(env['PATCHBAY_SECRET_KEY'], gateway.secretFingerprints, logger);
  const databaseUrl = env['PATCHBAY_DATABASE_URL'] || null;
  const { store, sql } = await openConfiguredStore({ databaseUrl, dataDir: env['PATCHBAY_DATA_DIR'] ?? '.patchbay' }, logger, gateway.store, migrateAtStart(gateway.store, env['PATCHBAY_MIGRATE']));
  opened.add(() => store.close());
  const fleet: Pick<Served, 'storeCheck' | 'notifications'> = {
    storeCheck: storeChecker(sql, 1_000),
    ...(databaseUrl
      ? { notifications: listenForStoreNotifications({ url: env['PATCHBAY_DATABASE_LISTEN_URL'] || databaseUrl, logger, applicationName: `${gateway.store.applicationName}:listen`.slice(0, 63) }) }
      : {}),
  };
  if (fleet.notifications) {
    const notifications = fleet.notifications;
    opened.add(() => notifications.close());
  }
  const { retention } = gateway;
  if (retention.auditDays > 0 || retention.idempotencyHours > 0) {
    const schedule = scheduleRetention(sql, { auditDays: retention.auditDays, idempotencyHours: retention.idempotencyHours, intervalMs: retention.intervalMinutes * 60_000 }, logger);
    opened.add(async () => schedule.close());
  }
  logger.info('config mode', { config: configPath, accounts: config.accounts.length, store: store.kind, auth: auth.mode, apiKeys: auth.apiKeys.length, jwt: auth.jwt !== undefined });
  if (auth.mode === 'none') {
    logger.warn('auth.mode is none: requests are not authenticated; every caller is "anonymous" and may read and write every account', {
      ignoredApiKeys: auth.apiKeys.length,
      ignoredJwt: auth.jwt !== undefined,
    });
  }
  // Built even with none configured: the delivery log of webhooks removed from the file stays readable.
  const webhooks = new Webhooks(config.webhooks ?? [], webhookStore(sql));
  if (config.webhooks !== undefined && config.webhooks.length > 0) logger.info('webhooks: delivering events from the outbox', { webhooks: config.webhooks.map((webhook) => webhook.id) });
  return { accounts: config.accounts, gateway, store, demo: null, auth, custodyKey, webhooks, ...fleet };
}

async function serveDemo(logger: Logger, opened: OpenedResources): Promise<Served> {
  const demo = await startDemo({ logger });
  opened.add(() => demo.close());
  logger.info('demo mode: no PATCHBAY_CONFIG, serving the built-in vendor simulators with seed data; open to every caller (no authentication)', {
    simulators: demo.simulators.map((s) => `${s.kit.vendor} ${s.baseUrl}`),
  });
  return { accounts: demo.accounts, gateway: defaultGatewayConfig(), store: demo.store, demo, auth: undefined };
}

async function main(): Promise<void> {
  const env = process.env;
  const logger = loggerFrom(env);
  const port = portFrom(env);
  const host = env['HOST'] ?? '127.0.0.1';
  const opened = new OpenedResources();
  try {
    const configPath = env['PATCHBAY_CONFIG'];
    const served = configPath ? await serveConfig(configPath, env, logger, opened) : await serveDemo(logger, opened);
    const { demo, gateway, auth } = served;
    if (demo && !isLoopbackHost(host)) logger.warn('demo mode listens beyond this machine without authentication: anyone who reaches it may write to the simulators', { host });
    const tracing = await tracingFromEnvironment(env);
    if (tracing) opened.add(() => tracing.shutdown());
    const limits = await openSharedLimits({ url: env['PATCHBAY_REDIS_URL'], prefix: env['PATCHBAY_REDIS_PREFIX'], timeoutMs: env['PATCHBAY_REDIS_TIMEOUT_MS'] }, logger);
    if (limits) opened.add(() => limits.close());
    const runtime = createRuntime({
      accounts: served.accounts,
      gateway,
      store: served.store,
      logger,
      exposeVendorCalls: demo !== null || gateway.exposeVendorCalls,
      ...(auth ? { auth } : {}),
      ...(tracing ? { tracerProvider: tracing.provider } : {}),
      ...(served.storeCheck ? { storeCheck: served.storeCheck } : {}),
      ...(served.notifications ? { trackedInvalidations: served.notifications, eventNotices: served.notifications } : {}),
      ...(served.custodyKey ? { custodyKey: served.custodyKey } : {}),
      ...(served.webhooks ? { webhooks: served.webhooks } : {}),
      ...(limits ? { limits } : {}),
      driftScans: true,
    });
    opened.add(() => runtime.close());
    const server = createServer(runtime.yoga);
    await listen(server, port, host);
    const address = server.address();
    const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}/graphql`;
    logger.info('Patchbay is listening', { url, mode: demo ? 'demo' : 'config' });
    process.stdout.write(`\nPatchbay ${demo ? '(demo mode, open to every caller: no authentication) ' : ''}is ready: open ${url}\n\n`);
    stopOnSignals(server, runtime, gateway.shutdown, opened, logger);
  } catch (error) {
    await opened.closeAll();
    throw error;
  }
}

/**
 * SIGTERM and SIGINT: `/readyz` answers 503 "draining" at once while everything is still served;
 * after `drainDelayMs` (the time load balancers need to notice) the server stops accepting, lets
 * in-flight requests finish (up to `graceMs`, then closes their connections), and closes what
 * start-up opened.
 */
function stopOnSignals(server: ReturnType<typeof createServer>, runtime: { startDraining(): void }, settings: GatewayConfig['shutdown'], opened: OpenedResources, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.startDraining();
    logger.info('shutting down: readiness now fails', { signal, drainDelayMs: settings.drainDelayMs, graceMs: settings.graceMs });
    setTimeout(() => {
      logger.info('draining: no new connections', { graceMs: settings.graceMs });
      const force = setTimeout(() => server.closeAllConnections(), settings.graceMs);
      force.unref();
      // Keep-alive sockets turn idle as their last request finishes: close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      sweep.unref();
      server.close(() => {
        void (async () => {
          clearTimeout(force);
          clearInterval(sweep);
          await opened.closeAll();
          logger.info('stopped');
        })();
      });
      server.closeIdleConnections();
    }, settings.drainDelayMs);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(startupFailureText(error));
  // Whatever start-up left behind (a timer, a pool) must not keep a failed start alive.
  process.exit(1);
});
