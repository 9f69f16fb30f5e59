/**
 * The vendor simulators as `npm run bench` needs them: every registered simulator on 127.0.0.1,
 * like `npm run simulators`, but with the throttles lifted that would otherwise be measured
 * instead of the gateway (Cortex's 1,000 requests a minute per token; the others serve
 * unthrottled by default). Prints `<vendor> <base URL>` per simulator, as the CLI does.
 *
 * It lives in bench/ because src/simulators/cli.ts may not import a vendor's folder (the
 * dependency rules): a CLI `--bench` flag needs the kits to take a "benchmark" option first.
 */
import { startSimulators, stopSimulators } from '../src/simulators/index.js';
import { createCortexSimulator } from '../src/simulators/cortex/simulator.js';
import { VENDORS } from '../src/vendors/index.js';
import type { VendorModule } from '../src/vendors/module.js';

const UNTHROTTLED_REQUESTS_PER_MINUTE = 1_000_000_000;

/** The registry, with each throttled simulator replaced by an unthrottled one. */
function unthrottled(): VendorModule[] {
  return VENDORS.map((vendor) =>
    vendor.id === 'cortex' ? { ...vendor, simulator: { ...vendor.simulator, create: () => createCortexSimulator({ rateLimitPerMinute: UNTHROTTLED_REQUESTS_PER_MINUTE }) } } : vendor,
  );
}

async function main(): Promise<void> {
  const running = await startSimulators({ vendors: unthrottled() });
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
