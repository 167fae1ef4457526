import { lstat, readdir } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { runProcess } from '../../process/run-process.js';

/** Deepest level whose directories may become units. */
const MAX_DEPTH = 4;
/** Units wanted per parallel run, so that a few big mailboxes still balance. */
const UNITS_PER_RUN = 4;
/** Below this many files one rsync is as fast: each extra run costs a start and a walk. */
export const MIN_FILES = 2000;
const ABOVE = 'a file in the units is hard-linked to one above them';

/**
 * How one source is copied by several rsyncs side by side. rsync copies one file at a time
 * (sender, generator and receiver hand each file on in turn), so on a tree of many small files
 * it leaves cores idle; runs on disjoint subtrees fill them.
 *
 * The units are the directories at `depth`. Each of `parts` is copied whole, recursively, by one
 * run. The rest, `shallow` (every entry above the units, and the units themselves, without their
 * contents), is copied by one more run after those have finished, so that the directories above
 * the units get their times set last, as a single rsync would leave them.
 */
export interface Partition {
  depth: number;
  parts: string[][];
  /** Paths at depth 2 .. depth, for the last run's --files-from after ".": "." brings depth 1. */
  shallow: string[];
  /** The run that copies a directory (relative path), or undefined for the last run. */
  runOf: (dir: string) => number | undefined;
}

/** Directories and other entries of one level, by relative path. */
interface Level {
  dirs: string[];
  others: string[];
}

async function readLevel(root: string, dirs: string[]): Promise<Level | undefined> {
  // One that cannot be read is for rsync to report.
  const read = await Promise.all(
    dirs.map((dir) => readdir(dir ? `${root}/${dir}` : root, { withFileTypes: true }).catch(() => undefined)),
  );
  const level: Level = { dirs: [], others: [] };
  for (const [i, entries] of read.entries()) {
    if (!entries) return undefined;
    for (const entry of entries) {
      // A name that is not UTF-8 reads back changed: it could not be named to rsync.
      if (entry.name.includes('\uFFFD')) return undefined;
      const path = dirs[i] ? `${dirs[i]}/${entry.name}` : entry.name;
      (entry.isDirectory() ? level.dirs : level.others).push(path);
    }
  }
  return level;
}

/**
 * Each entry one `find` prints (NUL-terminated) handed to `take` as it arrives, none kept: a
 * mail store's million files are never held at once. False if find failed: rsync will say what
 * is unreadable.
 */
async function find(args: string[], signal: AbortSignal, take: (entry: string) => void): Promise<boolean> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const result = await runProcess(['find', '-P', ...args], {
    signal,
    ignoreStderr: true,
    onStdout: (chunk) => {
      const entries = (partial + decoder.write(chunk)).split('\0');
      partial = entries.pop() ?? '';
      for (const entry of entries) take(entry);
    },
  });
  return result.code === 0;
}

/**
 * The non-directories in the units, each handed to `take` as "U<unit>", or "L<device>:<inode>
 * <unit>" for one with other hard links. A link count takes a stat of every file (as rsync's
 * sender does), so `runs` finds share the units.
 */
async function listUnitFiles(
  prefix: string,
  units: string[],
  runs: number,
  signal: AbortSignal,
  take: (entry: string) => void,
): Promise<boolean> {
  const shares = Array.from({ length: runs }, (_, run) => units.filter((_, i) => i % runs === run));
  const found = await Promise.all(
    shares
      .filter((share) => share.length)
      .map((share) =>
        find(
          [
            ...share.map((unit) => prefix + unit),
            ...[
              '!',
              '-type',
              'd',
              '(',
              '-links',
              '+1',
              '-printf',
              'L%D:%i %H\\0',
              '-o',
              '-printf',
              'U%H\\0',
              ')',
            ],
          ],
          signal,
          take,
        ),
      ),
  );
  return found.every(Boolean);
}

/** Union-find over unit indexes; index -1 (the shallow entries) is kept apart by the caller. */
function unionFind(size: number) {
  const parent = Array.from({ length: size }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  return { find, union: (a: number, b: number) => void (parent[find(a)] = find(b)) };
}

/**
 * Splits the source into `runs` parts of about equal file counts, or says why one rsync should
 * copy it all: fewer than two units, a small tree, a name that is not UTF-8 above the
 * units, or a hard link between a unit and the entries above them (rsync -H keeps hard links only
 * among the files of one run, so files linked to each other always go to the same run).
 */
export async function partition(
  root: string,
  runs: number,
  signal: AbortSignal,
): Promise<Partition | string> {
  if (runs < 2) return '--parallel 1';
  // The shallowest level with enough directories to balance; failing that, the one with most.
  const levels: Level[] = [];
  let best = 0;
  for (let depth = 1; depth <= MAX_DEPTH; depth++) {
    const level = await readLevel(root, depth === 1 ? [''] : levels[depth - 2]!.dirs);
    if (!level) return 'a directory above the units could not be read, or holds a name that is not UTF-8';
    levels.push(level);
    if (level.dirs.length > (levels[best - 1]?.dirs.length ?? 0)) best = depth;
    if (level.dirs.length >= runs * UNITS_PER_RUN || level.dirs.length === 0) break;
  }
  const units = levels[best - 1]?.dirs ?? [];
  if (units.length < 2) return 'fewer than two directories to share out';

  const prefix = root.endsWith('/') ? root : `${root}/`;
  const above = levels.slice(0, best).flatMap((level) => level.others);
  const unitIndex = new Map(units.map((unit, i) => [prefix + unit, i]));
  const weights = new Array<number>(units.length).fill(0);
  const sets = unionFind(units.length);
  // Each inode with more than one link: the unit of the first of its paths seen (-1: above them).
  const inodes = new Map<string, number>();
  let linkedAbove = false;
  const linked = (inode: string, unit: number) => {
    const other = inodes.get(inode);
    if (other === undefined) inodes.set(inode, unit);
    else if (other !== unit) {
      if (other === -1 || unit === -1) return false;
      sets.union(other, unit);
    }
    return true;
  };
  // A file gone since is rsync's to report.
  const aboveStats = await Promise.all(above.map((path) => lstat(prefix + path).catch(() => undefined)));
  for (const stats of aboveStats)
    if (stats && stats.nlink > 1 && !linked(`${stats.dev}:${stats.ino}`, -1)) return ABOVE;
  let files = 0;
  const listed = await listUnitFiles(prefix, units, runs, signal, (entry) => {
    const space = entry[0] === 'L' ? entry.indexOf(' ') : 0;
    const unit = unitIndex.get(entry.slice(space + 1))!;
    weights[unit]!++;
    files++;
    if (space && !linked(entry.slice(1, space), unit)) linkedAbove = true;
  });
  if (!listed) return 'find could not list the files';
  if (linkedAbove) return ABOVE;
  if (files + above.length < MIN_FILES) return `fewer than ${MIN_FILES} files`;

  // Largest group first, each to the run with the fewest files so far.
  const groups = new Map<number, { units: string[]; files: number }>();
  for (let i = 0; i < units.length; i++) {
    const key = sets.find(i);
    const group = groups.get(key) ?? { units: [], files: 0 };
    group.units.push(units[i]!);
    group.files += weights[i]! + 1;
    groups.set(key, group);
  }
  const load = new Array<number>(runs).fill(0);
  const parts: string[][] = Array.from({ length: runs }, () => []);
  for (const group of [...groups.values()].sort((a, b) => b.files - a.files)) {
    const run = load.indexOf(Math.min(...load));
    load[run]! += group.files;
    parts[run]!.push(...group.units);
  }
  const used = parts.filter((part) => part.length > 0).map((part) => part.sort());
  if (used.length < 2) return 'hard links join the directories into one group';

  const runByUnit = new Map(used.flatMap((part, run) => part.map((unit) => [unit, run] as const)));
  const shallow = levels.slice(1, best).flatMap((level) => [...level.dirs, ...level.others]);
  return {
    depth: best,
    parts: used,
    shallow: shallow.sort(),
    runOf: (dir) => {
      const names = dir.split('/');
      return names.length < best ? undefined : runByUnit.get(names.slice(0, best).join('/'));
    },
  };
}
