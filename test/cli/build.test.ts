import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from './support.js';

/*
 * Issue 11 point 5: `npm run build` makes a dist/ that runs under plain node, the way the image
 * runs it (bin/patchbay.mjs → dist/src/server/cli.js). The build goes to a folder laid out like
 * the image's /app (package.json, bin/, dist/, node_modules), never to the checkout's dist/.
 */

const BUILD_DEADLINE_MS = 300_000;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the compiled build', () => {
  let app: string;

  beforeAll(async () => {
    app = await mkdtemp(join(tmpdir(), 'patchbay-build-'));
    await copyFile('package.json', join(app, 'package.json'));
    await mkdir(join(app, 'bin'));
    await copyFile('bin/patchbay.mjs', join(app, 'bin', 'patchbay.mjs'));
    await symlink(resolve('node_modules'), join(app, 'node_modules'), 'dir');
    const build = await runNode(['bin/build.mjs', '--out-dir', join(app, 'dist')], { timeoutMs: BUILD_DEADLINE_MS });
    if (build.code !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }, BUILD_DEADLINE_MS);
  afterAll(async () => {
    await rm(app, { recursive: true, force: true });
  });

  it('holds the compiled code and every data file the sources keep beside the code', () => {
    const dist = join(app, 'dist');
    for (const entry of ['src/server/cli.js', 'src/server/main.js', 'src/simulators/cli.js']) expect(statSync(join(dist, entry)).isFile(), entry).toBe(true);
    const assets = ['src', 'schema', 'resolvers'].flatMap(filesUnder).filter((path) => !path.endsWith('.ts'));
    for (const asset of assets) expect(statSync(join(dist, asset)).size, asset).toBe(statSync(asset).size);
    // No test or benchmark code ships.
    expect(filesUnder(dist).filter((path) => /[\\/](test|bench)[\\/]/.test(relative(dist, path)))).toEqual([]);
  });

  it('the launcher runs it under plain node', async () => {
    const run = await runNode([join(app, 'bin', 'patchbay.mjs'), '--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^patchbay \d+\.\d+\.\d+/);
  });

  it('`patchbay serve` from dist/ serves the demo, answers its probes, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(app, 'bin', 'patchbay.mjs'), 'serve'], {
      env: { ...process.env, PATCHBAY_CONFIG: '', PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((ready, fail) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /is ready: open (\S+)/.exec(output);
          if (match?.[1]) ready(match[1]);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', () => fail(new Error(`exited before it was ready:\n${output}`)));
      });
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
      expect(await (await fetch(new URL('/readyz', url))).json()).toMatchObject({ status: 'ready', store: true });
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
