import { createServer } from 'node:http';
import { ConfigError } from '../core/config/load.js';
import { loadConfigFile } from './config.js';
import { startDemo, type Demo } from './demo.js';
import type { AccountConfig, GatewayConfig } from '../core/config/schema.js';
import { createJsonLogger } from '../core/logger.js';
import { createRuntime, defaultGatewayConfig } from './runtime.js';
import { withEnvironmentDefaults } from './operation-limits.js';
import { openStore, type Store } from '../core/store/store.js';
import { authConfigProblem, isLoopbackHost, type AuthConfig } from '../core/auth/config.js';

/**
 * The only file that reads the environment and listens. Without PATCHBAY_CONFIG it runs the
 * demo: every simulator in-process, one account each, and a throwaway store seeded to match.
 */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const env = process.env;
  const logger = createJsonLogger();
  const port = Number(env['PORT'] ?? 4000);
  const host = env['HOST'] ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new StartupError(`PORT must be a port number, not "${env['PORT']}"`);

  let accounts: readonly AccountConfig[];
  let gateway: GatewayConfig;
  let store: Store;
  let demo: Demo | null = null;
  // Config mode always has one (`required` unless the file says `mode: none`); demo mode none: it is open.
  let auth: AuthConfig | undefined;
  const configPath = env['PATCHBAY_CONFIG'];
  if (configPath) {
    const config = await loadConfigFile(configPath, env);
    accounts = config.accounts;
    gateway = withEnvironmentDefaults(config.gateway, env['NODE_ENV']);
    auth = config.auth;
    const problem = authConfigProblem(auth);
    if (problem !== null) throw new ConfigError([{ path: 'auth', message: problem }], configPath);
    store = await openStore({ databaseUrl: env['PATCHBAY_DATABASE_URL'] ?? null, dataDir: env['PATCHBAY_DATA_DIR'] ?? '.patchbay', logger, statementTimeoutMs: gateway.requestDeadlineMs });
    logger.info('config mode', { config: configPath, accounts: accounts.length, store: store.kind, auth: auth.mode, apiKeys: auth.apiKeys.length, jwt: auth.jwt !== undefined });
    if (auth.mode === 'none') {
      logger.warn('auth.mode is none: requests are not authenticated; every caller is "anonymous" and may read and write every account', {
        ignoredApiKeys: auth.apiKeys.length,
        ignoredJwt: auth.jwt !== undefined,
      });
    }
  } else {
    demo = await startDemo({ logger });
    accounts = demo.accounts;
    store = demo.store;
    gateway = defaultGatewayConfig();
    logger.info('demo mode: no PATCHBAY_CONFIG, serving the built-in vendor simulators with seed data; open to every caller (no authentication)', {
      simulators: demo.simulators.map((s) => `${s.kit.vendor} ${s.baseUrl}`),
    });
  }

  if (demo && !isLoopbackHost(host)) logger.warn('demo mode listens beyond this machine without authentication: anyone who reaches it may write to the simulators', { host });
  const runtime = createRuntime({ accounts, gateway, store, logger, exposeVendorCalls: demo !== null || gateway.exposeVendorCalls, ...(auth ? { auth } : {}) });
  const server = createServer(runtime.yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}/graphql`;
  logger.info('Patchbay is listening', { url, mode: demo ? 'demo' : 'config' });
  process.stdout.write(`\nPatchbay ${demo ? '(demo mode, open to every caller: no authentication) ' : ''}is ready: open ${url}\n\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, graceMs: SHUTDOWN_GRACE_MS });
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    // Keep-alive sockets turn idle as their last request finishes: close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    sweep.unref();
    server.close(() => {
      void (async () => {
        clearTimeout(force);
        clearInterval(sweep);
        await runtime.close();
        await (demo ? demo.close() : store.close());
        logger.info('stopped');
      })();
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

class StartupError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Patchbay failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
});
