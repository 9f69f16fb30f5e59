import type { ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import type { CortexSimulator } from '../../src/simulators/cortex/simulator.js';
import type { DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import type { MongoDbSimulator } from '../../src/simulators/mongodb/simulator.js';
import type { OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import type { Simulator } from '../../src/simulators/base.js';

/** Everything a simulator stores, secrets in clear, as one text (tests only): what "the vendor holds it once" counts in. */
export function simulatorState(sim: Simulator): string {
  switch (sim.vendor) {
    case 'chronosphere': {
      const cs = sim as ChronosphereSimulator;
      return JSON.stringify(cs.slugs().map((slug) => cs.stored(slug)));
    }
    case 'cortex':
      return JSON.stringify((sim as CortexSimulator).storedConfiguration());
    case 'datadog': {
      const dd = sim as DatadogSimulator;
      return JSON.stringify(dd.connectionIds().map((id) => dd.storedConnection(id)));
    }
    case 'mongodb': {
      const mdb = sim as MongoDbSimulator;
      return JSON.stringify(mdb.groupIds().map((group) => mdb.storedTypes(group).map((type) => mdb.storedIntegration(group, type))));
    }
    case 'opsramp': {
      const ops = sim as OpsRampSimulator;
      return JSON.stringify(ops.installedIds().map((id) => ops.stored(id)));
    }
    default:
      throw new Error(`no state reader for ${sim.vendor}`);
  }
}

/** How many times `value` occurs in `text`. */
export function occurrences(text: string, value: string): number {
  return text.split(value).length - 1;
}

/** The writes a simulator received (no reads, no auth handshakes), as `METHOD path`. */
export function vendorWrites(sim: Simulator): string[] {
  return sim.server.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/oauth/token')).map((r) => `${r.method} ${r.path}`);
}
