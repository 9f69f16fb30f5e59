import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name inside a data directory. */
export const LOCK_FILE = 'patchbay.lock';

/** Another process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: string,
  ) {
    super(
      `The data directory ${dataDir} is in use by ${holder}. Two gateways on one embedded store would corrupt it: stop the other one, give this one another PATCHBAY_DATA_DIR, or share a PostgreSQL server (PATCHBAY_DATABASE_URL) instead. If no Patchbay runs there, delete ${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** What a lock file says about its holder. */
interface Holder {
  readonly pid: number;
  readonly host: string;
}

function parseHolder(text: string): Holder | null {
  const match = /^(\d+)@(.*)$/.exec(text.trim());
  return match?.[1] && match[2] !== undefined ? { pid: Number(match[1]), host: match[2] } : null;
}

/** Whether the process that wrote the lock may still run: always when on another host (it cannot be asked). */
function mayBeAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory for this process, or throws {@link DataDirLockedError}. The lock is a
 * file created with O_EXCL (`wx`), holding `<pid>@<host>`; creating it is atomic on a local file
 * system, so of two processes starting at once exactly one gets it. A lock left by a process that
 * died (kill -9, a crash) is taken over: its pid no longer runs on this host. The stale file is
 * first renamed to a name of our own, so that of two processes taking over at once only one
 * removes it. Returns the release function, which removes the file if it is still ours.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const mine = `${process.pid}@${hostname()}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, mine, { flag: 'wx', mode: 0o644 });
      return async () => {
        const current = await readFile(path, 'utf8').catch(() => null);
        if (current === mine) await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await readFile(path, 'utf8').catch(() => null);
    // Gone in the meantime: try again.
    if (text === null) continue;
    const holder = parseHolder(text);
    // An unreadable lock may be one being written right now: leave it alone.
    if (holder === null) throw new DataDirLockedError(dataDir, 'another process (its lock file is unreadable)');
    if (mayBeAlive(holder)) throw new DataDirLockedError(dataDir, holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`);
    const stale = `${path}.stale-${process.pid}`;
    try {
      await rename(path, stale);
    } catch {
      // Another process moved it first; whoever then creates the lock wins.
      continue;
    }
    if ((await readFile(stale, 'utf8').catch(() => null)) !== text) {
      // Another process took the stale lock over between our read and our move: that lock is live, put it back.
      await rename(stale, path).catch(() => undefined);
      throw new DataDirLockedError(dataDir, 'another process starting at the same time');
    }
    await unlink(stale).catch(() => undefined);
  }
  throw new DataDirLockedError(dataDir, 'another process starting at the same time');
}
