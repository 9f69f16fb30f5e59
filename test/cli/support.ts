import { spawn } from 'node:child_process';

/** How one run of the `patchbay` command ended. */
export interface CliRun {
  /** Null when it had to be killed at the deadline. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export interface RunOptions {
  /** Over the test's own environment. */
  readonly env?: Record<string, string>;
  /** Killed (SIGKILL) after this long: a command that hangs fails its test instead of the suite. */
  readonly timeoutMs?: number;
  /** Run it without the capabilities that let root ignore file modes (see `withoutFileOverride`). */
  readonly withoutFileOverride?: boolean;
}

/**
 * Root reads and writes any file whatever its mode; a test of "this directory is not readable"
 * running as root (as CI does) drops the two capabilities that allow it (util-linux `setpriv`).
 */
function commandLine(args: readonly string[], withoutFileOverride: boolean): [string, string[]] {
  const node: [string, string[]] = [process.execPath, [...args]];
  if (!withoutFileOverride || process.getuid?.() !== 0) return node;
  return ['setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, ...args]];
}

/** Runs `node <args>` from the checkout and collects what it printed and how it ended. */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const started = Date.now();
  const [command, commandArgs] = commandLine(args, options.withoutFileOverride ?? false);
  const child = spawn(command, commandArgs, { cwd: process.cwd(), env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/**
 * Runs the `patchbay` command from the checkout's sources, bundled as bin/patchbay.mjs runs them
 * without dist/ (test/support/cli-from-sources.mjs: a dist/ left from an earlier build is not used).
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return runNode(['test/support/cli-from-sources.mjs', ...args], options);
}

/** The non-empty lines of a text. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
