import { join } from 'node:path';
import type { RunContext } from '../../cli/command-spec.js';
import { stopReason } from '../../checks/deadline.js';
import type { Report, Status } from '../../checks/types.js';
import { durationText } from '../../config/duration.js';
import { UsageError } from '../../errors.js';
import { type RollingRun, rollingRun, type SourceSlice } from './rolling-verify.js';
import { snapshotReport } from './select.js';
import { listSnapshots } from './store.js';
import { readState, STATE_FILE, writeState } from './verify-state.js';
import { verifyFamilies } from './verify-metrics.js';

/** How much a rolling run reads: a share of the files, or a span of time. */
export type Limit = { sample: number } | { budgetMs: number };

/** Mismatching files named in a check's details; the count says how many there are in all. */
const LISTED = 100;

const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;

const percent = (ratio: number) => `${Number((ratio * 100).toFixed(1))}%`;

const sample = (paths: string[], total: number) =>
  paths.slice(0, 5).join(', ') + (total > 5 ? ` (+${total - 5})` : '');

function sourceCheck(slice: SourceSlice): { status: Status; summary: string } {
  if (slice.error) return { status: 'error', summary: slice.error };
  const range = slice.checked ? `${files(slice.checked)} read (${slice.first} .. ${slice.last})` : '';
  if (slice.mismatches) {
    const counts = (['changed', 'missing', 'unreadable'] as const)
      .map((p) => `${slice.problems[p]} ${p}`)
      .join(', ');
    const { earlier } = slice;
    return {
      status: 'fail',
      summary:
        `${slice.mismatches} mismatching (${counts}${earlier ? `; ${earlier} found by an earlier run` : ''}): ` +
        sample(
          slice.mismatched.map((m) => m.path),
          slice.mismatches,
        ) +
        (range ? `; ${range}` : ''),
    };
  }
  if (!slice.checked)
    return { status: 'skipped', summary: `none of its ${files(slice.files)} in this run's slice` };
  return { status: 'pass', summary: `${range}: all match the manifest` };
}

/** Why the run stopped where it did, for people. */
function stoppedText(run: RollingRun, limit: Limit, signal: AbortSignal, id: string): string {
  switch (run.stoppedBy) {
    case 'sample':
      return `this run's share read (--sample ${'sample' in limit ? limit.sample : 0}%)`;
    case 'budget':
      return `this run's time spent (--budget ${'budgetMs' in limit ? durationText(limit.budgetMs) : ''})`;
    case 'signal':
      return stopReason(signal);
    case 'replaced':
      return `snapshot ${id} was replaced or removed while it was read (a backup ran)`;
    default:
      return 'the end of the cycle';
  }
}

/**
 * Rolling verification: the next slice of the newest snapshot (--sample: a share of its files,
 * --budget: as many as the time allows), from where the state in the destination says the last
 * run stopped; the state is then written back, atomically, for the next run.
 */
export async function rollingVerify(dest: string, limit: Limit, ctx: RunContext): Promise<Report> {
  const startedAt = Date.now();
  const snapshot = (await listSnapshots(dest)).filter((s) => s.manifest).at(-1);
  if (!snapshot)
    throw new UsageError(`--dest: expected a destination with a complete snapshot, got none in ${dest}`);
  const report = snapshotReport('verify', ctx);
  const { state, warning } = await readState(dest, snapshot.id, new Date());
  if (warning) report.warn(warning);
  const from = state.cursor ? `after ${state.cursor.source}/${state.cursor.path}` : 'from the first file';
  ctx.progress.begin('cycle', `snapshot ${snapshot.id}, ${from}`);
  const run = await rollingRun(
    snapshot,
    state,
    {
      ...('sample' in limit ? { sample: limit.sample } : { until: startedAt + limit.budgetMs }),
      signal: ctx.signal,
      progress: (read) => ctx.progress.update('cycle', `${read} files read`),
    },
    () => new Date(),
  );

  let saved: string | undefined;
  try {
    await writeState(dest, run.state);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    saved = `could not keep its place in ${join(dest, STATE_FILE)}: ${e.code ?? e.message}; the next run reads this slice again`;
  }

  for (const slice of run.sources) {
    report.check({
      name: `verify.${slice.name}`,
      since: startedAt,
      ...sourceCheck(slice),
      details: {
        kind: 'manifest-slice',
        manifest: slice.manifest,
        files: slice.files,
        checked: slice.checked,
        ...(slice.first === undefined ? {} : { first: slice.first, last: slice.last! }),
        mismatches: slice.mismatches,
        mismatched: slice.mismatched.slice(0, LISTED),
      },
    });
  }

  const coverage = run.counted ? (run.files ? run.position / run.files : 1) : undefined;
  const stopped = stoppedText(run, limit, ctx.signal, snapshot.id);
  const trouble = saved ?? (run.stoppedBy === 'signal' || run.stoppedBy === 'replaced' ? stopped : undefined);
  const where =
    coverage === undefined
      ? 'the files were not all counted'
      : run.completed
        ? `cycle complete: all ${files(run.files)} re-read since ${state.cycleStartedAt}`
        : `${run.position} of ${files(run.files)} re-read this cycle (${percent(coverage)})`;
  report.check({
    name: 'cycle',
    status: trouble ? 'error' : 'pass',
    summary:
      (run.completed ? where : `${where}; ${stopped}`) +
      (run.rechecked ? `; ${files(run.rechecked)} found mismatching earlier read again` : '') +
      (saved ? `; ${saved}` : ''),
    since: startedAt,
    details: {
      kind: 'verify-cycle',
      state: join(dest, STATE_FILE),
      snapshot: snapshot.id,
      ...(coverage === undefined ? {} : { files: run.files, position: run.position, coverage }),
      completed: run.completed,
      cycleStartedAt: state.cycleStartedAt,
      ...(run.state.lastFullCycleAt ? { lastFullCycleAt: run.state.lastFullCycleAt } : {}),
      ...(run.stoppedBy ? { stoppedBy: run.stoppedBy } : {}),
    },
  });

  const checked = run.sources.reduce((sum, s) => sum + s.checked, 0);
  const bad = run.sources.reduce((sum, s) => sum + s.mismatches, 0);
  const status = report.status;
  const summary =
    status === 'fail'
      ? `Verify FAILED: ${files(bad)} of snapshot ${snapshot.id} ${bad === 1 ? 'differs' : 'differ'} from its manifest`
      : status === 'error'
        ? `Verify ERROR at ${report.failed?.name ?? 'cycle'}: ${report.failed?.summary ?? ''}`
        : `Verify SUCCESS: ${files(checked)} of snapshot ${snapshot.id} ${checked === 1 ? 'matches' : 'match'} its manifest; ${
            run.completed ? 'cycle complete' : `${percent(coverage ?? 0)} of the cycle`
          }`;
  return report.finish({
    status,
    summary,
    metrics: verifyFamilies(
      run.sources.map((s) => ({
        name: s.name,
        checked: s.checked,
        mismatches: s.error && !s.mismatches ? undefined : s.mismatches,
      })),
      { coverage, lastFullCycleAt: run.state.lastFullCycleAt },
    ),
  });
}
