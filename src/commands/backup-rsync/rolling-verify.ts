import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Algorithm, algorithmOf, byPath, hashFile } from './manifest.js';
import { manifestEntries } from './manifest-stream.js';
import { MARKER, type Snapshot } from './store.js';
import { type Place, type Problem, REMEMBERED, type Remembered, type VerifyState } from './verify-state.js';

export interface Mismatch {
  path: string;
  problem: Problem;
  /** Found by an earlier run, and still so. */
  earlier: boolean;
}

/** One source's share of a rolling run. */
export interface SourceSlice {
  name: string;
  manifest: string;
  /** Entries of its manifest. */
  files: number;
  /** Files of this run's slice read, the first and the last of them in manifest order. */
  checked: number;
  first?: string;
  last?: string;
  /** Files that differ, are missing or cannot be read: the slice's, and earlier ones still so. */
  mismatches: number;
  /** Of them, by problem, and those an earlier run found. */
  problems: Record<Problem, number>;
  earlier: number;
  /** The first REMEMBERED of them. */
  mismatched: Mismatch[];
  /** Why its manifest could not be read: none of its files was. */
  error?: string;
}

/**
 * Why a run stopped before the end of the cycle: its share read (--sample), its time spent
 * (--budget), the deadline or a signal, or the snapshot replaced under it by a backup re-run.
 */
export type StopReason = 'sample' | 'budget' | 'signal' | 'replaced';

export interface RollingRun {
  sources: SourceSlice[];
  /** Every manifest was counted (false when the run was stopped first): files and position hold. */
  counted: boolean;
  /** Files of the snapshot, and how many of them the cycle has passed (sorted at or before its cursor). */
  files: number;
  position: number;
  completed: boolean;
  stoppedBy?: StopReason;
  /** Remembered mismatches outside the slice read again. */
  rechecked: number;
  state: VerifyState;
}

export interface SliceLimit {
  /** Percentage of the snapshot's files to read (--sample). */
  sample?: number;
  /** Epoch ms after which no further file is started (--budget). */
  until?: number;
  signal: AbortSignal;
  /** Called every PROGRESS_EVERY files read. */
  progress?: (read: number) => void;
}

const PROGRESS_EVERY = 1000;

const order = (a: Place, b: Place) => byPath(a.source, b.source) || byPath(a.path, b.path);

async function judge(file: string, digest: string, algorithm: Algorithm): Promise<Problem | undefined> {
  try {
    return (await hashFile(file, algorithm)) === digest ? undefined : 'changed';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
  }
}

/**
 * The snapshot as it stands: its marker's inode. A backup re-run in the same period renames a
 * new snapshot over it, retention deletes it; either would make its files look missing.
 */
const identity = (dir: string) =>
  stat(join(dir, MARKER)).then(
    (s) => `${s.dev}:${s.ino}`,
    () => undefined,
  );

const unreadableManifest = (manifest: string, error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  return `${manifest}: expected its checksum manifest, got ${e.code ?? e.message}`;
};

interface Survey {
  files: number;
  /** Entries at or before the cursor. */
  passed: number;
  /** Digests of the remembered mismatches of this source. */
  digests: Map<string, string>;
  error?: string;
}

/** A manifest counted, a line at a time, in order: a sample's share needs the total first. */
function survey(
  name: string,
  manifest: string,
  cursor: Place | undefined,
  wanted: ReadonlySet<string>,
  signal: AbortSignal,
): Survey {
  const digests = new Map<string, string>();
  // Sources are in name order, so only the cursor's own source is passed in part.
  const side = cursor ? byPath(name, cursor.source) : 1;
  let files = 0;
  let passed = 0;
  let previous: string | undefined;
  try {
    for (const { path, digest } of manifestEntries(manifest)) {
      if (signal.aborted) break;
      // The cursor is a path: in a manifest out of order, files after it could sort before it, never to be read.
      if (previous !== undefined && !(previous < path)) {
        const error = `${manifest}: expected lines sorted by path, got ${JSON.stringify(path)} after ${JSON.stringify(previous)}`;
        return { files: 0, passed: 0, digests, error };
      }
      previous = path;
      files++;
      if (side < 0 || (side === 0 && path <= cursor!.path)) passed++;
      if (wanted.has(path)) digests.set(path, digest);
    }
  } catch (error) {
    return { files: 0, passed: 0, digests, error: unreadableManifest(manifest, error) };
  }
  return { files, passed, digests };
}

/**
 * One run of rolling verification over the newest snapshot: the files after the state's cursor,
 * in order of source name then path, read and compared with the manifest until the limit or
 * the end of the cycle; then the mismatches earlier runs found, read again. Returns what it
 * found and the state to keep. Manifests are streamed twice (counted, then read), never held.
 */
export async function rollingRun(
  snapshot: Snapshot,
  state: VerifyState,
  limit: SliceLimit,
  now: () => Date,
): Promise<RollingRun> {
  const { signal } = limit;
  const records = [...(snapshot.manifest?.sources ?? [])].sort((a, b) => byPath(a.name, b.name));
  const sources: SourceSlice[] = [];
  const surveys = new Map<string, Survey>();
  for (const record of records) {
    const manifest = join(snapshot.dir, record.checksums);
    const wanted = new Set(state.mismatched.filter((m) => m.source === record.name).map((m) => m.path));
    const found = survey(record.name, manifest, state.cursor, wanted, signal);
    surveys.set(record.name, found);
    const { files, error } = found;
    const problems = { changed: 0, missing: 0, unreadable: 0 };
    sources.push({
      name: record.name,
      manifest,
      files,
      checked: 0,
      mismatches: 0,
      problems,
      earlier: 0,
      mismatched: [],
    });
    if (error) sources.at(-1)!.error = error;
  }
  const files = sources.reduce((sum, s) => sum + s.files, 0);
  const passed = [...surveys.values()].reduce((sum, s) => sum + s.passed, 0);
  // Stopped before every manifest was counted: the share of the cycle is not known.
  const counted = !signal.aborted;

  const since = await identity(snapshot.dir);
  const replaced = async () => (await identity(snapshot.dir)) !== since;
  const remembered = new Set(state.mismatched.map((m) => `${m.source}\0${m.path}`));
  const kept: Remembered[] = [];
  const note = (slice: SourceSlice, path: string, problem: Problem, earlier: boolean) => {
    slice.mismatches++;
    slice.problems[problem]++;
    if (earlier) slice.earlier++;
    if (slice.mismatched.length < REMEMBERED) slice.mismatched.push({ path, problem, earlier });
    if (kept.length < 2 * REMEMBERED) kept.push({ source: slice.name, path, problem });
  };

  const quota = limit.sample === undefined ? Infinity : Math.max(1, Math.ceil((files * limit.sample) / 100));
  let read = 0;
  // A budget too short for one file still reads one, so that every run moves the cycle on.
  const stop = (): StopReason | undefined =>
    signal.aborted
      ? 'signal'
      : read >= quota
        ? 'sample'
        : limit.until !== undefined && read > 0 && Date.now() >= limit.until
          ? 'budget'
          : undefined;
  let cursor = state.cursor;
  let stoppedBy: StopReason | undefined = counted ? undefined : 'signal';
  for (const slice of sources) {
    if (stoppedBy) break;
    if (slice.error || (cursor && byPath(slice.name, cursor.source) < 0)) continue;
    const tree = join(snapshot.dir, slice.name);
    const algorithm = algorithmOf(slice.manifest);
    try {
      for (const { path, digest } of manifestEntries(slice.manifest)) {
        const place = { source: slice.name, path };
        if (cursor && order(place, cursor) <= 0) continue;
        stoppedBy = stop();
        if (stoppedBy) break;
        const problem = await judge(join(tree, path), digest, algorithm);
        if (problem && (await replaced())) {
          stoppedBy = 'replaced';
          break;
        }
        read++;
        slice.checked++;
        slice.first ??= path;
        slice.last = path;
        cursor = place;
        if (problem) note(slice, path, problem, remembered.has(`${slice.name}\0${path}`));
        if (read % PROGRESS_EVERY === 0) limit.progress?.(read);
      }
    } catch (error) {
      slice.error = unreadableManifest(slice.manifest, error);
    }
  }
  const completed = stoppedBy === undefined;

  // An earlier mismatch stays until a read finds the file right or it is gone from the newest manifest.
  let rechecked = 0;
  for (const earlier of state.mismatched) {
    const slice = sources.find((s) => s.name === earlier.source);
    if (!slice) continue;
    if (slice.first !== undefined && slice.first <= earlier.path && earlier.path <= slice.last!) continue;
    let problem: Problem | undefined = earlier.problem;
    // Unless the run can read it, it is still a mismatch as far as anyone knows.
    if (!slice.error && stoppedBy !== 'signal' && stoppedBy !== 'replaced') {
      const digest = surveys.get(slice.name)?.digests.get(earlier.path);
      if (digest === undefined) continue;
      problem = await judge(
        join(snapshot.dir, slice.name, earlier.path),
        digest,
        algorithmOf(slice.manifest),
      );
      rechecked++;
      if (problem && (await replaced())) {
        stoppedBy = 'replaced';
        problem = earlier.problem;
      }
    }
    if (problem) note(slice, earlier.path, problem, true);
  }

  const next: VerifyState = {
    ...state,
    snapshot: snapshot.id,
    holed: state.holed || sources.some((s) => s.error !== undefined),
    mismatched: kept.sort(order).slice(0, REMEMBERED),
    ...(cursor ? { cursor } : {}),
  };
  if (completed) {
    const at = now().toISOString();
    if (!next.holed) next.lastFullCycleAt = at;
    next.cycleStartedAt = at;
    next.holed = false;
    delete next.cursor;
  }
  return {
    sources,
    counted,
    files,
    position: completed ? files : passed + read,
    completed,
    ...(stoppedBy ? { stoppedBy } : {}),
    rechecked,
    state: next,
  };
}
