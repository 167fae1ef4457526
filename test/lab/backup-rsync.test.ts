import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, until } from '../helpers/cli.js';
import { backdate, backup, backupAndCompare, expectVerified, ino, week } from '../helpers/backup.js';
import { tempDir } from '../helpers/scratch.js';

function seed(root: string, files: number, size = 64): void {
  mkdirSync(join(root, 'cur'), { recursive: true });
  for (let i = 0; i < files; i++)
    writeFileSync(join(root, 'cur', `msg${String(i).padStart(5, '0')}`), `${i}:`.padEnd(size, 'x'));
}

/** Processes whose command line names `path`. */
const running = (path: string) =>
  readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path);
      } catch {
        return false;
      }
    });

const snapshots = (dest: string) =>
  readdirSync(dest)
    .filter((n) => /^\d{4}-\d{2}(-\d{2})?$/.test(n))
    .sort();

describe('backup-rsync with real rsync', () => {
  it('links unchanged files to the previous snapshot and stores changed ones anew', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 20);
    expect((await backup(['--source', `mail=${src}`, '--dest', dest])).exitCode).toBe(0);
    backdate(dest, week(), '2026-01');
    writeFileSync(join(src, 'cur', 'msg00001'), 'changed');
    const second = await backup(['--source', `mail=${src}`, '--dest', dest]);
    expect(second.exitCode).toBe(0);
    expect(second.report?.checks.find((c) => c.name === 'rsync.mail')?.summary).toMatch(/1 transferred/);
    const [old, now] = [join(dest, '2026-01', 'mail', 'cur'), join(dest, week(), 'mail', 'cur')];
    expect(ino(join(now, 'msg00000'))).toBe(ino(join(old, 'msg00000')));
    expect(ino(join(now, 'msg00001'))).not.toBe(ino(join(old, 'msg00001')));
    const newBytes = second.report?.metrics.find((m) => m.name === 'backup_new_bytes')?.samples[0]?.value;
    expect(newBytes).toBe('changed'.length);
    // Hashes carried over from the base or taken while rsync copied must still match the files.
    await expectVerified(dest);
    // The manifest is md5sum's format, and the digest rsync reported for the file it wrote is right.
    const snap = join(dest, week(), 'mail');
    execFileSync('md5sum', ['-c', '--quiet', '../.mailops/mail.md5'], { cwd: snap });
    const md5 = execFileSync('md5sum', ['cur/msg00001'], { cwd: snap, encoding: 'utf8' });
    expect(readFileSync(join(dest, week(), '.mailops', 'mail.md5'), 'utf8')).toContain(md5);
  });

  it('writes a manifest equal to md5sum of every file, from what rsync listed, whatever it did to each file', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 12);
    const cur = (name: string) => join(src, 'cur', name);
    linkSync(cur('msg00000'), cur('hard-a'));
    writeFileSync(cur('x => y'), 'not a hard link, despite the name');
    symlinkSync('msg00001', cur('symlink'));
    // First run: every digest rsync's own, but for the second name of a hard link, which it links.
    expect(await backupAndCompare(src, dest)).toMatchObject({
      hashed: 1,
      from: "rsync's listing and the bases",
    });
    backdate(dest, week(), '2026-01');
    const original = { body: readFileSync(cur('msg00001')), mtime: statSync(cur('msg00001')).mtime };
    writeFileSync(cur('msg00001'), 'changed');
    utimesSync(cur('msg00002'), new Date(), new Date(2030, 0, 1));
    chmodSync(cur('msg00003'), 0o600);
    writeFileSync(cur('new'), 'new');
    linkSync(cur('msg00005'), cur('hard-b'));
    // A name that was another file in the base becomes a second name of this one.
    rmSync(cur('msg00006'));
    linkSync(cur('msg00007'), cur('msg00006'));
    writeFileSync(cur('x => y'), 'changed too');
    // Files rsync linked unlisted carry their base's digest; one it copied without saying its digest is hashed.
    const second = await backupAndCompare(src, dest);
    expect(second.from).toBe("rsync's listing and the bases");
    expect(second.hashed).toBeLessThan(5);
    // A re-run has two bases: a file put back as it was two snapshots ago is linked to the older
    // one, whose digest differs from the newer base's; it must be hashed, not guessed. A name
    // rsync escapes (non-ASCII under LC_ALL=C) is read back.
    writeFileSync(cur('msg00001'), original.body);
    utimesSync(cur('msg00001'), original.mtime, original.mtime);
    writeFileSync(cur('caf\u00e9'), 'accent');
    const rerun = await backupAndCompare(src, dest);
    expect(rerun.from).toBe("rsync's listing and the bases");
    expect(rerun.hashed).toBeGreaterThanOrEqual(1);
    expect(ino(join(dest, week(), 'mail', 'cur', 'msg00001'))).toBe(
      ino(join(dest, '2026-01', 'mail', 'cur', 'msg00001')),
    );
    // A file deleted since one of two bases: rsync's count no longer adds up; the snapshot is walked.
    rmSync(cur('msg00004'));
    writeFileSync(cur('caf\u00e9'), 'accent changed');
    expect((await backupAndCompare(src, dest)).from).toBe('a walk of the snapshot');
    // One base, as on most nights: mail expunged and flags changed (Maildir renames the file) are
    // found by a walk of the snapshot; so is a file that became a directory.
    backdate(dest, week(), '2026-02');
    rmSync(cur('msg00008'));
    renameSync(cur('msg00009'), cur('msg00009:2,S'));
    expect((await backupAndCompare(src, dest)).from).toBe('a walk of the snapshot');
    backdate(dest, week(), '2026-03');
    rmSync(cur('msg00010'));
    mkdirSync(cur('msg00010'));
    writeFileSync(join(cur('msg00010'), 'inside'), 'inside');
    expect((await backupAndCompare(src, dest)).from).toBe('a walk of the snapshot');
  });

  it('re-runs in the same period replace that snapshot atomically and never touch older ones, not even modes', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 5);
    await backup(['--source', `mail=${src}`, '--dest', dest]);
    backdate(dest, week(), '2026-02');
    const older = join(dest, '2026-02', 'mail', 'cur', 'msg00000');
    const before = statSync(older);
    await backup(['--source', `mail=${src}`, '--dest', dest]);
    chmodSync(join(src, 'cur', 'msg00000'), 0o600);
    const rerun = await backup(['--source', `mail=${src}`, '--dest', dest]);
    expect(rerun.report?.checks.find((c) => c.name === 'promote')?.summary).toBe(
      `replaced snapshot ${week()}`,
    );
    const after = statSync(older);
    expect(after.mode & 0o777).toBe(before.mode & 0o777);
    expect(after.ino).toBe(before.ino);
    expect(statSync(join(dest, week(), 'mail', 'cur', 'msg00000')).mode & 0o777).toBe(0o600);
    expect(snapshots(dest)).toEqual(['2026-02', week()].sort());
  });

  it('keeps the newest --keep snapshots by parsed date, across a year boundary', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 3);
    for (const id of ['2025-52', '2024-01', '2025-01']) {
      await backup(['--source', `mail=${src}`, '--dest', dest]);
      backdate(dest, week(), id);
    }
    const result = await backup(['--source', `mail=${src}`, '--dest', dest, '--keep', '3']);
    expect(result.exitCode).toBe(0);
    expect(snapshots(dest)).toEqual(['2025-01', '2025-52', week()].sort());
    expect(result.report?.metrics.find((m) => m.name === 'backup_snapshots')?.samples[0]?.value).toBe(3);
  });

  it('promotes nothing when killed mid-run; the next run recovers the lock and links against the last good snapshot', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 3000, 4096);
    await backup(['--source', `mail=${src}`, '--dest', dest]);
    backdate(dest, week(), '2026-03');
    writeFileSync(join(src, 'cur', 'msg00007'), 'changed');
    const child = spawn(process.execPath, [BIN, 'backup-rsync', '--source', `mail=${src}`, '--dest', dest], {
      detached: true,
      stdio: 'ignore',
    });
    await until('the staging directory', () => readdirSync(dest).some((n) => n.startsWith('.staging-')));
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // rsync has a process group of its own: it dies with mailops, not with mailops' group.
    await until("the run's rsync to die with it", () => running(dest).length === 0);
    expect(snapshots(dest)).toEqual(['2026-03']);
    expect(existsSync(join(dest, '.mailops-backup.lock'))).toBe(true);

    const next = await backup(['--source', `mail=${src}`, '--dest', dest]);
    expect(next.exitCode).toBe(0);
    expect(next.report?.warnings.join('\n')).toMatch(
      /took over a stale lock of pid \d+ on \S+ \(started [^)]*, last renewed [^)]*\): pid \d+ is not running on this host/,
    );
    expect(next.report?.warnings.join('\n')).toMatch(/removed partial snapshot .*\.staging-/);
    expect(next.report?.checks.find((c) => c.name === 'rsync.mail')?.summary).toMatch(
      /3002 files, 1 transferred/,
    );
    expect(readdirSync(dest).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('fails, promotes nothing and deletes nothing when rsync fails', async () => {
    const dest = tempDir('dest');
    const src = tempDir('src');
    seed(src, 2);
    await backup(['--source', `mail=${src}`, '--dest', dest]);
    backdate(dest, week(), '2026-04');
    // A source that is a directory the rsync sender cannot read from: exit 23.
    const result = await backup([
      '--source',
      `mail=${src}`,
      '--source',
      `gone=/proc/1/map_files`,
      '--dest',
      dest,
      '--keep',
      '1',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.report?.summary).toMatch(
      /^Backup FAILED at rsync\.gone: rsync exit 23 \(partial transfer due to error\)/,
    );
    expect(snapshots(dest)).toEqual(['2026-04']);
    expect(readdirSync(dest).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('treats exit 24 (files vanished during the copy) as a warning', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    mkdirSync(join(src, 'new'));
    writeFileSync(join(src, 'new', 'a-big'), Buffer.alloc(2_000_000, 7));
    writeFileSync(join(src, 'new', 'z-small'), 'vanishes');
    // Real rsync, slowed down so the test can delete a file between the file list and its transfer.
    const bin = tempDir('bin');
    writeFileSync(join(bin, 'rsync'), '#!/bin/sh\nexec /usr/bin/rsync --bwlimit=1000 "$@"\n', {
      mode: 0o755,
    });
    const run = backup(['--source', `mail=${src}`, '--dest', dest], {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
    });
    await until('the staging directory', () => readdirSync(dest).some((n) => n.startsWith('.staging-')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    rmSync(join(src, 'new', 'z-small'));
    const result = await run;
    expect(result.exitCode).toBe(0);
    expect(result.report?.warnings.join('\n')).toMatch(/mail: rsync exit 24 \(some source files vanished/);
    expect(snapshots(dest)).toEqual([week()]);
    // The manifest lists what the snapshot holds, not what rsync set out to copy.
    await expectVerified(dest);
  });

  it('backs up a file whose name is not UTF-8, and says it is not in the manifest', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 2);
    // caf\xe9: Latin-1, as legacy trees name files; no JavaScript string names it.
    writeFileSync(Buffer.from(`${src}/cur/caf\xe9`, 'latin1'), 'legacy');
    const result = await backup(['--source', `mail=${src}`, '--dest', dest]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.report?.warnings).toEqual([
      'mail: 1 paths whose names are not UTF-8 are in the snapshot but not in its checksum manifest, e.g. cur/caf\uFFFD',
    ]);
    const snapshotDir = Buffer.from(join(dest, week(), 'mail', 'cur'));
    expect(readdirSync(snapshotDir, { encoding: 'buffer' }).map((n) => n.toString('latin1'))).toContain(
      'caf\xe9',
    );
    await expectVerified(dest);
  });

  it('refuses to run while another live run holds the lock', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 1);
    const holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    writeFileSync(join(dest, '.mailops-backup.lock'), JSON.stringify(holder));
    const result = await backup(['--source', `mail=${src}`, '--dest', dest]);
    expect(result.exitCode).toBe(1);
    expect(result.report?.summary).toMatch(new RegExp(`got one holding it \\(pid ${process.pid} on `));
    expect(snapshots(dest)).toEqual([]);
    expect(existsSync(join(dest, '.mailops-backup.lock'))).toBe(true);
  });

  it('fails the run when a hook fails, before rsync for the pre-hook', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 1);
    const result = await backup([
      '--source',
      `mail=${src}`,
      '--dest',
      dest,
      '--pre-hook',
      'echo no database; exit 3',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.report?.summary).toBe('Backup FAILED at hook.pre: exit 3: no database');
    expect(snapshots(dest)).toEqual([]);
  });

  it('verifies a snapshot against its manifest and notices a damaged file', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 4);
    await backup(['--source', `mail=${src}`, '--dest', dest]);
    const good = await backup(['verify', '--dest', dest, '--snapshot', week()]);
    expect(good.exitCode).toBe(0);
    expect(good.report?.summary).toBe(`Verify SUCCESS: snapshot ${week()} matches its manifest`);
    execFileSync('sh', ['-c', `printf rot >> ${join(dest, week(), 'mail', 'cur', 'msg00002')}`]);
    const bad = await backup(['verify', '--dest', dest, '--snapshot', week()]);
    expect(bad.exitCode).toBe(1);
    expect(bad.report?.checks[0]?.summary).toBe('1 changed, 0 missing, 0 unexpected: cur/msg00002');
  });

  it('verify --against-source lists what changed on the live source since the snapshot', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 3);
    await backup(['--source', `mail=${src}`, '--dest', dest]);
    writeFileSync(join(src, 'cur', 'msg00001'), 'edited after the backup');
    const result = await backup(['verify', '--dest', dest, '--snapshot', week(), '--against-source']);
    expect(result.exitCode).toBe(0);
    const source = result.report?.checks.find((c) => c.name === 'source.mail');
    expect(source?.summary).toBe(`1 paths differ from the live source ${src}`);
    expect(source?.details).toMatchObject({
      kind: 'itemized-changes',
      target: src,
      writes: 1,
      deletes: 0,
      changes: [{ change: expect.stringMatching(/^>f/) as string, path: 'cur/msg00001' }],
    });
  });

  it('lists snapshots, and rejects an unknown snapshot id with one line', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    seed(src, 2);
    await backup(['--source', `mail=${src}`, '--dest', dest]);
    const list = await backup(['list', '--dest', dest]);
    expect(list.report?.checks.map((c) => [c.name, c.status])).toEqual([[week(), 'pass']]);
    const wrong = await backup([
      'restore',
      '--dest',
      dest,
      '--snapshot',
      '1999-01',
      '--name',
      'mail',
      '--to',
      tempDir('to'),
    ]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr.trim()).toBe(
      `mailops: --snapshot: expected a complete snapshot in ${dest} (${week()}), got "1999-01"`,
    );
  });
});
