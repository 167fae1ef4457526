import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RsyncStats } from '../../checks/rsync-stats.js';
import { periodStart } from '../../checks/period.js';

/** Written into a snapshot last, before it is renamed into place: its presence means complete. */
export const MARKER = '.mailops-snapshot.json';
const STAGING = '.staging-';
const TRASH = '.trash-';

export interface SourceRecord {
  name: string;
  path: string;
  stats: RsyncStats;
  rsyncExit: number;
  /** md5sum-format file of every regular file, inside the snapshot (sha256sum-format before). */
  checksums: string;
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

/** Leftovers of runs that died: staging dirs (partial, never promoted) and trash from an interrupted swap. */
export async function leftovers(dest: string): Promise<{ staging: string[]; trash: string[] }> {
  const names = (await readdir(dest).catch(() => [] as string[])).sort();
  return {
    staging: names.filter((n) => n.startsWith(STAGING)).map((n) => join(dest, n)),
    trash: names.filter((n) => n.startsWith(TRASH)).map((n) => join(dest, n)),
  };
}

/**
 * Cleans what dead runs left: partial staging dirs are deleted; a trashed
 * snapshot whose replacement never arrived is put back, else deleted.
 */
export async function recover(dest: string): Promise<string[]> {
  const notes: string[] = [];
  const { staging, trash } = await leftovers(dest);
  for (const dir of staging) {
    await rm(dir, { recursive: true, force: true });
    notes.push(`removed partial snapshot ${dir} left by an interrupted run`);
  }
  for (const dir of trash) {
    const id = /\.trash-(.+)-[0-9a-z]+$/.exec(dir)?.[1];
    const target = id ? join(dest, id) : undefined;
    const present = target
      ? await readdir(target).then(
          () => true,
          () => false,
        )
      : true;
    if (target && !present) {
      await rename(dir, target);
      notes.push(`restored snapshot ${id} that an interrupted run had moved aside`);
    } else {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return notes;
}

/**
 * Puts a finished staging dir in place as snapshot `id`. An existing snapshot
 * of the same period is moved aside first and deleted after, so at every
 * moment either the old or the new one is complete on disk.
 */
export async function promote(dest: string, staging: string, id: string, runId: string): Promise<void> {
  const target = join(dest, id);
  const aside = join(dest, `${TRASH}${id}-${runId}`);
  const replacing = await readdir(target).then(
    () => true,
    () => false,
  );
  if (replacing) await rename(target, aside);
  await rename(staging, target);
  if (replacing) await rm(aside, { recursive: true, force: true });
}
