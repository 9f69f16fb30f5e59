import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../src/core/store/dir-lock.js';

/*
 * Issue 9, point 7: the embedded store's data directory belongs to one process at a time. The
 * lock itself is tested here; test/server/store-integrity.test.ts starts two gateways.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lockDataDir', () => {
  it('holds the directory until released: a second taker gets a clear error naming the holder', async () => {
    const release = await lockDataDir(dir);
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}@${hostname()}`);
    const refused = await lockDataDir(dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain(`process ${process.pid}`);
    expect((refused as Error).message).toContain('PATCHBAY_DATA_DIR');
    await release();
    const again = await lockDataDir(dir);
    await again();
  });

  it('takes over a lock left by a process that died (kill -9, a crash)', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(dead).toBeGreaterThan(0);
    await writeFile(join(dir, LOCK_FILE), `${dead}@${hostname()}`);
    const release = await lockDataDir(dir);
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}@${hostname()}`);
    await release();
  });

  it('leaves alone a lock it cannot read, or one held on another host', async () => {
    for (const text of ['', 'garbage', `${process.pid}@another-host.example`]) {
      await writeFile(join(dir, LOCK_FILE), text);
      await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    }
    await rm(join(dir, LOCK_FILE));
  });
});
