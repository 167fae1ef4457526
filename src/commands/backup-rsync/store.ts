import { closeSync, fsyncSync, openSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RsyncStats } from '../../checks/rsync-stats.js';
import { syncDir } from '../../output/atomic-write.js';
import { periodStart } from '../../checks/period.js';
import type { Churn } from './churn.js';

/** Written into a snapshot last, before it is renamed into place: its presence means complete. */
export const MARKER = '.mailops-snapshot.json';
const STAGING = '.staging-';
const ASIDE = '.aside-';
const TRASH = '.trash-';

export interface SourceRecord {
  name: string;
  path: string;
  stats: RsyncStats;
  rsyncExit: number;
  /** md5sum-format file of every regular file, inside the snapshot (sha256sum-format before). */
  checksums: string;
  /** How it differs from its base, when the base has a usable manifest. */
  churn?: Churn;
}

export interface SnapshotManifest {
  id: string;
  period: 'week' | 'day';
  startedAt: string;
  completedAt: string;
  sources: SourceRecord[];
}

export interface Snapshot {
  id: string;
  dir: string;
  start: number;
  manifest: SnapshotManifest | undefined;
}

export const stagingDir = (dest: string, id: string, runId: string) => join(dest, `${STAGING}${id}-${runId}`);

/** Snapshots named by a period id, complete (marker present) or not, oldest first by parsed date. */
export async function listSnapshots(dest: string): Promise<Snapshot[]> {
  const entries = await readdir(dest, { withFileTypes: true }).catch(() => []);
  // Markers read in parallel: a run lists the destination twice, and waits for it before rsync.
  const snapshots = await Promise.all(
    entries.map(async (entry): Promise<Snapshot | undefined> => {
      const start = entry.isDirectory() ? periodStart(entry.name) : undefined;
      if (start === undefined) return undefined;
      const dir = join(dest, entry.name);
      const manifest = await readFile(join(dir, MARKER), 'utf8')
        .then((text) => JSON.parse(text) as SnapshotManifest)
        .catch(() => undefined);
      return { id: entry.name, dir, start, manifest };
    }),
  );
  return snapshots.filter((s) => s !== undefined).sort((a, b) => a.start - b.start);
}

/** Leftovers of runs that died: staging dirs, snapshots moved aside by a re-run, trash. */
export async function leftovers(
  dest: string,
): Promise<{ staging: string[]; aside: string[]; trash: string[] }> {
  const names = (await readdir(dest).catch(() => [] as string[])).sort();
  const under = (prefix: string) => names.filter((n) => n.startsWith(prefix)).map((n) => join(dest, n));
  return { staging: under(STAGING), aside: under(ASIDE), trash: under(TRASH) };
}

const isDir = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

/**
 * Finishes or undoes what dead runs left, so that nothing half-done survives a crash:
 * - a re-run that died between moving the old snapshot aside and renaming the new one in: the
 *   new one, complete (its marker is written and synced before the swap), is put in place;
 * - a snapshot moved aside whose replacement never arrived is put back; one that was
 *   replaced is deleted;
 * - staging dirs (partial, never promoted) and trash (expired or replaced snapshots whose
 *   deletion was cut short) are deleted.
 */
export async function recover(dest: string): Promise<string[]> {
  const notes: string[] = [];
  const { staging, aside, trash } = await leftovers(dest);
  for (const dir of aside) {
    const [, id, runId] = /\.aside-(.+)-([0-9a-z]+)$/.exec(dir) ?? [];
    if (!id || !runId) continue;
    const target = join(dest, id);
    if (await isDir(target)) {
      await remove(dest, dir, `${id}-${runId}`);
      continue;
    }
    const swapped = stagingDir(dest, id, runId);
    if (await exists(join(swapped, MARKER))) {
      await rename(swapped, target);
      notes.push(`finished replacing snapshot ${id}, which an interrupted run had left out of place`);
      await remove(dest, dir, `${id}-${runId}`);
    } else {
      await rename(dir, target);
      notes.push(`restored snapshot ${id} that an interrupted run had moved aside`);
    }
  }
  for (const dir of staging) {
    if (!(await isDir(dir))) continue;
    await removeTree(dir);
    notes.push(`removed partial snapshot ${dir} left by an interrupted run`);
  }
  for (const dir of trash) {
    await removeTree(dir);
    notes.push(`finished deleting ${dir}, which an interrupted run had begun to delete`);
  }
  if (aside.length || staging.length || trash.length) await syncDir(dest);
  return notes;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Deletes a tree of the destination. ENOTEMPTY is retried: the rsync children of a run killed
 * outright can still be writing into its staging dir for a moment after their parent died.
 */
export const removeTree = (dir: string) =>
  rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });

/**
 * Deletes a directory of the destination: renamed to trash first (`.trash-<key>`), so an
 * interrupted deletion leaves trash for the next run, never a snapshot with files missing.
 */
export async function remove(dest: string, dir: string, key: string): Promise<void> {
  const trashed = join(dest, `${TRASH}${key}`);
  await rename(dir, trashed);
  await syncDir(dest);
  await removeTree(trashed);
}

/**
 * Deletes expired snapshots: all of them are renamed to trash (`.trash-<id>-<runId>`) and the
 * renames synced before the first file goes, so the listing loses them at once and a deletion
 * cut short leaves trash for the next run (recover), never a snapshot with files missing.
 */
export async function discard(
  dest: string,
  snapshots: readonly { id: string; dir: string }[],
  runId: string,
): Promise<void> {
  if (snapshots.length === 0) return;
  const trashed = snapshots.map((s) => ({ from: s.dir, to: join(dest, `${TRASH}${s.id}-${runId}`) }));
  for (const { from, to } of trashed) await rename(from, to);
  await syncDir(dest);
  for (const { to } of trashed) await removeTree(to);
}

/**
 * Writes a file and syncs it to disk, so a snapshot is never promoted with its manifest still
 * in the page cache. Synchronous: one write of the whole text (the async one goes through the
 * thread pool in pieces: 3-17 ms against 1 ms for a 20,000-line manifest).
 */
export function writeSynced(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Syncs a file written as a stream to disk (a manifest), before the snapshot holding it is promoted. */
export function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts a finished staging dir in place as snapshot `id`. An existing snapshot of the same
 * period is moved aside first and deleted after, so at every moment either the old or the new
 * one is complete on disk; a crash in between is finished by the next run (recover).
 */
export async function promote(dest: string, staging: string, id: string, runId: string): Promise<void> {
  const target = join(dest, id);
  const aside = join(dest, `${ASIDE}${id}-${runId}`);
  const replacing = await isDir(target);
  if (replacing) await rename(target, aside);
  await rename(staging, target);
  await syncDir(dest);
  if (replacing) await remove(dest, aside, `${id}-${runId}`);
}
