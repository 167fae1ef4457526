import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { periodId } from '../../src/checks/period.js';
import type { Report } from '../../src/checks/types.js';
import { backdate, backup } from '../helpers/backup.js';
import { mailops } from '../helpers/cli.js';
import { runTimed, straceFs } from '../helpers/faults.js';
import { ownJob, scrape } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';

const lab = inject('lab');
const today = () => periodId(new Date(), 'day');
const snapshots = (dest: string) =>
  readdirSync(dest)
    .filter((n) => /^\d{4}-\d{2}(-\d{2})?$/.test(n))
    .sort();
const dotted = (dest: string) => readdirSync(dest).filter((n) => n.startsWith('.'));
const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

function seed(root: string): string {
  mkdirSync(join(root, 'cur'), { recursive: true });
  for (let i = 0; i < 4; i++) writeFileSync(join(root, 'cur', `msg${i}`), `message ${i}`);
  return root;
}

/**
 * Complete snapshots dated `ids`: one real backup, then hard-linked copies of it, each with a
 * marker of its own naming its id (written anew: the copy's marker is a link to the original's).
 */
async function destWith(ids: string[]): Promise<{ dest: string; src: string }> {
  const src = seed(tempDir('src'));
  const dest = tempDir('dest');
  const made = await backup(['--source', `mail=${src}`, '--dest', dest, '--period', 'day']);
  expect(made.exitCode, made.stderr).toBe(0);
  const [first, ...rest] = ids;
  backdate(dest, today(), first!);
  for (const id of rest) {
    execFileSync('cp', ['-al', join(dest, first!), join(dest, id)]);
    const marker = join(dest, id, '.mailops-snapshot.json');
    const manifest = JSON.parse(readFileSync(marker, 'utf8')) as object;
    rmSync(marker);
    writeFileSync(marker, JSON.stringify({ ...manifest, id }));
  }
  return { dest, src };
}

/** Six weeks of nightly snapshots, month ends before them, and two older ones. */
const HISTORY = [
  '2024-11-15',
  ...days('2024-10-01', '2024-11-14'),
  ...['01-31', '02-29', '03-31', '04-30', '05-31', '06-30', '07-31', '08-31', '09-30'].map(
    (d) => `2024-${d}`,
  ),
  '2023-06-15',
  '2022-12-31',
];
const RULES = ['--keep-daily', '5', '--keep-weekly', '3', '--keep-monthly', '4', '--keep-yearly', '2'];
/** Worked out by hand: ISO weeks 46 (Nov 11-17), 45 (Nov 4-10) and 44 (Oct 28-Nov 3) of 2024. */
const KEPT = {
  '2023-06-15': ['yearly 2/2'],
  '2024-08-31': ['monthly 4/4'],
  '2024-09-30': ['monthly 3/4'],
  '2024-10-31': ['monthly 2/4'],
  '2024-11-03': ['weekly 3/3'],
  '2024-11-10': ['weekly 2/3'],
  '2024-11-11': ['daily 5/5'],
  '2024-11-12': ['daily 4/5'],
  '2024-11-13': ['daily 3/5'],
  '2024-11-14': ['daily 2/5'],
  '2024-11-15': ['newest', 'daily 1/5', 'weekly 1/3', 'monthly 1/4', 'yearly 1/2'],
};
const EXPIRED = HISTORY.filter((id) => !(id in KEPT)).sort();

const retention = (report: Report | undefined) =>
  report?.checks.find((c) => c.name === 'retention')?.details as
    { kept: string[]; deleted: string[]; reasons?: Record<string, unknown[]>; dryRun?: boolean } | undefined;

describe('backup-rsync retention rules on real snapshots', () => {
  it('prune --dry-run shows which rule keeps each snapshot and what would go, deletes nothing, pushes nothing', async () => {
    const { dest } = await destWith(HISTORY);
    expect(HISTORY).toHaveLength(57);
    // Read-only: a backup holding the lock does not stop it.
    writeFileSync(
      join(dest, '.mailops-backup.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }),
    );
    const text = await mailops(['backup-rsync', 'prune', '--dest', dest, ...RULES, '--dry-run']);
    expect(text.exitCode, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const line = (id: string) => lines.find((l) => l.includes(` ${id} `))?.replace(/ \(\d+ms\)$/, '');
    expect(line('2024-11-15')).toBe(
      '  PASS  2024-11-15  kept: newest, daily 1/5, weekly 1/3, monthly 1/4, yearly 1/2',
    );
    expect(line('2024-11-03')).toBe('  PASS  2024-11-03  kept: weekly 3/3');
    expect(line('2024-11-02')).toBe('  PASS  2024-11-02  would be deleted');
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^PASS  backup-rsync prune \\(\\d+ms\\): Prune DRY RUN: would delete 46 of 57 complete snapshots in ${dest}$`,
      ),
    );

    const job = ownJob('backup-prune');
    const json = await backup([
      'prune',
      '--dest',
      dest,
      ...RULES,
      '--dry-run',
      '--pushgateway',
      lab.pushgateway.url,
      '--job',
      job,
    ]);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(json.report?.pushable).toBe(false);
    expect(json.stderr).toContain('metrics not pushed');
    expect(await scrape(lab.pushgateway.url, job, 'backup_prune_success')).toEqual(new Map());
    expect(retention(json.report)).toEqual({
      kind: 'retention',
      kept: Object.keys(KEPT),
      deleted: EXPIRED,
      reasons: {
        ...Object.fromEntries(Object.keys(KEPT).map((id) => [id, expect.any(Array)])),
        '2024-11-03': [{ rule: 'weekly', n: 3, of: 3 }],
        '2024-11-15': [
          { rule: 'newest' },
          { rule: 'daily', n: 1, of: 5 },
          { rule: 'weekly', n: 1, of: 3 },
          { rule: 'monthly', n: 1, of: 4 },
          { rule: 'yearly', n: 1, of: 2 },
        ],
      },
      dryRun: true,
    });
    expect(snapshots(dest)).toEqual([...HISTORY].sort());
  });

  it('prune waits for no backup: refused while one holds the lock, then deletes only the expired, through trash', async () => {
    const { dest } = await destWith(HISTORY);
    const lock = join(dest, '.mailops-backup.lock');
    writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }),
    );
    const refused = await backup(['prune', '--dest', dest, ...RULES]);
    expect(refused.exitCode).toBe(1);
    expect(refused.report?.summary).toMatch(/^Prune FAILED at lock: .*got one holding it \(pid \d+ on /);
    expect(snapshots(dest)).toHaveLength(57);
    rmSync(lock);

    // What a prune cut short would leave: a snapshot half deleted, out of the listing.
    execFileSync('cp', ['-al', join(dest, '2024-10-01'), join(dest, '.trash-2024-09-01-crashed')]);
    rmSync(join(dest, '.trash-2024-09-01-crashed', 'mail', 'cur', 'msg0'));
    const job = ownJob('backup-prune');
    const pruned = await backup([
      'prune',
      '--dest',
      dest,
      ...RULES,
      '--pushgateway',
      lab.pushgateway.url,
      '--job',
      job,
    ]);
    expect(pruned.exitCode, pruned.stderr).toBe(0);
    expect(pruned.report?.summary).toBe(`Prune SUCCESS: deleted 46 of 57 complete snapshots in ${dest}`);
    expect(pruned.report?.warnings).toContain(
      `finished deleting ${join(dest, '.trash-2024-09-01-crashed')}, which an interrupted run had begun to delete`,
    );
    expect(pruned.report?.checks.map((c) => c.name).slice(0, 2)).toEqual(['lock', '2022-12-31']);
    expect(pruned.report?.checks.find((c) => c.name === '2024-11-02')?.summary).toBe('deleted');
    expect(retention(pruned.report)).toMatchObject({ kept: Object.keys(KEPT), deleted: EXPIRED });
    expect(retention(pruned.report)?.dryRun).toBeUndefined();
    expect(snapshots(dest)).toEqual(Object.keys(KEPT));
    expect(dotted(dest)).toEqual([]);
    // The kept ones are whole: hard links shared with the deleted copies were only unlinked there.
    expect(readFileSync(join(dest, '2023-06-15', 'mail', 'cur', 'msg0'), 'utf8')).toBe('message 0');
    expect(
      (await scrape(lab.pushgateway.url, job, 'backup_prune_deleted_snapshots')).get('{instance=""}'),
    ).toBe(46);
    expect((await scrape(lab.pushgateway.url, job, 'backup_prune_kept_snapshots')).get('{instance=""}')).toBe(
      11,
    );

    const again = await backup(['prune', '--dest', dest, ...RULES]);
    expect(again.report?.summary).toBe(`Prune SUCCESS: deleted 0 of 11 complete snapshots in ${dest}`);
  });

  it('list shows the rules keeping each snapshot, or that a prune would delete it', async () => {
    const { dest } = await destWith(HISTORY);
    mkdirSync(join(dest, '2024-11-16'));
    const text = await mailops(['backup-rsync', 'list', '--dest', dest, ...RULES]);
    expect(text.exitCode, text.stderr).toBe(0);
    const line = (id: string) => text.stdout.split('\n').find((l) => l.includes(` ${id} `));
    expect(line('2024-11-10')).toMatch(
      /^ {2}PASS {2}2024-11-10 {2}complete \S+: mail; \d+ bytes, \d+ new bytes; kept by weekly 2\/3 \(/,
    );
    expect(line('2024-11-09')).toMatch(/; a prune would delete it \(/);
    // Not counted: without a marker it is not the newest, and no rule sees it.
    expect(line('2024-11-16')).toMatch(/incomplete: no manifest/);
    expect(text.stdout).toContain(`57 complete snapshots in ${dest}; 11 kept by ${RULES.join(' ')}`);

    const json = await backup(['list', '--dest', dest, ...RULES]);
    const keptBy = (id: string) =>
      (json.report?.checks.find((c) => c.name === id)?.details as { keptBy?: unknown } | undefined)?.keptBy;
    expect(keptBy('2024-08-31')).toEqual([{ rule: 'monthly', n: 4, of: 4 }]);
    expect(keptBy('2024-11-09')).toEqual([]);
    expect(keptBy('2024-11-16')).toBeUndefined();
    const kept = json.report?.checks.filter((c) => (keptBy(c.name) as unknown[] | undefined)?.length);
    expect(kept?.map((c) => c.name)).toEqual(Object.keys(KEPT));

    // No flag: the default, the newest eight.
    const plain = await backup(['list', '--dest', dest]);
    expect(plain.report?.summary).toBe(`57 complete snapshots in ${dest}; 8 kept by --keep 8`);
  });

  it('a backup run with --keep-daily and --keep-weekly moves the expired to trash after promoting, then deletes them', async () => {
    const { dest, src } = await destWith(['2024-11-15', '2024-11-14', '2024-11-10', '2024-11-03']);
    const trace = join(tempDir('strace'), 'trace');
    const run = await runTimed(
      [
        'backup-rsync',
        '--source',
        `mail=${src}`,
        '--dest',
        dest,
        '--period',
        'day',
        '--keep-daily',
        '2',
        '--keep-weekly',
        '2',
        '--output',
        'json',
      ],
      { wrap: straceFs(trace) },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(retention(report)).toEqual({
      kind: 'retention',
      kept: ['2024-11-15', today()],
      deleted: ['2024-11-03', '2024-11-10', '2024-11-14'],
      reasons: {
        '2024-11-15': [
          { rule: 'daily', n: 2, of: 2 },
          { rule: 'weekly', n: 2, of: 2 },
        ],
        [today()]: [{ rule: 'newest' }, { rule: 'daily', n: 1, of: 2 }, { rule: 'weekly', n: 1, of: 2 }],
      },
    });
    expect(snapshots(dest)).toEqual(['2024-11-15', today()]);
    expect(dotted(dest)).toEqual([]);

    const calls = readFileSync(trace, 'utf8').split('\n');
    const promoted = calls.findIndex((l) =>
      new RegExp(`rename.*\\.staging-[^"]*".*"[^"]*/${today()}"`).test(l),
    );
    const trashed = ['2024-11-03', '2024-11-10', '2024-11-14'].map((id) =>
      calls.findIndex((l) => new RegExp(`rename.*"[^"]*/${id}".*"[^"]*/\\.trash-${id}-`).test(l)),
    );
    const synced = calls.findIndex(
      (l, i) => i > Math.max(...trashed) && new RegExp(`fsync\\(\\d+<${dest}>\\)`).test(l),
    );
    const firstDelete = calls.findIndex((l) => /unlink.*\.trash-/.test(l));
    expect(promoted, 'the promoting rename').toBeGreaterThanOrEqual(0);
    for (const at of trashed)
      expect(at, 'each expired snapshot renamed to trash after the promotion').toBeGreaterThan(promoted);
    expect(synced, 'the destination synced after the last rename').toBeGreaterThan(Math.max(...trashed));
    expect(firstDelete, 'nothing deleted before every rename is synced').toBeGreaterThan(synced);
    expect(existsSync(join(dest, '2024-11-15', 'mail', 'cur', 'msg3'))).toBe(true);
  });

  it('refuses --keep-daily with weekly snapshots, in one line naming the flag', async () => {
    const result = await mailops([
      'backup-rsync',
      '--source',
      `mail=${seed(tempDir('src'))}`,
      '--dest',
      tempDir('dest'),
      '--keep-daily',
      '7',
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'mailops: --keep-daily: expected --period day (a weekly snapshot is one a week: --keep-weekly counts those), got --period week',
    );
  });
});
