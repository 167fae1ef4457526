import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { DetailsOf, Report } from '../../src/checks/types.js';
import { backdate, backup, week } from '../helpers/backup.js';
import { ownJob, scrape } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';

const lab = inject('lab');
const STATE = '.mailops-verify.json';

/** A tree of `files` messages under cur/, each `size` bytes. */
function seed(root: string, files: number, size = 64, prefix = 'msg'): void {
  mkdirSync(join(root, 'cur'), { recursive: true });
  for (let i = 0; i < files; i++)
    writeFileSync(join(root, 'cur', `${prefix}${String(i).padStart(3, '0')}`), `${i}:`.padEnd(size, 'x'));
}

/** Two sources (mail 6 files, conf 2), backed up once: 8 files, so --sample 25 reads 2 a run. */
async function snapshotOfEight(): Promise<{ src: string; conf: string; dest: string }> {
  const [src, conf, dest] = [tempDir('src'), tempDir('conf'), tempDir('dest')];
  seed(src, 6);
  seed(conf, 2, 64, 'cf');
  const made = await backup(['--source', `mail=${src}`, '--source', `conf=${conf}`, '--dest', dest]);
  expect(made.exitCode, made.stderr).toBe(0);
  return { src, conf, dest };
}

/** The paths of a source's manifest in the newest snapshot, in file order. */
const manifestPaths = (dest: string, id: string, source: string) =>
  readFileSync(join(dest, id, '.mailops', `${source}.md5`), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => line.slice(34));

const verify = (dest: string, ...args: string[]) => backup(['verify', '--dest', dest, ...args]);

const slices = (report: Report | undefined) =>
  (report?.checks ?? []).flatMap((c) =>
    c.details?.kind === 'manifest-slice' ? [{ source: c.name.slice('verify.'.length), ...c.details }] : [],
  );

const cycle = (report: Report | undefined) =>
  report?.checks.find((c) => c.name === 'cycle')?.details as DetailsOf<'verify-cycle'> | undefined;

/** The value of a family's sample with these labels, or undefined when the run did not emit it. */
const metric = (report: Report | undefined, name: string, labels: Record<string, string> = {}) =>
  report?.metrics
    .find((m) => m.name === name)
    ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

/** Every path a run read, as source/path, from the first and last of each source's slice. */
function readPaths(dest: string, id: string, report: Report | undefined): string[] {
  return slices(report).flatMap((slice) => {
    if (slice.first === undefined) return [];
    const paths = manifestPaths(dest, id, slice.source);
    const range = paths.slice(paths.indexOf(slice.first), paths.indexOf(slice.last!) + 1);
    expect(range).toHaveLength(slice.checked);
    return range.map((path) => `${slice.source}/${path}`);
  });
}

/** Overwrites the first byte of a file with one it does not hold. */
function corrupt(file: string): void {
  const first = readFileSync(file)[0];
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from([first === 0x21 ? 0x22 : 0x21]), 0, 1, 0);
  closeSync(fd);
}

describe('backup-rsync verify --sample / --budget: rolling verification', () => {
  it('--sample 25 four times reads every file of the newest snapshot exactly once, coverage 0.25 to 1', async () => {
    const { dest } = await snapshotOfEight();
    const all = [
      ...manifestPaths(dest, week(), 'conf').map((p) => `conf/${p}`),
      ...manifestPaths(dest, week(), 'mail').map((p) => `mail/${p}`),
    ];
    expect(all).toHaveLength(8);
    const read: string[] = [];
    const coverage: (number | null | undefined)[] = [];
    let last: Report | undefined;
    for (let run = 1; run <= 4; run++) {
      const result = await verify(dest, '--sample', '25');
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.report?.status).toBe('pass');
      read.push(...readPaths(dest, week(), result.report));
      expect(metric(result.report, 'backup_verify_checked_files', { source: 'mail' })).toBeDefined();
      coverage.push(metric(result.report, 'backup_verify_coverage_ratio'));
      const cycleEnded = run === 4;
      expect(cycle(result.report)?.completed).toBe(cycleEnded);
      // The timestamp appears with the first full cycle, not before.
      expect(metric(result.report, 'backup_verify_last_full_cycle_timestamp_seconds') !== undefined).toBe(
        cycleEnded,
      );
      last = result.report;
    }
    expect(read.sort()).toEqual([...all].sort());
    expect(new Set(read).size).toBe(8);
    expect(coverage).toEqual([0.25, 0.5, 0.75, 1]);
    expect(last?.summary).toBe(
      `Verify SUCCESS: 2 files of snapshot ${week()} match its manifest; cycle complete`,
    );
    const endedAt = metric(last, 'backup_verify_last_full_cycle_timestamp_seconds')!;
    expect(Math.abs(endedAt - Date.now() / 1000)).toBeLessThan(60);
    const state = JSON.parse(readFileSync(join(dest, STATE), 'utf8')) as {
      lastFullCycleAt: string;
      cursor?: unknown;
    };
    expect(Math.round(Date.parse(state.lastFullCycleAt) / 1000)).toBe(endedAt);
    expect(state.cursor).toBeUndefined();
    // Written atomically: no temporary file is left beside it.
    expect(readdirSync(dest).filter((n) => n.startsWith('.'))).toEqual([STATE]);

    // A new cycle starts from the first file; the last full cycle's time is still pushed.
    const fifth = await verify(dest, '--sample', '25');
    expect(readPaths(dest, week(), fifth.report)).toEqual(all.slice(0, 2));
    expect(metric(fifth.report, 'backup_verify_coverage_ratio')).toBe(0.25);
    expect(metric(fifth.report, 'backup_verify_last_full_cycle_timestamp_seconds')).toBe(endedAt);
  });

  it('names a corrupted and a missing file of the snapshot as mismatches (exit 1) until they are right again', async () => {
    const { dest } = await snapshotOfEight();
    const tree = join(dest, week(), 'mail', 'cur');
    // Read in the third run (conf's 2 files, then mail's msg000-msg001, then msg002-msg003).
    corrupt(join(tree, 'msg003'));
    rmSync(join(tree, 'msg005'));
    const runs: { exitCode: number; report: Report | undefined }[] = [];
    for (let run = 1; run <= 5; run++) runs.push(await verify(dest, '--sample', '25'));
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 1, 1, 1]);
    const mail = (r: (typeof runs)[number]) => slices(r.report).find((s) => s.source === 'mail');
    expect(mail(runs[2]!)).toMatchObject({
      checked: 2,
      mismatches: 1,
      mismatched: [{ path: 'cur/msg003', problem: 'changed', earlier: false }],
    });
    expect(runs[2]!.report?.summary).toBe(
      `Verify FAILED: 1 file of snapshot ${week()} differs from its manifest`,
    );
    expect(metric(runs[2]!.report, 'backup_verify_mismatches', { source: 'mail' })).toBe(1);
    expect(metric(runs[2]!.report, 'backup_verify_mismatches', { source: 'conf' })).toBe(0);
    // The fourth run finds the missing one and reads the corrupted one again: both stay named.
    expect(mail(runs[3]!)?.mismatched).toEqual([
      { path: 'cur/msg005', problem: 'missing', earlier: false },
      { path: 'cur/msg003', problem: 'changed', earlier: true },
    ]);
    expect(metric(runs[3]!.report, 'backup_verify_mismatches', { source: 'mail' })).toBe(2);
    // The next cycle's first run reads conf only, yet the mismatches found earlier are still there.
    expect(metric(runs[4]!.report, 'backup_verify_mismatches', { source: 'mail' })).toBe(2);

    // Put right (as a restore of those files would), they are dropped at the next run.
    const good = readFileSync(join(tree, 'msg002'), 'utf8').replace(/^2:/, '3:');
    writeFileSync(join(tree, 'msg003'), good);
    writeFileSync(join(tree, 'msg005'), good.replace(/^3:/, '5:'));
    const fixed = await verify(dest, '--sample', '25');
    expect(fixed.exitCode, JSON.stringify(fixed.report?.checks)).toBe(0);
    expect(metric(fixed.report, 'backup_verify_mismatches', { source: 'mail' })).toBe(0);
  });

  it('pushes its figures, so that an alert can see a mismatch; a whole verify pushes files and mismatches too', async () => {
    const { dest } = await snapshotOfEight();
    corrupt(join(dest, week(), 'conf', 'cur', 'cf001'));
    const job = ownJob('backup-verify');
    const push = ['--pushgateway', lab.pushgateway.url, '--job', job];
    const rolling = await verify(dest, '--sample', '25', ...push);
    expect(rolling.exitCode).toBe(1);
    const url = lab.pushgateway.url;
    expect((await scrape(url, job, 'backup_verify_mismatches')).get('{instance="",source="conf"}')).toBe(1);
    expect((await scrape(url, job, 'backup_verify_checked_files')).get('{instance="",source="conf"}')).toBe(
      2,
    );
    expect((await scrape(url, job, 'backup_verify_coverage_ratio')).get('{instance=""}')).toBe(0.25);
    expect((await scrape(url, job, 'backup_verify_success')).get('{instance=""}')).toBe(0);

    const whole = await verify(dest, '--snapshot', week(), ...push);
    expect(whole.exitCode).toBe(1);
    expect(metric(whole.report, 'backup_verify_checked_files', { source: 'mail' })).toBe(6);
    expect(metric(whole.report, 'backup_verify_mismatches', { source: 'conf' })).toBe(1);
    expect(metric(whole.report, 'backup_verify_coverage_ratio')).toBeUndefined();
    expect((await scrape(url, job, 'backup_verify_checked_files')).get('{instance="",source="mail"}')).toBe(
      6,
    );
    // The cycle's figure is the rolling runs' alone: a whole verify leaves it as it was.
    expect((await scrape(url, job, 'backup_verify_coverage_ratio')).get('{instance=""}')).toBe(0.25);
  });

  it('--budget: a budget too short for more than one file reads one per run, and the next run resumes after it', async () => {
    const [src, dest] = [tempDir('src'), tempDir('dest')];
    // Files of 4 MiB: each takes milliseconds to hash, far over a 1 ms budget.
    seed(src, 5, 4 * 1024 * 1024);
    expect((await backup(['--source', `mail=${src}`, '--dest', dest])).exitCode).toBe(0);
    const all = manifestPaths(dest, week(), 'mail').map((p) => `mail/${p}`);
    const first = await verify(dest, '--budget', '1ms');
    expect(first.exitCode, first.stderr).toBe(0);
    const once = readPaths(dest, week(), first.report);
    expect(once.length).toBeGreaterThan(0);
    expect(once.length).toBeLessThan(all.length);
    expect(cycle(first.report)?.stoppedBy).toBe('budget');
    const second = await verify(dest, '--budget', '1ms');
    const twice = readPaths(dest, week(), second.report);
    expect(twice[0]).toBe(all[once.length]);
    // A budget that is ample finishes the cycle, and a cycle is never crossed within one run.
    const rest = await verify(dest, '--budget', '5m');
    expect([...once, ...twice, ...readPaths(dest, week(), rest.report)]).toEqual(all);
    expect(cycle(rest.report)).toMatchObject({ completed: true, coverage: 1 });
  });

  it('continues in a newer snapshot by path from the last file read; coverage is the share of its files passed', async () => {
    const { src, conf, dest } = await snapshotOfEight();
    for (let run = 1; run <= 2; run++) await verify(dest, '--sample', '25');
    // conf/cur/cf000-cf001, then mail/cur/msg000-msg001: the cursor is at mail/cur/msg001.
    backdate(dest, week(), '2026-01');
    writeFileSync(join(src, 'cur', 'msg000a'), 'sorts before the cursor: new, not read this cycle');
    writeFileSync(join(src, 'cur', 'msg001a'), 'sorts after the cursor');
    rmSync(join(src, 'cur', 'msg002'));
    const made = await backup(['--source', `mail=${src}`, '--source', `conf=${conf}`, '--dest', dest]);
    expect(made.exitCode, made.stderr).toBe(0);
    const next = await verify(dest, '--sample', '25');
    expect(next.exitCode, next.stderr).toBe(0);
    expect(cycle(next.report)?.snapshot).toBe(week());
    // 9 files now: a quarter is 3, from the first path after cur/msg001.
    expect(readPaths(dest, week(), next.report)).toEqual([
      'mail/cur/msg001a',
      'mail/cur/msg003',
      'mail/cur/msg004',
    ]);
    // conf's 2, mail's msg000, msg000a, msg001 sort at or before the cursor: 5 passed, then 3 read.
    expect(cycle(next.report)).toMatchObject({ files: 9, position: 8 });
    expect(metric(next.report, 'backup_verify_coverage_ratio')).toBeCloseTo(8 / 9);
  });

  it.each([
    [
      ['--sample', '0'],
      `mailops: option '--sample <percent>' argument '0' is invalid. expected a whole number >= 1, got "0"`,
    ],
    [['--sample', '150'], 'mailops: --sample: expected a percentage from 1 to 100, got 150'],
    [
      ['--sample', '10', '--budget', '5m'],
      'mailops: --budget: expected either --sample or --budget, got both',
    ],
    [
      ['--sample', '10', '--snapshot', '2026-01'],
      'mailops: --snapshot: expected none with --sample (it reads the newest snapshot), got 2026-01',
    ],
  ])('rejects %j in one line, exit 2, before reading anything', async (args, line) => {
    const dest = tempDir('dest');
    const result = await verify(dest, ...args);
    expect([result.exitCode, result.stdout, result.stderr]).toEqual([2, '', line]);
    expect(existsSync(join(dest, STATE))).toBe(false);
  });
});
