import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.mailops-backup.lock';

interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** Another live run holds the destination. */
export class LockedError extends Error {}

async function alive(pid: number): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (a dead process nobody has reaped yet) holds nothing.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/**
 * Takes the destination's lock (O_EXCL). A lock left by a dead process on this
 * host is stale: it is reported and replaced. A live holder, or one on another
 * host (which cannot be checked from here), refuses the run.
 */
export async function acquireLock(
  dest: string,
): Promise<{ release(): Promise<void>; recovered?: LockHolder }> {
  const file = join(dest, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  let recovered: LockHolder | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, JSON.stringify(me), { flag: 'wx' });
      const release = async () => {
        const holder = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Partial<LockHolder>;
        if (holder.pid === me.pid && holder.host === me.host) await unlink(file).catch(() => undefined);
      };
      return recovered ? { release, recovered } : { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: LockHolder;
    try {
      holder = JSON.parse(await readFile(file, 'utf8')) as LockHolder;
    } catch {
      holder = { pid: 0, host: me.host, startedAt: 'unknown' };
    }
    if (holder.host !== me.host || (await alive(holder.pid))) {
      throw new LockedError(
        `${file}: expected no other backup on this destination, got one running (pid ${holder.pid} on ${holder.host} since ${holder.startedAt})`,
      );
    }
    recovered = holder;
    await unlink(file).catch(() => undefined);
  }
  throw new LockedError(`${file}: could not take the lock`);
}
