import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { LOCK_STALE_AFTER_MS } from './lease.js';
import type { ReportBuilder } from '../../report/builder.js';

export const LOCK_FILE = '.mailops-backup.lock';

/** What the lock file records of its holder. */
export interface LockHolder {
  host: string;
  pid: number;
  startedAt: string;
  renewedAt: string;
  /** Unique to one holding: names the claim that takes it over. */
  token: string;
}

/** Another run holds the destination and keeps its lease (or is taking it right now). */
export class LockedError extends Error {
  readonly holder: LockHolder | undefined;
  constructor(message: string, holder?: LockHolder) {
    super(message);
    this.holder = holder;
  }
}

export interface Lease {
  file: string;
  /** Aborts if the lease was lost (taken over after this process stalled past --lock-stale-after). */
  lost: AbortSignal;
  /** Set when a stale lock was taken over: whose, and why it was stale. */
  recovered?: { holder: LockHolder; why: string };
  release(): Promise<void>;
}

const token = () =>
  `${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** A holder as read back; a lock from before leases (pid, host, startedAt only) gets a token and renewal from those. */
function parseHolder(text: string, mtimeMs: number): LockHolder {
  let raw: Partial<LockHolder> = {};
  try {
    raw = JSON.parse(text) as Partial<LockHolder>;
  } catch {
    // Unreadable (written by hand, cut short): judged by the file's own time.
  }
  const startedAt = typeof raw.startedAt === 'string' ? raw.startedAt : new Date(mtimeMs).toISOString();
  const renewedAt =
    typeof raw.renewedAt === 'string' && !Number.isNaN(Date.parse(raw.renewedAt))
      ? raw.renewedAt
      : new Date(mtimeMs).toISOString();
  const pid = typeof raw.pid === 'number' ? raw.pid : 0;
  return {
    host: typeof raw.host === 'string' ? raw.host : 'unknown',
    pid,
    startedAt,
    renewedAt,
    token:
      typeof raw.token === 'string' && /^[a-z0-9-]+$/.test(raw.token)
        ? raw.token
        : `old-${pid}-${Math.round(mtimeMs)}`,
  };
}

/**
 * Creates `file` holding `me`, or fails with EEXIST: written beside it, then hard-linked into
 * place, so no reader ever finds it empty or half written.
 */
async function create(file: string, me: LockHolder): Promise<void> {
  const temp = `${file}.${me.token}.tmp`;
  await writeFile(temp, `${JSON.stringify(me)}\n`);
  try {
    await link(temp, file);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return parseHolder(text, info.mtimeMs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function running(pid: number): Promise<boolean> {
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
 * Why a holder's lock is stale, or undefined while it is live. Any holder that has not renewed
 * within staleAfterMs is stale, whichever host wrote it (every CronJob pod has a new hostname).
 * On this host a holder whose process is gone is stale at once; a holder with our own pid is
 * not us (PID 1 in every container).
 */
async function staleness(
  holder: LockHolder,
  me: LockHolder,
  staleAfterMs: number,
): Promise<string | undefined> {
  const silentMs = Date.now() - Date.parse(holder.renewedAt);
  if (silentMs > staleAfterMs)
    return `not renewed for ${Math.round(silentMs / 1000)}s (stale after ${Math.round(staleAfterMs / 1000)}s)`;
  if (holder.host !== me.host) return undefined;
  if (holder.pid === me.pid) return `its pid ${holder.pid} is this process's own, so its holder is gone`;
  return (await running(holder.pid)) ? undefined : `pid ${holder.pid} is not running on this host`;
}

const describeHolder = (h: LockHolder) =>
  `pid ${h.pid} on ${h.host}, started ${h.startedAt}, last renewed ${h.renewedAt}`;

/**
 * Takes the destination's lock as a lease: created exclusively; renewed while the run lasts
 * (every third of staleAfterMs); released at the end, and also when the process exits without
 * reaching the end. A stale lock is taken over through a claim file named after its token,
 * created exclusively, so of several runs that find the same stale lock exactly one wins; a
 * claim whose claimant died is itself stale after staleAfterMs and is taken over the same way.
 */
export async function acquireLock(dest: string, staleAfterMs = LOCK_STALE_AFTER_MS): Promise<Lease> {
  const file = join(dest, LOCK_FILE);
  const now = new Date().toISOString();
  const me: LockHolder = {
    host: hostname(),
    pid: process.pid,
    startedAt: now,
    renewedAt: now,
    token: token(),
  };

  let recovered: Lease['recovered'];
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await create(file, me);
      return hold(file, me, staleAfterMs, recovered);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (!holder) continue; // released in between: try again
    const why = await staleness(holder, me, staleAfterMs);
    if (!why)
      throw new LockedError(
        `${file}: expected no other backup on this destination, got one holding it (${describeHolder(holder)})`,
        holder,
      );
    recovered = { holder, why };
    if (await takeOver(file, holder, me, staleAfterMs, [holder.token])) {
      await sweep(dest, staleAfterMs, holder);
      return hold(file, me, staleAfterMs, recovered);
    }
  }
  throw new LockedError(`${file}: expected to take the lock, got another run taking it at the same time`);
}

/** How old a temporary lock file must be before a holder deletes it: its writer died (a create takes milliseconds). */
const TEMP_LEFT_MS = 60_000;

/**
 * What runs killed while taking the lock left, deleted by the run that took the lock over: the
 * stale holder's temporary lock file at once, other temporary files of a minute and more (a
 * create takes milliseconds), claims older than staleAfterMs (their claimant is dead).
 */
async function sweep(dest: string, staleAfterMs: number, stale: LockHolder): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dest).catch(() => [] as string[])) {
    if (!name.startsWith(`${LOCK_FILE}.`)) continue;
    const path = join(dest, name);
    const age = now - ((await stat(path).catch(() => undefined))?.mtimeMs ?? now);
    const left = name.endsWith('.tmp')
      ? name === `${LOCK_FILE}.${stale.token}.tmp` || age >= TEMP_LEFT_MS
      : age > staleAfterMs;
    if (left) await unlink(path).catch(() => undefined);
  }
}

/**
 * Replaces the stale `holder` by `me`, if this process is the one to claim it. `chain`: the
 * tokens the lock file may still hold (the stale holder's, and those of dead claimants).
 */
async function takeOver(
  file: string,
  stale: LockHolder,
  me: LockHolder,
  staleAfterMs: number,
  chain: string[],
): Promise<boolean> {
  const claim = `${file}.takeover-${stale.token}`;
  try {
    await create(claim, me);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another run claimed it: it wins, unless it died before finishing (its claim is stale too).
    const claimant = await readHolder(claim);
    if (!claimant || (await staleness(claimant, me, staleAfterMs)) === undefined) return false;
    const won = await takeOver(file, claimant, me, staleAfterMs, [...chain, claimant.token]);
    if (won) await unlink(claim).catch(() => undefined);
    return won;
  }
  // The lock must still be the stale one (not taken by a faster run meanwhile) when ours goes in.
  const current = await readHolder(file);
  if (current && !chain.includes(current.token)) {
    await unlink(claim).catch(() => undefined);
    return false;
  }
  await rename(claim, file);
  return true;
}

function hold(file: string, me: LockHolder, staleAfterMs: number, recovered: Lease['recovered']): Lease {
  const lost = new AbortController();
  const ours = (text: string) => parseHolder(text, 0).token === me.token;
  // Renewed in place through one descriptor: if the file was replaced meanwhile, the write goes
  // to our old inode, never over the new holder's record.
  const renew = async () => {
    const handle = await open(file, 'r+').catch(() => undefined);
    try {
      const text = handle ? await handle.readFile('utf8') : '';
      if (!handle || !ours(text)) {
        const now = handle ? parseHolder(text, Date.now()) : undefined;
        lost.abort(
          new Error(
            `lost the backup lock ${file}${now ? ` to ${describeHolder(now)}` : ''}: this run stalled past --lock-stale-after`,
          ),
        );
        clearInterval(timer);
        return;
      }
      me.renewedAt = new Date().toISOString();
      const next = `${JSON.stringify(me)}\n`;
      await handle.write(next, 0);
      await handle.truncate(Buffer.byteLength(next));
    } finally {
      await handle?.close();
    }
  };
  const timer = setInterval(() => void renew().catch(() => undefined), Math.max(100, staleAfterMs / 3));
  timer.unref();
  // A run abandoned at its deadline ends the process without reaching release(): the lock goes with it.
  const onExit = () => {
    try {
      if (ours(readFileSync(file, 'utf8'))) unlinkSync(file);
    } catch {
      // Gone already.
    }
  };
  process.once('exit', onExit);
  return {
    file,
    lost: lost.signal,
    ...(recovered ? { recovered } : {}),
    async release() {
      clearInterval(timer);
      process.off('exit', onExit);
      const text = await readFile(file, 'utf8').catch(() => '');
      if (ours(text)) await unlink(file).catch(() => undefined);
    },
  };
}

/**
 * Makes the destination and takes its lock. What stands in the way is a failed step (a failed
 * run that still pushes its failure), not an exception: `dest` when the directory cannot be
 * made or written, `lock` when another run holds it.
 */
export async function holdDestination(
  dest: string,
  staleAfterMs: number,
): Promise<
  | { lease: Lease }
  | { step: 'dest' | 'lock'; problem: string; file: string; holder?: Omit<LockHolder, 'token'> }
> {
  const file = join(dest, LOCK_FILE);
  const cannot = (what: string, error: unknown) => {
    const e = error as NodeJS.ErrnoException;
    return {
      step: 'dest' as const,
      file,
      problem: `${dest}: expected a directory this run can ${what}, got ${e.code ?? e.message}`,
    };
  };
  try {
    await mkdir(dest, { recursive: true });
  } catch (error) {
    return cannot('create', error);
  }
  try {
    return { lease: await acquireLock(dest, staleAfterMs) };
  } catch (error) {
    if (!(error instanceof LockedError)) return cannot('write', error);
    const holder = error.holder;
    return {
      step: 'lock',
      file,
      problem: error.message,
      ...(holder ? { holder: holderOf(holder) } : {}),
    };
  }
}

/** A holder as a report shows it: never its token. */
const holderOf = ({ host, pid, startedAt, renewedAt }: LockHolder) => ({ host, pid, startedAt, renewedAt });

/**
 * The destination held for a run that writes to it (backup, prune): its `lock` check, a warning
 * for a stale lock taken over, or the failed `dest`/`lock` step; the lease, or undefined.
 */
export async function lockDestination(
  dest: string,
  staleAfterMs: number,
  report: ReportBuilder,
): Promise<Lease | undefined> {
  const since = Date.now();
  const held = await holdDestination(dest, staleAfterMs);
  if ('problem' in held) {
    report.check({
      name: held.step,
      status: 'fail',
      summary: held.problem,
      since,
      ...(held.holder ? { details: { kind: 'lock', file: held.file, holder: held.holder } } : {}),
    });
    return undefined;
  }
  const taken = held.lease.recovered;
  if (taken)
    report.warn(
      `took over a stale lock of pid ${taken.holder.pid} on ${taken.holder.host} (started ${taken.holder.startedAt}, last renewed ${taken.holder.renewedAt}): ${taken.why}`,
    );
  report.check({
    name: 'lock',
    status: 'pass',
    summary: `holding ${dest}`,
    since,
    details: {
      kind: 'lock',
      file: held.lease.file,
      ...(taken ? { holder: holderOf(taken.holder), tookOver: taken.why } : {}),
    },
  });
  return held.lease;
}
