import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runNode } from './support.js';

/*
 * Issue 11 point 5: the `patchbay` command line. Usage and version answer 0 without starting
 * anything; a wrong command line answers 2 with the usage on standard error; and the launcher
 * (bin/patchbay.mjs) runs dist/ once built, the sources bundled as `npm start` bundles them otherwise.
 */

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('patchbay command line', () => {
  it('--help prints the usage, naming every command, and exits 0 without starting the gateway', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const run = await runCli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: patchbay <command>/);
      for (const command of ['serve', 'simulators', 'check-config <file>', 'keys generate']) expect(run.stdout).toContain(command);
      expect(run.stdout).not.toContain('is ready');
      expect(run.stderr).toBe('');
    }
  }, 60_000);

  it('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`patchbay ${VERSION}\n`);
  });

  it('an unknown command prints the usage on standard error and exits 2', async () => {
    const run = await runCli(['deploy-everything']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown command "deploy-everything"');
    expect(run.stderr).toContain('Usage: patchbay <command>');
  });

  it('no command, a check-config without a file, serve with arguments and keys without generate are usage errors (2)', async () => {
    const runs = await Promise.all([runCli([]), runCli(['check-config']), runCli(['check-config', 'a.yaml', 'b.yaml']), runCli(['serve', '--port', '5000']), runCli(['keys'])]);
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2, 2]);
    expect(runs[0]?.stderr).toContain('Usage: patchbay <command>');
    expect(runs[1]?.stderr).toContain('Usage: patchbay check-config <file>');
    expect(runs[3]?.stderr).toContain('configure it through the environment');
    expect(runs[4]?.stderr).toContain('Usage: patchbay keys generate');
    for (const run of runs) expect(run.stdout).toBe('');
  }, 60_000);

  it('the bin entry is the launcher, and it runs in this checkout', async () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ patchbay: 'bin/patchbay.mjs' });
    const run = await runNode(['bin/patchbay.mjs', '--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`patchbay ${VERSION}\n`);
  });
});

describe('bin/patchbay.mjs chooses what to run', () => {
  let root: string;
  const launcher = () => join(root, 'bin', 'patchbay.mjs');

  beforeAll(async () => {
    // A checkout of its own: the launcher beside a stand-in CLI, so that the choice shows in what runs.
    root = await mkdtemp(join(tmpdir(), 'patchbay-bin-'));
    await mkdir(join(root, 'bin'));
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'patchbay', type: 'module' }));
    await copyFile('bin/patchbay.mjs', launcher());
    await copyFile('bin/bundle.mjs', join(root, 'bin', 'bundle.mjs'));
    await mkdir(join(root, 'src', 'server'), { recursive: true });
    await writeFile(join(root, 'src', 'server', 'cli.ts'), "const where: string = 'sources';\nprocess.stdout.write(`${where} ${process.argv.slice(2).join(' ')}`);\n");
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('without dist/ and without esbuild (no `npm install`) it says how to get either, and exits 1', async () => {
    const run = await runNode([launcher(), '--version']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('run `npm install` for development, or `npm run build`');
  });

  it('without dist/ it bundles the TypeScript sources once and runs them under plain node, passing the arguments', async () => {
    // esbuild alone (its own node_modules, so the bundle lands in this checkout's cache, not the real one's).
    await mkdir(join(root, 'node_modules'));
    await symlink(resolve('node_modules', 'esbuild'), join(root, 'node_modules', 'esbuild'), 'dir');
    const run = await runNode([launcher(), 'check-config', 'x.yaml']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('sources check-config x.yaml');
    const trees = await readdir(join(root, 'node_modules', '.cache', 'patchbay'));
    expect(trees).toHaveLength(1);
    expect(await readdir(join(root, 'node_modules', '.cache', 'patchbay', trees[0] ?? '', 'src', 'server'))).toContain('cli.js');
    // Unchanged sources: the same tree, not bundled again.
    expect((await runNode([launcher(), 'again'])).stdout).toBe('sources again');
    expect(await readdir(join(root, 'node_modules', '.cache', 'patchbay'))).toEqual(trees);
  });

  it('once built, it runs dist/ under plain node', async () => {
    await mkdir(join(root, 'dist', 'src', 'server'), { recursive: true });
    await writeFile(join(root, 'dist', 'src', 'server', 'cli.js'), "process.stdout.write(`dist ${process.argv.slice(2).join(' ')}`);\n");
    const run = await runNode([launcher(), 'serve']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('dist serve');
  });
});
