import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, md5Lines, week } from '../helpers/backup.js';
import { tempDir } from '../helpers/scratch.js';

const ALICE = 'users/alice/Maildir';

/** Two users' Maildirs, a sibling whose name extends alice's, and a link out of the tree; backed up. */
async function backedUp(): Promise<{ src: string; dest: string }> {
  const src = tempDir('src');
  const files: Record<string, string> = {
    [`${ALICE}/cur/1700000000.M1P1.host:2,S`]: 'From: a\n\nfirst',
    [`${ALICE}/cur/1700000001.M2P1.host:2,RS`]: 'From: a\n\nsecond',
    [`${ALICE}/new/1700000002.M3P1.host`]: 'From: a\n\nthird',
    [`${ALICE}/dovecot-uidlist`]: '3 V1 N4\n',
    // Escaped in the manifest: the streaming reader must unescape before matching the prefix.
    [`${ALICE}/cur/back\\slash`]: 'escaped name',
    // Shares alice's path as a string prefix, not as a directory: must not count as hers.
    ['users/alice/Maildir.old/cur/stale']: 'old',
    ['users/bob/Maildir/cur/1700000003.M4P1.host:2,S']: 'From: b\n\nbob',
    ['users/bob/Maildir/dovecot-uidlist']: '3 V1 N2\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), content);
  }
  symlinkSync('/etc', join(src, 'users', 'evil'));
  const dest = tempDir('dest');
  const done = await backup(['--source', `mail=${src}`, '--dest', dest]);
  expect(done.exitCode, done.stderr).toBe(0);
  return { src, dest };
}

const restore = (dest: string, path: string, to: string, ...more: string[]) =>
  backup([
    'restore',
    '--dest',
    dest,
    '--snapshot',
    week(),
    '--name',
    'mail',
    '--path',
    path,
    '--to',
    to,
    ...more,
  ]);

/** Every file and directory under root, relative, sorted. */
const tree = (root: string) => (readdirSync(root, { recursive: true }) as string[]).sort();

describe('backup-rsync restore --path: one mailbox or one file of a source', () => {
  it("restores one user's Maildir into an empty directory, checked against that part of the manifest", async () => {
    const { src, dest } = await backedUp();
    const to = join(tempDir('to'), 'Maildir');
    const result = await restore(dest, `${ALICE}/`, to);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.report?.summary).toBe(
      `Restore SUCCESS: mail/${ALICE} of ${week()} in ${to}, checked against the manifest`,
    );
    expect(md5Lines(to)).toEqual(md5Lines(join(src, ALICE)));
    expect(tree(to).filter((p) => /bob|stale|evil/.test(p))).toEqual([]);
    const [preview, , checksums] = result.report!.checks;
    expect(preview?.details).toMatchObject({ kind: 'itemized-changes', target: to, path: ALICE, deletes: 0 });
    // Five files: alice's, not bob's nor Maildir.old's, re-based to the target.
    expect(checksums?.details).toEqual({
      kind: 'manifest-check',
      files: 5,
      changed: [],
      missing: [],
      extra: [],
      path: ALICE,
    });
  });

  it('refuses a non-empty target without --force and writes nothing', async () => {
    const { dest } = await backedUp();
    const to = tempDir('to');
    writeFileSync(join(to, 'stray'), 'not in the snapshot');
    const result = await restore(dest, ALICE, to);
    expect(result.exitCode).toBe(1);
    expect(result.report?.status).toBe('fail');
    expect(result.report?.summary).toBe(
      `Restore REFUSED: ${to} is not empty (7 to write, 1 to delete); rerun with --force`,
    );
    expect(tree(to)).toEqual(['stray']);
  });

  it('with --force puts the Maildir back in place: deletes inside it, nothing outside it', async () => {
    const { src, dest } = await backedUp();
    const live = tempDir('live');
    const maildir = join(live, ALICE);
    mkdirSync(join(maildir, 'cur'), { recursive: true });
    writeFileSync(join(maildir, 'cur', '1700000000.M1P1.host:2,S'), 'damaged');
    writeFileSync(join(maildir, 'cur', 'stray'), 'delivered after the backup');
    const outside = {
      'users/alice/.forward': 'alice@elsewhere.example',
      'users/alice/Maildir.old/cur/stale': 'kept by hand',
      'users/bob/Maildir/cur/1700000003.M4P1.host:2,S': 'bob, changed since the backup',
    };
    for (const [path, content] of Object.entries(outside)) {
      mkdirSync(dirname(join(live, path)), { recursive: true });
      writeFileSync(join(live, path), content);
    }

    const result = await restore(dest, ALICE, maildir, '--force');
    expect(result.exitCode, JSON.stringify(result.report?.checks)).toBe(0);
    expect(result.report?.checks[0]?.details).toMatchObject({
      writes: expect.any(Number) as number,
      deletes: 1,
      changes: expect.arrayContaining([{ change: '*deleting', path: 'cur/stray' }]) as unknown,
    });
    expect(md5Lines(maildir)).toEqual(md5Lines(join(src, ALICE)));
    for (const [path, content] of Object.entries(outside))
      expect(readFileSync(join(live, path), 'utf8')).toBe(content);
  });

  it('restores a single file into --to by its name, leaving its neighbours there alone', async () => {
    const { src, dest } = await backedUp();
    const file = `${ALICE}/cur/1700000001.M2P1.host:2,RS`;
    const name = '1700000001.M2P1.host:2,RS';
    const to = tempDir('to');
    const fresh = await restore(dest, file, to);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(tree(to)).toEqual([name]);
    expect(readFileSync(join(to, name), 'utf8')).toBe(readFileSync(join(src, file), 'utf8'));
    expect(fresh.report?.checks[2]?.details).toMatchObject({ files: 1, path: file });

    // The target is that file: a neighbour does not make it non-empty, the file itself does.
    writeFileSync(join(to, name), 'damaged');
    writeFileSync(join(to, 'neighbour'), 'mine');
    const refused = await restore(dest, file, to);
    expect(refused.exitCode).toBe(1);
    expect(refused.report?.summary).toBe(
      `Restore REFUSED: ${join(to, name)} exists (1 to write, 0 to delete); rerun with --force`,
    );
    expect(readFileSync(join(to, name), 'utf8')).toBe('damaged');
    const forced = await restore(dest, file, to, '--force');
    expect(forced.exitCode, JSON.stringify(forced.report?.checks)).toBe(0);
    expect(readFileSync(join(to, name), 'utf8')).toBe(readFileSync(join(src, file), 'utf8'));
    expect(readFileSync(join(to, 'neighbour'), 'utf8')).toBe('mine');
  });

  it('fails the checksum check when a snapshot file under the path is damaged', async () => {
    const { dest } = await backedUp();
    const snap = join(dest, week(), 'mail');
    writeFileSync(join(snap, ALICE, 'cur', '1700000001.M2P1.host:2,RS'), 'rot');
    // Damage outside the path is not this restore's business.
    writeFileSync(join(snap, 'users/bob/Maildir/dovecot-uidlist'), 'rot');
    const result = await restore(dest, ALICE, tempDir('to'));
    expect(result.exitCode).toBe(1);
    expect(result.report?.summary).toBe(
      'Restore FAILED at checksums: 1 changed, 0 missing, 0 unexpected: cur/1700000001.M2P1.host:2,RS',
    );
  });

  it('rejects a path that is absolute, climbs, is missing or leads out of the snapshot, with one line', async () => {
    const { dest } = await backedUp();
    const where = `source mail of snapshot ${week()}`;
    const bad: [string, string][] = [
      ['../x', 'expected a path without ".." segments, got "../x"'],
      ['users/../../x', 'expected a path without ".." segments, got "users/../../x"'],
      ['/abs', 'expected a path relative to the root of source mail (e.g. users/alice/Maildir), got "/abs"'],
      ['users/nobody/', `expected a directory or file in ${where}, got "users/nobody" (no such path)`],
      [
        'users/evil/passwd',
        `expected a path inside ${where}, got "users/evil/passwd" (a link leads to /etc/passwd)`,
      ],
      [
        './',
        `expected a path below the root of source mail (without --path the whole source is restored), got "./"`,
      ],
    ];
    for (const [path, message] of bad) {
      const to = join(tempDir('to'), 'target');
      const result = await restore(dest, path, to);
      expect([result.exitCode, result.stderr.trim()]).toEqual([2, `mailops: --path: ${message}`]);
      expect(existsSync(to)).toBe(false);
    }
  });
});
