/**
 * What the benchmarks read of another process from /proc (Linux): CPU time and resident memory.
 * Measuring a child from outside means the process under test pays nothing for being measured.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { AccountConfig } from '../src/core/config/schema.js';
import { SIMULATOR_KITS } from '../src/simulators/index.js';

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** CPU ms (user + system) a process has spent since it started, from /proc/<pid>/stat. */
export async function procCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Math.round((ticks * 1000) / clockTicksPerSecond());
}

/** VmRSS / VmHWM of a process from /proc, in MB. */
export async function procMemory(pid: number | 'self'): Promise<{ rssMb: number; peakRssMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Math.round((Number(match[1]) / 1024) * 10) / 10;
  };
  return { rssMb: field('VmRSS'), peakRssMb: field('VmHWM') };
}

/** The value at percentile `p` of ascending `sorted` values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Starts every simulator in a child process (`src/simulators/cli.ts`, with `--bench`: no vendor
 * throttles, unless `unthrottled` is false) so its CPU is not the measured process's, and waits
 * for the base URL each prints.
 * `onLine` sees every line for the child's whole life, so its output never blocks on a full pipe.
 */
export async function spawnSimulators(
  onLine?: (line: string) => void,
  options: { readonly unthrottled?: boolean } = {},
): Promise<{ readonly child: ChildProcess; readonly origins: ReadonlyMap<string, string>; readonly accounts: AccountConfig[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulators/cli.ts', ...(options.unthrottled === false ? [] : ['--bench'])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origins = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      onLine?.(line);
      const [vendor, url] = line.split(' ');
      if (vendor && url) origins.set(vendor, new URL(url).origin);
      if (origins.size === SIMULATOR_KITS.length) resolve();
    });
    child.once('exit', () => reject(new Error('the simulators exited before they were ready')));
  });
  return { child, origins, accounts: SIMULATOR_KITS.map((kit) => kit.demoAccount(origins.get(kit.vendor) ?? '')) };
}

/**
 * The value after `--name` on the command line, or `fallback`: a positive integer, or with
 * `kind` 'number' any positive number. Anything else stops the benchmark with what was expected.
 */
export function argument(name: string, fallback: number, kind: 'integer' | 'number' = 'integer'): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(process.argv[index + 1]);
  const valid = kind === 'integer' ? Number.isInteger(value) : Number.isFinite(value);
  if (!valid || value <= 0) throw new Error(`--${name} must be a positive ${kind}`);
  return value;
}

/**
 * Bundles the sources as `npm start` does on its first start after a change (bin/start.mjs
 * --transpile-only), so that no start a benchmark measures pays for it.
 */
export function bundleSources(): void {
  execFileSync(process.execPath, ['bin/start.mjs', '--transpile-only'], { stdio: 'inherit' });
}
