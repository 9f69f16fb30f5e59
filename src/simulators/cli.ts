import { startSimulators, stopSimulators } from './index.js';

/** `npm run simulators [-- --port-base N] [--bench]`: every vendor simulator, without the gateway (`--bench` lifts the vendors' request budgets). */
function parsePortBase(argv: readonly string[]): number | undefined {
  const index = argv.indexOf('--port-base');
  if (index === -1) return undefined;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 65_000) {
    process.stderr.write('--port-base needs a port number between 1 and 65000\n');
    process.exitCode = 2;
    return Number.NaN;
  }
  return value;
}

async function main(): Promise<void> {
  const portBase = parsePortBase(process.argv.slice(2));
  if (Number.isNaN(portBase)) return;
  const unthrottled = process.argv.includes('--bench');
  const running = await startSimulators({ ...(portBase === undefined ? {} : { portBase }), unthrottled });
  // The base URL a config file's account needs: the host, as for the real vendors.
  for (const { kit, baseUrl } of running) process.stdout.write(`${kit.vendor} ${kit.demoAccount(baseUrl).baseUrl}\n`);
  const stop = () => {
    void stopSimulators(running).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulators failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
