import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LineWriter } from './line-file.js';
import { runRsync, rsyncVerdict, type RsyncResult } from '../../checks/rsync.js';
import { parseRsyncStats, type RsyncStats } from '../../checks/rsync-stats.js';
import { Listing } from './listing.js';
import type { Partition } from './partition.js';

export interface TreeCopy {
  /** What decides the verdict: the first run that failed, else one that warned, else the last. */
  result: RsyncResult;
  /** The runs' --stats added up; undefined if a run printed none. */
  stats: RsyncStats | undefined;
  /** The files the runs wrote: a file of manifest lines per run, unsorted. */
  listing: { runs: string[]; escaped: boolean };
}

export interface CopyOptions {
  signal: AbortSignal;
  /** rsync's options, without source and target. */
  args: string[];
  /** Where each run's listing is written. */
  work: string;
  /** Each run's latest --info=progress2 line. */
  onProgress?: (run: number, line: string) => void;
}

/** The directories above paths (not the root), each once. */
const ancestors = (paths: string[]) =>
  new Set(
    paths.flatMap((path) =>
      path
        .split('/')
        .slice(0, -1)
        .map((_, i, names) => names.slice(0, i + 1).join('/')),
    ),
  );

/**
 * Copies source into the empty directory target: with one rsync, or as `plan` says, with one
 * rsync per part side by side and then one for the entries above the parts. Once a run fails the
 * others are stopped: the copy is thrown away.
 */
export async function copyTree(
  source: string,
  target: string,
  plan: Partition | undefined,
  options: CopyOptions,
): Promise<TreeCopy> {
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const listings: { listing: Listing; out: LineWriter }[] = [];
  const results: RsyncResult[] = [];
  let failed: RsyncResult | undefined;
  const run = async (index: number, extra: string[], input?: string[]) => {
    const out = new LineWriter(join(options.work, `listed-run${index}`));
    const listing = new Listing(out);
    listings.push({ listing, out });
    const result = await runRsync([...options.args, ...extra, `${source}/`, `${target}/`], {
      signal,
      onLine: listing.take,
      ...(options.onProgress ? { onProgress: (line: string) => options.onProgress?.(index, line) } : {}),
      ...(input ? { input: `${input.join('\0')}\0` } : {}),
    }).finally(() => out.close());
    results.push(result);
    if (rsyncVerdict(result.code) === 'fail' && !failed) {
      failed = result;
      stop.abort();
    }
  };

  // The target is a new, empty directory: --delete matters only to a single run, kept for its sake.
  if (!plan) await run(0, ['--delete']);
  else {
    const units = plan.parts.flat();
    // Made here, not by the runs, which would race to make a directory two of them share.
    for (const dir of [...ancestors(units)].sort()) await mkdir(`${target}/${dir}`, { recursive: true });
    const files = ['--files-from=-', '--from0'];
    await Promise.all(
      plan.parts.map((part, index) => run(index, [...files, '-r', '--no-implied-dirs'], part)),
    );
    // "." brings the top level (--files-from implies --dirs), the rest is named; no recursion.
    if (!failed) await run(plan.parts.length, files, ['.', ...plan.shallow]);
  }

  const result = failed ?? results.find((r) => rsyncVerdict(r.code) === 'warning') ?? results.at(-1)!;
  return {
    result,
    stats: plan ? sumStats(results, plan) : parseRsyncStats(result.stdout),
    listing: {
      runs: listings.map(({ out }) => out.path),
      escaped: listings.some(({ listing }) => listing.escaped),
    },
  };
}

/**
 * The runs' figures added up. rsync counts a directory it was told of twice: the units (by their
 * run, and by the last run as entries of the level above), and each directory above a named path
 * (named in sorted order, each once per run); a single rsync counts each once.
 */
function sumStats(results: RsyncResult[], plan: Partition): RsyncStats | undefined {
  const all = results.map((result) => parseRsyncStats(result.stdout));
  if (all.some((stats) => !stats)) return undefined;
  const total = { ...all[0]! };
  for (const stats of all.slice(1))
    for (const key of Object.keys(total) as (keyof RsyncStats)[]) total[key] += stats![key];
  const named = [...plan.parts, plan.shallow];
  total.files -= plan.parts.flat().length + named.reduce((sum, paths) => sum + ancestors(paths).size, 0);
  return total;
}
