import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { backupOptions } from './spec.js';
import { periodId, type Period } from '../../checks/period.js';
import { stopReason } from '../../checks/deadline.js';
import { describeRsync, progressBar, rsyncVerdict, slowest } from '../../checks/rsync.js';
import { runShell } from '../../process/run-process.js';
import type { Report } from '../../checks/types.js';
import { lockDestination } from './lock.js';
import { ReportBuilder } from '../../report/builder.js';
import { UsageError } from '../../errors.js';
import { copyTree } from './copy-tree.js';
import { RSYNC_OUT_FORMAT } from './listing.js';
import { partition } from './partition.js';
import { algorithmOf, MANIFEST_ALGORITHM } from './manifest.js';
import { snapshotChecksums } from './snapshot-manifest.js';
import { describeUnreadable, unreadablePaths, unreadableSummary } from './unreadable.js';
import { type Churn, changedRatio, manifestChurn } from './churn.js';
import { backupFamilies } from './metrics.js';
import { retain, retentionDate, type RetentionRules } from './retention.js';
import { retentionRules } from './retention-options.js';
import {
  discard,
  listSnapshots,
  MARKER,
  promote,
  recover,
  removeTree,
  type Snapshot,
  type SnapshotManifest,
  type SourceRecord,
  stagingDir,
  syncFile,
  writeSynced,
} from './store.js';

interface BackupOptions {
  sources: { name: string; path: string }[];
  dest: string;
  retention: RetentionRules;
  period: Period;
  acls: boolean;
  xattrs: boolean;
  parallel: number;
  preHook: string | undefined;
  postHook: string | undefined;
  lockStaleAfterMs: number;
  /** Percent limits checked before promotion; undefined: not checked. */
  maxDeleted: number | undefined;
  maxChanged: number | undefined;
}

function percent(value: number | undefined, flag: string): number | undefined {
  if (value !== undefined && value > 100)
    throw new UsageError(`--${flag}: expected a percentage from 1 to 100, got ${value}`);
  return value;
}

function parseOptions(values: OptionValuesOf<typeof backupOptions>): BackupOptions {
  return {
    sources: Object.entries(values.source).map(([name, path]) => ({ name, path: resolve(path) })),
    dest: resolve(values.dest),
    retention: retentionRules(values, values.period),
    period: values.period,
    acls: values.acls,
    xattrs: values.xattrs,
    // rsync copies one file at a time: a run per core fills them; beyond four, disks not cores limit.
    // Worked out here, not as the option's default: node:os would load on every start, --help too.
    parallel: values.parallel ?? Math.min(4, availableParallelism()),
    preHook: values['pre-hook'],
    postHook: values['post-hook'],
    lockStaleAfterMs: values['lock-stale-after'],
    maxDeleted: percent(values['max-deleted'], 'max-deleted'),
    maxChanged: percent(values['max-changed'], 'max-changed'),
  };
}

/**
 * One backup run: lock, pre-hook, rsync every source into a fresh staging
 * directory with --link-dest against complete snapshots only, checksums,
 * atomic promotion, post-hook, retention. A failed run promotes nothing and
 * deletes nothing; no run ever writes into an existing snapshot.
 */
export async function run(values: OptionValuesOf<typeof backupOptions>, ctx: RunContext): Promise<Report> {
  const opts = parseOptions(values);
  const startedAt = Date.now();
  // Unique among runs on this host (the lock allows one at a time); node:crypto costs 9 ms to load.
  const runId = `${startedAt.toString(36)}${process.pid.toString(36)}`;
  const id = periodId(new Date(startedAt), opts.period);
  const report = new ReportBuilder({
    command: 'backup-rsync',
    metricPrefix: 'backup',
    startedAt,
    progress: ctx.progress,
  });
  const records: SourceRecord[] = [];

  const lock = await lockDestination(opts.dest, opts.lockStaleAfterMs, report);
  // A lost lease stops the run like its deadline: another run now writes here.
  const signal = lock ? AbortSignal.any([ctx.signal, lock.lost]) : ctx.signal;

  const hook = async (name: string, command: string) => {
    const started = Date.now();
    ctx.progress.begin(name, command);
    const result = await runShell(command, { signal });
    const last = result.output.split('\n').at(-1) ?? '';
    report.check({
      name,
      status: result.code === 0 ? 'pass' : 'fail',
      summary:
        result.code === 0
          ? 'ok'
          : result.stopped
            ? `stopped: ${stopReason(signal)}`
            : `exit ${result.code}: ${last}`,
      since: started,
      details: {
        kind: 'hook',
        command,
        exitCode: result.code,
        stopped: result.stopped,
        output: result.output,
      },
    });
  };

  const staging = stagingDir(opts.dest, id, runId);
  try {
    if (lock) {
      report.warn(...(await recover(opts.dest)));
      if (opts.preHook) await hook('hook.pre', opts.preHook);
      const complete = (await listSnapshots(opts.dest)).filter((s) => s.manifest).reverse();
      for (const source of opts.sources) {
        if (report.failed) break;
        records.push(...(await backupSource(source, staging, complete, opts, { ...ctx, signal }, report)));
      }
      if (!report.failed) {
        const since = Date.now();
        const manifest: SnapshotManifest = {
          id,
          period: opts.period,
          startedAt: new Date(startedAt).toISOString(),
          completedAt: new Date().toISOString(),
          sources: records,
        };
        writeSynced(join(staging, MARKER), `${JSON.stringify(manifest, null, 2)}\n`);
        const replaced = complete.some((s) => s.id === id);
        await promote(opts.dest, staging, id, runId);
        report.check({
          name: 'promote',
          status: 'pass',
          summary: `${replaced ? 'replaced' : 'created'} snapshot ${id}`,
          since,
          details: { kind: 'snapshot', id, replaced },
        });
      }
      if (!report.failed && opts.postHook) await hook('hook.post', opts.postHook);
      if (!report.failed) await rotate(opts, id, runId, report);
    }
  } finally {
    // A run that did not promote leaves no partial snapshot behind.
    if (lock) {
      await removeTree(staging);
      await removeTree(`${staging}.work`);
      await lock.release();
    }
  }

  const snapshots = (await listSnapshots(opts.dest)).filter((s) => s.manifest);
  const failed = report.failed;
  return report.finish({
    summary: failed
      ? `Backup FAILED at ${failed.name}: ${failed.summary}`
      : `Backup SUCCESS: snapshot ${id} of ${opts.sources.map((s) => s.name).join(', ')}`,
    status: failed ? 'fail' : 'pass',
    metrics: backupFamilies(records, snapshots.length),
  });
}

const LIST_FROM = {
  listing: "rsync's listing and the bases",
  walk: 'a walk of the snapshot',
};

async function backupSource(
  source: { name: string; path: string },
  staging: string,
  completeNewestFirst: Awaited<ReturnType<typeof listSnapshots>>,
  opts: BackupOptions,
  ctx: RunContext,
  report: ReportBuilder,
): Promise<SourceRecord[]> {
  const since = Date.now();
  const name = `rsync.${source.name}`;
  const isDir = await stat(source.path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    report.check({
      name,
      status: 'fail',
      summary: `${source.path}: expected a readable directory, got none`,
      since,
    });
    return [];
  }
  // The newest complete snapshot holding this source, and on a re-run also this period's own:
  // every extra --link-dest base costs rsync a lookup per file.
  const current = periodId(new Date(), opts.period);
  const bases: { snapshot: Snapshot; dir: string }[] = [];
  for (const snapshot of completeNewestFirst) {
    const dir = join(snapshot.dir, source.name);
    if (!(await exists(dir))) continue;
    bases.push({ snapshot, dir });
    if (snapshot.id !== current || bases.length === 2) break;
  }
  const target = join(staging, source.name);
  await mkdir(target, { recursive: true });
  const args = [
    '-aH',
    '--numeric-ids',
    '--stats',
    '--no-h',
    // Each file rsync writes, with its digest: with the bases' manifests, the new one needs no hashing.
    ...RSYNC_OUT_FORMAT,
    ...(opts.acls ? ['-A'] : []),
    ...(opts.xattrs ? ['-X'] : []),
    // Unbuffered, or rsync holds its progress lines back when stdout is a pipe.
    ...(ctx.progress.live ? ['--info=progress2', '--outbuf=N'] : []),
    ...bases.map((b) => `--link-dest=${b.dir}`),
  ];
  // A base without a usable manifest is undefined: files linked from it are hashed.
  const baseManifests = bases.map(({ snapshot }) => {
    const prior = snapshot.manifest?.sources.find((s) => s.name === source.name);
    return prior && algorithmOf(prior.checksums) === MANIFEST_ALGORITHM
      ? join(snapshot.dir, prior.checksums)
      : undefined;
  });
  ctx.progress.begin(
    name,
    `${source.path} -> ${bases.length ? `linked against ${bases.map((b) => b.snapshot.id).join(', ')}` : 'full copy'}`,
  );
  const split = await partition(source.path, opts.parallel, ctx.signal);
  const plan = typeof split === 'string' ? undefined : split;
  if (typeof split === 'string') ctx.log.debug(`${source.name}: one rsync: ${split}`);
  const work = `${staging}.work/${source.name}`;
  await mkdir(work, { recursive: true });
  // The live view follows the run furthest behind: the copy ends when it does.
  const progress: string[] = [];
  const { result, stats, listing } = await copyTree(source.path, target, plan, {
    signal: ctx.signal,
    args,
    work,
    onProgress: (run, line) => {
      progress[run] = line;
      ctx.progress.update(name, progressBar(slowest(progress)));
    },
  });
  const verdict = rsyncVerdict(result.code);
  const details = {
    kind: 'backup-source' as const,
    source: source.name,
    path: source.path,
    bases: bases.map((b) => b.snapshot.id),
    rsyncs: plan ? plan.parts.length + 1 : 1,
    rsyncExit: result.code,
    ...(stats ? { stats } : {}),
  };
  if (verdict === 'fail' || !stats) {
    const unreadable = ctx.signal.aborted ? [] : await describeUnreadable(unreadablePaths(result.stderr));
    report.check({
      name,
      status: 'fail',
      summary: ctx.signal.aborted
        ? `stopped: ${stopReason(ctx.signal)}`
        : unreadable.length
          ? unreadableSummary(result.code, unreadable, process.getuid?.())
          : verdict === 'fail'
            ? describeRsync(result)
            : 'rsync printed no --stats summary',
      since,
      details: { ...details, ...(unreadable.length ? { unreadable } : {}) },
    });
    return [];
  }
  if (verdict === 'warning')
    report.warn(`${source.name}: ${describeRsync(result)}; normal for a live tree such as a Maildir`);
  report.check({
    name,
    status: 'pass',
    summary: `${stats.files} files, ${stats.regularFilesTransferred} transferred, ${stats.transferredFileSize} new bytes${verdict === 'warning' ? ' (some vanished)' : ''}${plan ? `; ${plan.parts.length} rsyncs side by side, one per part of the directories at depth ${plan.depth}, then one for the levels above` : ''}`,
    since,
    details,
  });
  const checksums = `.mailops/${source.name}.${MANIFEST_ALGORITHM}`;
  await mkdir(join(staging, '.mailops'), { recursive: true });
  const sums = await snapshotChecksums(
    target,
    listing,
    baseManifests,
    { regularFiles: stats.regularFiles, complete: verdict === 'ok' },
    work,
    join(staging, checksums),
    ctx.signal,
  );
  syncFile(join(staging, checksums));
  const base = baseManifests[0];
  const churn = base ? manifestChurn(base, join(staging, checksums)) : undefined;
  if (churn) guard(source.name, churn, bases[0]!.snapshot.id, opts, report);
  if (sums.unnamed.count)
    report.warn(
      `${source.name}: ${sums.unnamed.count} paths whose names are not UTF-8 are in the snapshot but not in its checksum manifest, e.g. ${sums.unnamed.first ?? '-'}`,
    );
  ctx.log.debug(
    `${source.name}: ${sums.hashed} of ${sums.files} files hashed, the rest digested by rsync or carried over from ${bases.map((b) => b.snapshot.id).join(', ') || '-'}; file list from ${LIST_FROM[sums.from]}`,
  );
  return [
    {
      name: source.name,
      path: source.path,
      stats,
      rsyncExit: result.code,
      checksums,
      ...(churn ? { churn } : {}),
    },
  ];
}

/**
 * --max-deleted and --max-changed: a source emptied or rewritten (encrypted) since its base fails
 * the run before promotion, so retention never rotates out the last good snapshots.
 */
function guard(
  source: string,
  churn: Churn,
  baseId: string,
  opts: BackupOptions,
  report: ReportBuilder,
): void {
  if (opts.maxDeleted === undefined && opts.maxChanged === undefined) return;
  const share = (n: number) => (churn.baseFiles ? (100 * n) / churn.baseFiles : 0);
  const over = [
    { flag: 'max-deleted', limit: opts.maxDeleted, files: churn.deleted, what: 'gone' },
    {
      flag: 'max-changed',
      limit: opts.maxChanged,
      files: churn.deleted + churn.changed,
      what: 'gone or rewritten',
    },
  ].find((l) => l.limit !== undefined && share(l.files) > l.limit);
  const figures = `${churn.deleted} gone, ${churn.changed} rewritten, ${churn.added} new of the ${churn.baseFiles} files of ${baseId}`;
  report.check({
    name: `guard.${source}`,
    status: over ? 'fail' : 'pass',
    summary: over
      ? `${share(over.files).toFixed(1)} % of the files of ${baseId} ${over.what}, over --${over.flag} ${over.limit} %: nothing promoted, no snapshot rotated out (${figures})`
      : figures,
    details: {
      kind: 'backup-guard',
      source,
      base: baseId,
      ...churn,
      changedRatio: changedRatio(churn),
      ...(opts.maxDeleted === undefined ? {} : { maxDeleted: opts.maxDeleted }),
      ...(opts.maxChanged === undefined ? {} : { maxChanged: opts.maxChanged }),
    },
  });
}

/**
 * Applies the retention rules to the complete snapshots, only after success, so the snapshot
 * just promoted counts and no failed run deletes anything; never deletes the one just written.
 */
async function rotate(
  opts: BackupOptions,
  current: string,
  runId: string,
  report: ReportBuilder,
): Promise<void> {
  const since = Date.now();
  const complete = (await listSnapshots(opts.dest)).filter((s) => s.manifest);
  const { keep, remove } = retain(complete.map(retentionDate), opts.retention, current);
  await discard(
    opts.dest,
    complete.filter((s) => remove.includes(s.id)),
    runId,
  );
  report.check({
    name: 'retention',
    status: 'pass',
    summary: `${keep.size} snapshots kept${remove.length ? `, deleted ${remove.join(', ')}` : ''}`,
    since,
    details: {
      kind: 'retention',
      kept: [...keep.keys()],
      deleted: remove,
      reasons: Object.fromEntries(keep),
    },
  });
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
