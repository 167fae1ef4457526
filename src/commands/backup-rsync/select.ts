import { lstat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';
import type { Progress } from '../../output/progress.js';
import { ReportBuilder } from '../../report/builder.js';
import {
  type Algorithm,
  algorithmOf,
  type Checksums,
  checksumTree,
  compareChecksums,
  hashFile,
  readChecksums,
} from './manifest.js';
import { checksumsUnder } from './manifest-under.js';
import { Unsorted } from './manifest-cursor.js';
import { compareTree, type TreeDifferences } from './tree-check.js';
import type { Subtree } from './restore-path.js';
import { listSnapshots, type Snapshot } from './store.js';

/** The complete snapshot named by --snapshot, or a usage error listing the ones there are. */
export async function completeSnapshot(values: {
  dest: string;
  snapshot: string | undefined;
}): Promise<Snapshot> {
  const dest = resolve(values.dest);
  const id = values.snapshot;
  const snapshots = (await listSnapshots(dest)).filter((s) => s.manifest);
  const found = snapshots.find((s) => s.id === id);
  if (!found) {
    const known = snapshots.map((s) => s.id).join(', ') || 'none';
    throw new UsageError(
      `--snapshot: expected a complete snapshot in ${dest} (${known}), got ${describeValue(id)}`,
    );
  }
  return found;
}

/** The report of list, verify, restore or prune: they read snapshots, so they push only when asked to count (verify) or when they delete (prune without --dry-run). */
export function snapshotReport(
  command: 'list' | 'verify' | 'restore' | 'prune',
  ctx: { progress: Progress },
): ReportBuilder {
  return new ReportBuilder({
    command: `backup-rsync ${command}`,
    metricPrefix: `backup_${command}`,
    progress: ctx.progress,
  });
}

/** rsync's itemized changes as a check's details: counts, and the first 200. */
export function itemizedChanges(target: string, changes: { change: string; path: string }[]) {
  const deletes = changes.filter((c) => c.change === '*deleting').length;
  return {
    kind: 'itemized-changes' as const,
    target,
    writes: changes.length - deletes,
    deletes,
    changes: changes.slice(0, 200),
  };
}

const sample = (paths: string[]) =>
  paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` (+${paths.length - 5})` : '');

/** The one file restored into a directory, alone: the directory's other files are not the restore's. */
async function restoredFile(dir: string, name: string, algorithm: Algorithm): Promise<Checksums> {
  const file = join(dir, name);
  const regular = await lstat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  return new Map(regular ? [[name, await hashFile(file, algorithm)]] : []);
}

/**
 * A tree checked against a snapshot's checksum manifest (verify: the snapshot itself; restore:
 * the restored copy): the status, summary and details of that check. A manifest that cannot be
 * read is an error: nothing could be checked. With a subtree (restore --path), only the
 * manifest's lines under it count, re-based to the tree: a directory's contents, or one file in it.
 */
export async function manifestCheck(manifest: string, tree: string, subtree?: Subtree) {
  const algorithm = algorithmOf(manifest);
  let found: TreeDifferences;
  try {
    found = subtree
      ? await underSubtree(manifest, tree, subtree, algorithm)
      : await wholeTree(manifest, tree, algorithm);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    // Only the manifest's own failure is this check's error: a file of the tree that cannot be read throws on.
    if (e.path !== undefined && e.path !== manifest) throw error;
    return {
      status: 'error' as const,
      summary: `${manifest}: expected its checksum manifest, got ${e.code ?? e.message}`,
    };
  }
  const { files, changed, missing, extra } = found;
  const bad = changed.length + missing.length + extra.length;
  return {
    status: bad ? ('fail' as const) : ('pass' as const),
    summary: bad
      ? `${changed.length} changed, ${missing.length} missing, ${extra.length} unexpected: ${sample([...changed, ...missing, ...extra])}`
      : `${files} files match the manifest`,
    details: {
      kind: 'manifest-check' as const,
      files,
      changed,
      missing,
      extra,
      ...(subtree && { path: subtree.path }),
    },
  };
}

/** Streamed when the manifest is in order, as every backup writes it; by maps for one edited by hand. */
async function wholeTree(manifest: string, tree: string, algorithm: Algorithm): Promise<TreeDifferences> {
  try {
    return await compareTree(manifest, tree, algorithm);
  } catch (error) {
    if (!(error instanceof Unsorted)) throw error;
    const expected = readChecksums(manifest);
    return { files: expected.size, ...compareChecksums(expected, await checksumTree(tree, algorithm)) };
  }
}

/** A mailbox's worth of lines, re-based to the restored copy: small enough for maps. */
async function underSubtree(
  manifest: string,
  tree: string,
  subtree: Subtree,
  algorithm: Algorithm,
): Promise<TreeDifferences> {
  const expected = checksumsUnder(manifest, subtree);
  const actual =
    subtree.kind === 'file'
      ? await restoredFile(tree, basename(subtree.path), algorithm)
      : await checksumTree(tree, algorithm);
  return { files: expected.size, ...compareChecksums(expected, actual) };
}
