import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DetailsOf, Report } from '../../src/checks/types.js';
import { backdate, backup, week } from '../helpers/backup.js';
import { tempDir } from '../helpers/scratch.js';

const FILES = 40;

function mailbox(src: string, body: (i: number) => string): void {
  mkdirSync(join(src, 'cur'), { recursive: true });
  for (let i = 0; i < FILES; i++) writeFileSync(join(src, 'cur', `m${i}`), body(i));
}

const metric = (report: Report | undefined, name: string) =>
  report?.metrics.find((m) => m.name === name)?.samples.find((s) => s.labels.source === 'mail')?.value;
const guardOf = (report: Report | undefined) =>
  report?.checks.find((c) => c.name === 'guard.mail') as
    { status: string; summary: string; details: DetailsOf<'backup-guard'> } | undefined;

/** A destination holding last week's snapshot of a 40-message mailbox, and the source. */
async function based() {
  const src = tempDir('guard-src');
  const dest = tempDir('guard-dest');
  mailbox(src, (i) => `message ${i}\n`);
  expect((await backup(['--source', `mail=${src}`, '--dest', dest])).exitCode).toBe(0);
  backdate(dest, week(), '2026-01');
  return {
    src,
    dest,
    run: (...extra: string[]) => backup(['--source', `mail=${src}`, '--dest', dest, ...extra]),
  };
}

const snapshots = (dest: string) => readdirSync(dest).filter((n) => !n.startsWith('.'));

describe('backup-rsync guards against mass deletion and rewriting', () => {
  it('fails before promotion when a source was emptied, and keeps every snapshot', async () => {
    const { src, dest, run } = await based();
    rmSync(join(src, 'cur'), { recursive: true });
    mkdirSync(join(src, 'cur'));
    const emptied = await run('--max-deleted', '50', '--keep', '1');
    expect(emptied.exitCode).toBe(1);
    const guard = guardOf(emptied.report);
    expect(guard?.status).toBe('fail');
    expect(guard?.summary).toBe(
      `100.0 % of the files of 2026-01 gone, over --max-deleted 50 %: nothing promoted, no snapshot rotated out (40 gone, 0 rewritten, 0 new of the 40 files of 2026-01)`,
    );
    expect(guard?.details).toMatchObject({ base: '2026-01', baseFiles: 40, deleted: 40, changedRatio: 1 });
    expect(emptied.report?.summary).toMatch(/^Backup FAILED at guard\.mail: /);
    // Nothing promoted, nothing rotated out (--keep 1 would have deleted 2026-01), nothing left behind.
    expect(snapshots(dest)).toEqual(['2026-01']);
    expect(readdirSync(dest).filter((n) => n.startsWith('.staging-'))).toEqual([]);
    // The figures are still reported (and pushed), so the alert sees them.
    expect(metric(emptied.report, 'backup_deleted_files')).toBe(40);
    expect(metric(emptied.report, 'backup_changed_files_ratio')).toBe(1);
  });

  it('fails when the files were rewritten in place (encrypted), and passes a usual night', async () => {
    const { src, dest, run } = await based();
    mailbox(src, (i) => `encrypted ${i} ${'\u0000'.repeat(8)}\n`);
    const rewritten = await run('--max-changed', '30');
    expect(rewritten.exitCode).toBe(1);
    expect(guardOf(rewritten.report)?.summary).toMatch(
      /^100\.0 % of the files of 2026-01 gone or rewritten, over --max-changed 30 %: nothing promoted/,
    );
    expect(existsSync(join(dest, week()))).toBe(false);

    // A usual night: four new messages, two expunged, two rewritten.
    mailbox(src, (i) => (i < 2 ? `flags changed ${i}\n` : `message ${i}\n`));
    rmSync(join(src, 'cur', 'm10'));
    rmSync(join(src, 'cur', 'm11'));
    for (let i = 0; i < 4; i++) writeFileSync(join(src, 'cur', `new${i}`), `new ${i}\n`);
    const usual = await run('--max-changed', '30', '--max-deleted', '10');
    expect(usual.exitCode).toBe(0);
    const guard = guardOf(usual.report);
    expect(guard?.status).toBe('pass');
    expect(guard?.details).toMatchObject({
      baseFiles: 40,
      deleted: 2,
      changed: 2,
      added: 4,
      changedRatio: 0.1,
    });
    expect(metric(usual.report, 'backup_deleted_files')).toBe(2);
    expect(metric(usual.report, 'backup_changed_files_ratio')).toBe(0.1);
    expect(snapshots(dest).sort()).toEqual(['2026-01', week()].sort());
  });

  it('rejects a limit over 100 % with one line and exit 2', async () => {
    const { run } = await based();
    const bad = await run('--max-deleted', '150');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe('mailops: --max-deleted: expected a percentage from 1 to 100, got 150');
  });
});
