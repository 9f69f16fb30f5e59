import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, runCli } from './support.js';

/*
 * Issue 11 point 8: a start that cannot succeed ends at once, non-zero, with one line on standard
 * error that says what to change. Before, a taken port printed EADDRINUSE and the process hung
 * (the demo's simulators and the store kept it alive). Each case runs the real `patchbay serve`
 * and gives it a bounded time to exit.
 */

/** Well under the kill deadline: the process must end by itself. */
const EXIT_DEADLINE_MS = 90_000;

describe('patchbay serve fails fast', () => {
  let dir: string;
  let blocker: Server;
  let takenPort: number;
  let configPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-fail-fast-'));
    // The store's checks run as the process's own user: leave the parent enterable.
    await chmod(dir, 0o755);
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    takenPort = typeof address === 'object' && address ? address.port : 0;
    configPath = join(dir, 'patchbay.yaml');
    // A valid config: the account is never called (start-up probes nothing).
    await writeFile(configPath, 'accounts:\n  - id: dd\n    vendor: datadog\n    baseUrl: http://127.0.0.1:9\n    apiKey: ${DD_API_KEY}\n    appKey: ${DD_APP_KEY}\nauth:\n  mode: none\n');
    await chmod(configPath, 0o644);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await chmod(join(dir, 'locked'), 0o755).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const configEnv = (dataDir: string, port = 0) => ({
    PATCHBAY_CONFIG: configPath,
    PATCHBAY_DATA_DIR: dataDir,
    DD_API_KEY: 'fail-fast-api-key',
    DD_APP_KEY: 'fail-fast-app-key',
    PORT: String(port),
    HOST: '127.0.0.1',
  });

  it('demo mode on a taken port: exit 1 and one line naming the address', async () => {
    const run = await runCli(['serve'], { env: { PATCHBAY_CONFIG: '', PORT: String(takenPort), HOST: '127.0.0.1' }, timeoutMs: EXIT_DEADLINE_MS });
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([`Patchbay cannot listen on 127.0.0.1:${takenPort}: the port is already in use: stop what listens there or set PORT to a free port.`]);
    expect(run.stdout).not.toContain('is ready');
  }, 120_000);

  it('config mode on a taken port: exit 1, one line, and the data directory is released', async () => {
    const dataDir = join(dir, 'data-port');
    const run = await runCli(['serve'], { env: configEnv(dataDir, takenPort), timeoutMs: EXIT_DEADLINE_MS });
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([`Patchbay cannot listen on 127.0.0.1:${takenPort}: the port is already in use: stop what listens there or set PORT to a free port.`]);
    // The store was opened, then closed again: its lock file is gone, so the next start takes the directory at once.
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'patchbay.lock'))).toBe(false);
  }, 120_000);

  it('an unreadable data directory: exit 1 and one line naming it and what to change', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o000);
    const run = await runCli(['serve'], { env: configEnv(locked), timeoutMs: EXIT_DEADLINE_MS, withoutFileOverride: true });
    expect(run.code).toBe(1);
    const lines = linesOf(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Patchbay cannot use its data directory ${locked}: it is not readable and writable by this process\\. .*set PATCHBAY_DATA_DIR to another directory\\.$`));
    expect(run.stdout).not.toContain('is ready');
  }, 120_000);

  it('a data directory beneath a directory it may not enter: the same one line', async () => {
    const locked = join(dir, 'locked');
    const run = await runCli(['serve'], { env: configEnv(join(locked, 'data')), timeoutMs: EXIT_DEADLINE_MS, withoutFileOverride: true });
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([expect.stringMatching(new RegExp(`^Patchbay cannot use its data directory ${join(locked, 'data')}: it is not readable and writable by this process\\.`))]);
  }, 120_000);

  it('a data directory that is a file: exit 1 and one line', async () => {
    const file = join(dir, 'not-a-directory');
    await writeFile(file, 'x');
    const run = await runCli(['serve'], { env: configEnv(file), timeoutMs: EXIT_DEADLINE_MS });
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([`Patchbay cannot use its data directory ${file}: it is not a directory. Set PATCHBAY_DATA_DIR to a directory.`]);
  }, 120_000);
});
