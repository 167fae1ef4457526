import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { until } from '../helpers/cli.js';
import { onHost, recordFault, runTimed, straceFs } from '../helpers/faults.js';
import { ownJob, scrape } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';

const lab = inject('lab');
const gw = lab.pushgateway.url;
const LOCK = '.mailops-backup.lock';

function seed(root: string, files: number, size = 64): string {
  mkdirSync(join(root, 'cur'), { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(join(root, 'cur', `msg${i}`), `${i}:`.padEnd(size, 'x'));
  return root;
}

/** What a run left in the destination besides snapshots: staging, trash, a lock. */
const leftovers = (dest: string) => readdirSync(dest).filter((n) => n.startsWith('.'));
const snapshots = (dest: string) => readdirSync(dest).filter((n) => /^\d{4}-\d{2}(-\d{2})?$/.test(n));
const report = (stdout: string) => JSON.parse(stdout) as Report;
const success = async (job: string) => (await scrape(gw, job, 'backup_success')).get('{instance=""}');

/** A backup run of the fault suite: a fresh source and destination, JSON output, pushed to its own job. */
function backupArgs(extra: string[], dirs = { src: seed(tempDir('src'), 20), dest: tempDir('dest') }) {
  const job = ownJob('backup-fault');
  const args = ['backup-rsync', '--source', `mail=${dirs.src}`, '--dest', dirs.dest];
  return { ...dirs, job, args: [...args, '--output', 'json', '--pushgateway', gw, '--job', job, ...extra] };
}

const holder = (dest: string) =>
  JSON.parse(readFileSync(join(dest, LOCK), 'utf8')) as {
    host: string;
    pid: number;
    renewedAt: string;
    token: string;
  };

describe('backup-rsync under faults (real rsync, real hooks, real Pushgateway)', () => {
  it('a pre-hook that leaves a process in the background does not hold the run', async () => {
    const { args, dest, job } = backupArgs(['--pre-hook', 'sleep 30 &', '--timeout', '20s']);
    const run = await runTimed(args);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(snapshots(dest)).toHaveLength(1);
    expect(await success(job)).toBe(1);
    recordFault({
      fault: "`--pre-hook 'sleep 30 &'` (a background process keeps the pipes open)",
      command: 'backup-rsync --timeout 20s',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`backup_success 1`',
      left: 'the snapshot; the background process is stopped with its group',
    });
  });

  it.each([
    ['a pre-hook that hangs', 'sleep 3600'],
    ['a pre-hook that ignores SIGTERM', "trap '' TERM; sleep 3600"],
  ])('%s is stopped at --timeout, and the failure is pushed', async (what, hook) => {
    const { args, dest, job } = backupArgs(['--pre-hook', hook, '--timeout', '3s']);
    const run = await runTimed(args);
    expect(run.exitCode).toBe(1);
    expect(report(run.stdout).summary).toBe(
      'Backup FAILED at hook.pre: stopped: the run deadline (--timeout) was reached',
    );
    expect(await success(job)).toBe(0);
    expect(leftovers(dest)).toEqual([]);
    expect(snapshots(dest)).toEqual([]);
    recordFault({
      fault: `${what} (\`${hook}\`)`,
      command: 'backup-rsync --timeout 3s',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`backup_success 0`',
      left: 'nothing: no staging directory, no lock',
    });
  });

  it('SIGTERM while rsync copies: stopped, reported, pushed, nothing promoted', async () => {
    const { args, dest, job } = backupArgs([], {
      src: seed(tempDir('src'), 4000, 8192),
      dest: tempDir('dest'),
    });
    let pid = 0;
    const pending = runTimed(args, { started: (p) => (pid = p) });
    await until('the staging directory', () => readdirSync(dest).some((n) => n.startsWith('.staging-')));
    const killedAt = performance.now();
    process.kill(pid, 'SIGTERM');
    const run = await pending;
    const seconds = (performance.now() - killedAt) / 1000;
    expect(run.exitCode).toBe(1);
    expect(report(run.stdout).summary).toBe('Backup FAILED at rsync.mail: stopped: interrupted by SIGTERM');
    expect(await success(job)).toBe(0);
    expect(leftovers(dest)).toEqual([]);
    expect(snapshots(dest)).toEqual([]);
    recordFault({
      fault: 'SIGTERM while rsync copies (a Job reaching `activeDeadlineSeconds`)',
      command: 'backup-rsync (seconds from SIGTERM)',
      seconds,
      exitCode: run.exitCode,
      pushed: '`backup_success 0`',
      left: 'nothing: the staging directory is removed, the lock released',
    });
  });

  it('a run killed in one pod leaves a lock that the next pod refuses while fresh, then takes over', async () => {
    const { args, dest, src } = backupArgs(['--pre-hook', 'sleep 30', '--lock-stale-after', '2s']);
    let pid = 0;
    const killed = runTimed(args, { wrap: onHost('pod-a'), started: (p) => (pid = p) });
    await until('the lock', () => existsSync(join(dest, LOCK)));
    process.kill(-pid, 'SIGKILL');
    await killed;
    const left = holder(dest);
    expect(left.host).toBe('pod-a');
    // What a run killed between writing its lock beside the name and linking it in leaves.
    writeFileSync(join(dest, `${LOCK}.${left.token}.tmp`), readFileSync(join(dest, LOCK)));

    const next = backupArgs(['--lock-stale-after', '2s'], { src, dest });
    const refused = await runTimed(next.args, { wrap: onHost('pod-b') });
    expect(refused.exitCode).toBe(1);
    expect(report(refused.stdout).summary).toMatch(
      new RegExp(`^Backup FAILED at lock: .*got one holding it \\(pid ${left.pid} on pod-a, started .*\\)$`),
    );
    await until('the lease to expire', () => Date.now() - Date.parse(holder(dest).renewedAt) > 2100);
    const taken = await runTimed(next.args, { wrap: onHost('pod-b') });
    expect(taken.exitCode, taken.stdout).toBe(0);
    expect(report(taken.stdout).warnings.join('\n')).toMatch(
      new RegExp(
        `took over a stale lock of pid ${left.pid} on pod-a \\(started \\S+, last renewed \\S+\\): not renewed for \\d+s \\(stale after 2s\\)`,
      ),
    );
    expect(await success(next.job)).toBe(1);
    expect(leftovers(dest)).toEqual([]);
    expect(snapshots(dest)).toHaveLength(1);
    recordFault({
      fault: 'a run SIGKILLed (OOM kill, lost node), the next run in another pod',
      command: 'backup-rsync --lock-stale-after 2s',
      seconds: taken.seconds,
      exitCode: taken.exitCode,
      pushed: '`backup_success 1` once the lease expired (refused, `0`, before)',
      left: 'the lock, taken over by the next run once its lease expired',
    });
  });

  it('a live run that renews its lock is never taken over', async () => {
    const first = backupArgs(['--pre-hook', 'sleep 7', '--lock-stale-after', '2s']);
    const running = runTimed(first.args, { wrap: onHost('pod-a') });
    await until('the lock', () => existsSync(join(first.dest, LOCK)));
    const since = Date.now();
    await until('well past the stale-after', () => Date.now() - since > 4000);
    const second = backupArgs(['--lock-stale-after', '2s'], { src: first.src, dest: first.dest });
    const refused = await runTimed(second.args, { wrap: onHost('pod-b') });
    expect(refused.exitCode).toBe(1);
    expect(report(refused.stdout).summary).toMatch(/got one holding it \(pid \d+ on pod-a/);
    const done = await running;
    expect(done.exitCode, done.stdout).toBe(0);
    expect(report(done.stdout).warnings).toEqual([]);
  });

  it('a lock naming our own pid on our own host is a dead container PID 1, taken over at once', async () => {
    const { args, dest } = backupArgs([]);
    const now = new Date().toISOString();
    writeFileSync(
      join(dest, LOCK),
      JSON.stringify({ host: 'pod-c', pid: 1, startedAt: now, renewedAt: now, token: 'pod-c-1' }),
    );
    const run = await runTimed(args, { wrap: onHost('pod-c', true) });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(report(run.stdout).warnings.join('\n')).toMatch(
      /took over a stale lock of pid 1 on pod-c .*: its pid 1 is this process's own, so its holder is gone/,
    );
  });

  it('a run whose lock was taken over while it stalled stops instead of writing on', async () => {
    const { args, dest, job } = backupArgs(['--pre-hook', 'sleep 3', '--lock-stale-after', '900ms']);
    const pending = runTimed(args);
    await until('the lock', () => existsSync(join(dest, LOCK)));
    const now = new Date().toISOString();
    // What a run that judged this one stale would have put in place.
    writeFileSync(
      join(dest, LOCK),
      JSON.stringify({ host: 'pod-z', pid: 42, startedAt: now, renewedAt: now, token: 'pod-z-42' }),
    );
    const run = await pending;
    expect(run.exitCode).toBe(1);
    expect(report(run.stdout).summary).toMatch(
      /^Backup FAILED at hook\.pre: stopped: lost the backup lock .* to pid 42 on pod-z, .*: this run stalled past --lock-stale-after$/,
    );
    expect(await success(job)).toBe(0);
    expect(holder(dest).host, 'the new holder keeps its lock').toBe('pod-z');
    expect(snapshots(dest)).toEqual([]);
  });

  it('a destination that cannot be created, or is read-only, is a failed run that still pushes', async () => {
    const readOnly = tempDir('read-only');
    for (const [dest, wrap, expected] of [
      [
        '/etc/hostname/backups',
        [],
        /^Backup FAILED at dest: \/etc\/hostname\/backups: expected a directory this run can create, got ENOTDIR$/,
      ],
      [
        readOnly,
        // A backup volume mounted read-only, in a mount namespace of the run's own.
        [
          'unshare',
          '--mount',
          'sh',
          '-c',
          'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
          readOnly,
        ],
        /: expected a directory this run can write, got EROFS$/,
      ],
    ] as const) {
      const { args, job } = backupArgs([], { src: seed(tempDir('src'), 1), dest });
      const run = await runTimed(args, { wrap: [...wrap] });
      expect(run.exitCode).toBe(1);
      expect(report(run.stdout).summary).toMatch(expected);
      expect(await success(job)).toBe(0);
      recordFault({
        fault: wrap.length ? 'a read-only destination' : 'a destination that cannot be created',
        command: 'backup-rsync',
        seconds: run.seconds,
        exitCode: run.exitCode,
        pushed: '`backup_success 0`',
        left: 'nothing',
      });
    }
  });

  it('the lock records host, pid, start and renewal', async () => {
    const { args, dest } = backupArgs(['--pre-hook', 'sleep 1']);
    const pending = runTimed(args);
    await until('the lock', () => existsSync(join(dest, LOCK)));
    expect(holder(dest)).toMatchObject({ host: hostname(), renewedAt: expect.any(String) as string });
    expect((await pending).exitCode).toBe(0);
  });
});

describe('backup-rsync: what a crash leaves on disk is finished by the next run', () => {
  /** A destination with this period's snapshot, and `state` made from it as a crash would leave it. */
  async function crashed(state: (dest: string, id: string) => void) {
    const { args, dest, src, job } = backupArgs([]);
    expect((await runTimed(args)).exitCode).toBe(0);
    const [id] = snapshots(dest);
    state(dest, id!);
    return { dest, src, job, id: id!, args };
  }
  const copy = (from: string, to: string) => execFileSync('cp', ['-a', from, to]);

  it('a re-run that died between moving the old snapshot aside and renaming the new one in: the new one is put in place', async () => {
    const { dest, id, args } = await crashed((dest, id) => {
      copy(join(dest, id), join(dest, `.staging-${id}-crash1`));
      writeFileSync(join(dest, `.staging-${id}-crash1`, 'mail', 'cur', 'msg0'), 'the newer copy');
      renameSync(join(dest, id), join(dest, `.aside-${id}-crash1`));
    });
    expect(snapshots(dest), 'list shows no snapshot of this period while it is out of place').toEqual([]);
    const listed = await runTimed(['backup-rsync', 'list', '--dest', dest, '--output', 'json']);
    expect(report(listed.stdout).checks.map((c) => c.name)).not.toContain(id);
    const run = await runTimed([...args, '--timeout', '20s']);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(report(run.stdout).warnings).toContain(
      `finished replacing snapshot ${id}, which an interrupted run had left out of place`,
    );
    expect(leftovers(dest)).toEqual([]);
    recordFault({
      fault: 'a crash between moving the old snapshot aside and renaming the new one in (same-period re-run)',
      command: 'backup-rsync (the next run)',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`backup_success 1`',
      left: 'the new snapshot put in place, the old one deleted',
    });
  });

  it('a snapshot moved aside whose replacement never became complete is put back', async () => {
    const { dest, id } = await crashed((dest, id) => {
      mkdirSync(join(dest, `.staging-${id}-crash2`, 'mail'), { recursive: true });
      renameSync(join(dest, id), join(dest, `.aside-${id}-crash2`));
    });
    // A run with a source that fails: recovery still happens first, and nothing new is promoted.
    const run = await runTimed([
      'backup-rsync',
      '--source',
      'mail=/nonexistent',
      '--dest',
      dest,
      '--output',
      'json',
    ]);
    expect(run.exitCode).toBe(1);
    expect(report(run.stdout).warnings).toContain(
      `restored snapshot ${id} that an interrupted run had moved aside`,
    );
    expect(snapshots(dest)).toEqual([id]);
    expect(leftovers(dest)).toEqual([]);
    const verified = await runTimed(['backup-rsync', 'verify', '--dest', dest, '--snapshot', id]);
    expect(verified.exitCode, verified.stdout).toBe(0);
  });

  it('a deletion cut short leaves trash that list never shows and the next run finishes', async () => {
    const { dest, args } = await crashed((dest, id) => {
      copy(join(dest, id), join(dest, '.trash-2026-01-crash3'));
      rmSync(join(dest, '.trash-2026-01-crash3', 'mail', 'cur', 'msg3'));
    });
    const listed = await runTimed(['backup-rsync', 'list', '--dest', dest, '--output', 'json']);
    expect(JSON.stringify(report(listed.stdout))).not.toContain('2026-01');
    const run = await runTimed(args);
    expect(run.exitCode).toBe(0);
    expect(report(run.stdout).warnings).toContain(
      `finished deleting ${join(dest, '.trash-2026-01-crash3')}, which an interrupted run had begun to delete`,
    );
    expect(leftovers(dest)).toEqual([]);
    recordFault({
      fault: 'a deletion of an expired snapshot cut short',
      command: 'backup-rsync (the next run)',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`backup_success 1`',
      left: 'trash, never listed as a snapshot, deleted by the next run',
    });
  });

  it('syncs manifest, marker and destination around the promotion; retention renames to trash before deleting', async () => {
    const { dest, src } = await crashed(() => undefined);
    // Under strace (-y names each descriptor's file): the order of renames, deletions and fsyncs.
    const old = join(dest, '2020-01');
    copy(join(dest, snapshots(dest)[0]!), old);
    const json = readFileSync(join(old, '.mailops-snapshot.json'), 'utf8');
    writeFileSync(join(old, '.mailops-snapshot.json'), json.replace(/"id": "[^"]+"/, '"id": "2020-01"'));
    const trace = join(tempDir('strace'), 'trace');
    const run = await runTimed(
      ['backup-rsync', '--source', `mail=${src}`, '--dest', dest, '--keep', '1', '--output', 'json'],
      { wrap: straceFs(trace) },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    const calls = readFileSync(trace, 'utf8').split('\n');
    const renamed = calls.findIndex((l) => /rename.*"[^"]*\/2020-01".*"[^"]*\/\.trash-2020-01-/.test(l));
    const firstDelete = calls.findIndex((l) => /unlink.*2020-01/.test(l));
    expect(renamed, 'renamed to trash').toBeGreaterThanOrEqual(0);
    expect(firstDelete, 'deleted after the rename').toBeGreaterThan(renamed);
    const promoted = calls.findIndex((l) => /rename.*\.staging-[^"]*".*"[^"]*\/\d{4}-\d{2}"/.test(l));
    const synced = (pattern: RegExp) => calls.findIndex((l) => /fsync\(/.test(l) && pattern.test(l));
    expect(promoted, 'the promoting rename').toBeGreaterThan(0);
    expect(synced(/\.staging-.*\/\.mailops\/mail\.md5>/), 'checksums synced first').toBeLessThan(promoted);
    expect(synced(/\.staging-.*\/\.mailops-snapshot\.json>/), 'marker synced first').toBeLessThan(promoted);
    expect(synced(/\.staging-.*\/\.mailops\/mail\.md5>/)).toBeGreaterThan(-1);
    expect(synced(/\.staging-.*\/\.mailops-snapshot\.json>/)).toBeGreaterThan(-1);
    const dirSynced = calls.findIndex(
      (l, i) => i > promoted && new RegExp(`fsync\\(\\d+<${dest}>\\)`).test(l),
    );
    expect(dirSynced, 'the destination synced after it').toBeGreaterThan(promoted);
    expect(snapshots(dest)).toHaveLength(1);
  });
});
