import { VENDORS } from '../vendors/index.js';
import type { VendorModule } from '../vendors/module.js';
import type { Simulator } from './base.js';
import type { SimulatorKit } from './kit.js';

/** A vendor's simulator kit, named by the vendor's id. */
export interface NamedSimulatorKit extends SimulatorKit {
  readonly vendor: string;
}

/** The kits of `vendors` (the registry by default), in registry order: ports N, N+1, … with `--port-base N`. */
export function simulatorKits(vendors: readonly VendorModule[] = VENDORS): NamedSimulatorKit[] {
  return vendors.map((vendor) => ({ vendor: vendor.id, ...vendor.simulator }));
}

/** Every registered vendor's simulator kit, in the documented order. */
export const SIMULATOR_KITS: readonly NamedSimulatorKit[] = simulatorKits();

export interface RunningSimulator {
  readonly kit: NamedSimulatorKit;
  readonly simulator: Simulator;
  readonly baseUrl: string;
}

/** Starts every vendor's simulator on 127.0.0.1; with `portBase`, on consecutive ports from it. */
export async function startSimulators(options: { portBase?: number; host?: string; vendors?: readonly VendorModule[]; unthrottled?: boolean } = {}): Promise<RunningSimulator[]> {
  const running: RunningSimulator[] = [];
  try {
    for (const [index, kit] of simulatorKits(options.vendors).entries()) {
      const simulator = kit.create({ unthrottled: options.unthrottled === true });
      const port = options.portBase === undefined ? 0 : options.portBase + index;
      const baseUrl = await simulator.server.listen(port, options.host ?? '127.0.0.1');
      running.push({ kit, simulator, baseUrl });
    }
  } catch (error) {
    await stopSimulators(running);
    throw error;
  }
  return running;
}

export async function stopSimulators(running: readonly RunningSimulator[]): Promise<void> {
  await Promise.all(running.map((r) => r.simulator.server.close()));
}
