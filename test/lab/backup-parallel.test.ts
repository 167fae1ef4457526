import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RsyncStats } from '../../src/checks/rsync-stats.js';
import { parseRsyncStats } from '../../src/checks/rsync-stats.js';
import { backdate, backupAndCompare, expectVerified, ino, week } from '../helpers/backup.js';
import { tempDir } from '../helpers/scratch.js';

const ORG_USERS = 14;
const FILES_PER_USER = 130;

/** A mail store as Dovecot lays one out: <domain>/<user>/Maildir/{cur,new,tmp,.Sent/cur}. */
function mailStore(root: string): void {
  const users = [
    ...Array.from({ length: ORG_USERS }, (_, i) => `example.org/u${i}`),
    'example.net/a',
    'example.net/b',
  ];
  for (const user of users) {
    for (const dir of ['cur', 'new', 'tmp', '.Sent/cur'])
      mkdirSync(join(root, user, 'Maildir', dir), { recursive: true });
    for (let i = 0; i < FILES_PER_USER; i++)
      writeFileSync(
        join(root, user, 'Maildir', i % 5 ? 'cur' : 'new', `${i}.M${i}P1.host:2,S`),
        `${user} ${i}\n`,
      );
    writeFileSync(join(root, user, 'Maildir', 'dovecot-uidlist'), '3 V1 N1\n');
  }
  // Above the users: files, a link, an empty directory, a private user.
  writeFileSync(join(root, 'README'), 'mail store\n');
  writeFileSync(join(root, 'example.org', 'postmaster-alias'), 'root\n');
  symlinkSync('example.org', join(root, 'current'));
  mkdirSync(join(root, 'empty'));
  chmodSync(join(root, 'example.org', 'u3'), 0o700);
  // Odd names in a user's mail.
  writeFileSync(join(root, 'example.org/u4/Maildir/cur', 'line\nbreak'), 'newline in the name');
  writeFileSync(join(root, 'example.org/u4/Maildir/cur', 'caf\u00e9'), 'accent');
  // LMTP delivering one message to two users of two domains hard-links it; so does a copy to Sent.
  linkSync(
    join(root, 'example.org/u1/Maildir/cur/1.M1P1.host:2,S'),
    join(root, 'example.net/a/Maildir/cur/shared'),
  );
  linkSync(
    join(root, 'example.org/u2/Maildir/cur/2.M2P1.host:2,S'),
    join(root, 'example.org/u2/Maildir/.Sent/cur/2'),
  );
  stampDirectories(root, new Date('2025-03-04T05:06:07Z'));
}

/** Every directory's times, set deepest first: a copy must keep them, the top level's too. */
function stampDirectories(root: string, when: Date): void {
  const dirs = execFileSync('find', [root, '-type', 'd', '-print0'], { encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const dir of dirs.sort((a, b) => b.length - a.length)) utimesSync(dir, when, when);
}

/** One plain rsync of the same source, as the reference, with its --stats. */
function referenceCopy(src: string, target: string, base?: string): RsyncStats {
  const output = execFileSync(
    'rsync',
    [
      '-aH',
      '--numeric-ids',
      '--stats',
      '--no-h',
      ...(base ? [`--link-dest=${base}`] : []),
      `${src}/`,
      `${target}/`,
    ],
    { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
  );
  return parseRsyncStats(output)!;
}

/** What rsync would change to make `copy` equal to `reference`: contents, modes, owners, times, links. */
const differences = (reference: string, copy: string) =>
  execFileSync('rsync', ['-ainHc', '--delete', '--numeric-ids', `${reference}/`, `${copy}/`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);

/** The figures the snapshot's marker recorded for the source. */
function recordedStats(dest: string): RsyncStats {
  const marker = JSON.parse(readFileSync(join(dest, week(), '.mailops-snapshot.json'), 'utf8')) as {
    sources: { stats: RsyncStats }[];
  };
  return marker.sources[0]!.stats;
}

const FIGURES = [
  'files',
  'regularFiles',
  'regularFilesTransferred',
  'totalFileSize',
  'transferredFileSize',
  'literalData',
] as const;
const figures = (stats: RsyncStats) => Object.fromEntries(FIGURES.map((key) => [key, stats[key]]));

describe('backup-rsync with rsyncs side by side', () => {
  it('makes the snapshot one rsync makes: files, modes, times of every directory, hard links, figures', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    const ref = tempDir('ref');
    mailStore(src);

    const first = await backupAndCompare(src, dest, ['--parallel', '3']);
    expect(first.report?.checks.find((c) => c.name === 'rsync.mail')?.summary).toMatch(
      /; 3 rsyncs side by side, one per part of the directories at depth 2, then one for the levels above$/,
    );
    const night1 = referenceCopy(src, join(ref, '1'));
    const snapshot = () => join(dest, week(), 'mail');
    expect(differences(join(ref, '1'), snapshot())).toEqual([]);
    expect(figures(recordedStats(dest))).toEqual(figures(night1));
    expect(ino(join(snapshot(), 'example.net/a/Maildir/cur/shared'))).toBe(
      ino(join(snapshot(), 'example.org/u1/Maildir/cur/1.M1P1.host:2,S')),
    );

    // A night of mail: delivered, expunged, flagged (renamed), a new user, a new cross-domain
    // hard link, a changed file and a mode above the users.
    backdate(dest, week(), '2026-01');
    const maildir = (user: string) => join(src, 'example.org', user, 'Maildir');
    writeFileSync(join(maildir('u5'), 'new', 'fresh'), 'new mail');
    rmSync(join(maildir('u6'), 'cur', '1.M1P1.host:2,S'));
    renameSync(join(maildir('u7'), 'cur', '2.M2P1.host:2,S'), join(maildir('u7'), 'cur', '2.M2P1.host:2,ST'));
    mkdirSync(join(maildir('u99'), 'cur'), { recursive: true });
    writeFileSync(join(maildir('u99'), 'cur', 'welcome'), 'welcome');
    linkSync(join(maildir('u8'), 'cur', '3.M3P1.host:2,S'), join(src, 'example.net/b/Maildir/cur/forwarded'));
    writeFileSync(join(src, 'README'), 'mail store, changed\n');
    chmodSync(join(src, 'example.org', 'postmaster-alias'), 0o600);
    stampDirectories(src, new Date('2025-03-05T05:06:07Z'));

    const second = await backupAndCompare(src, dest, ['--parallel', '3']);
    expect(second.report?.checks.find((c) => c.name === 'rsync.mail')?.summary).toMatch(
      /rsyncs side by side/,
    );
    // The files gone since the base were found by a walk of the snapshot.
    expect(second.from).toBe('a walk of the snapshot');
    const night2 = referenceCopy(src, join(ref, '2'), join(ref, '1'));
    expect(differences(join(ref, '2'), snapshot())).toEqual([]);
    expect(figures(recordedStats(dest))).toEqual(figures(night2));
    const older = join(dest, '2026-01', 'mail');
    expect(ino(join(snapshot(), 'example.org/u0/Maildir/cur/1.M1P1.host:2,S'))).toBe(
      ino(join(older, 'example.org/u0/Maildir/cur/1.M1P1.host:2,S')),
    );
    expect(ino(join(snapshot(), 'README'))).not.toBe(ino(join(older, 'README')));
    expect(ino(join(snapshot(), 'example.net/b/Maildir/cur/forwarded'))).toBe(
      ino(join(snapshot(), 'example.org/u8/Maildir/cur/3.M3P1.host:2,S')),
    );
    await expectVerified(dest);

    // A hard link between a file above the users and one in a mailbox: rsync -H links only files
    // of one run, so one rsync copies the tree.
    backdate(dest, week(), '2026-02');
    linkSync(join(maildir('u9'), 'cur', '4.M4P1.host:2,S'), join(src, 'example.org', 'pinned'));
    stampDirectories(src, new Date('2025-03-06T05:06:07Z'));
    const third = await backupAndCompare(src, dest, ['--parallel', '3']);
    expect(third.report?.checks.find((c) => c.name === 'rsync.mail')?.summary).not.toMatch(/side by side/);
    referenceCopy(src, join(ref, '3'), join(ref, '2'));
    expect(differences(join(ref, '3'), snapshot())).toEqual([]);
    expect(ino(join(snapshot(), 'example.org', 'pinned'))).toBe(
      ino(join(snapshot(), 'example.org/u9/Maildir/cur/4.M4P1.host:2,S')),
    );
  });

  it('copies with one rsync when asked to (--parallel 1) and when the tree is small', async () => {
    const src = tempDir('src');
    const dest = tempDir('dest');
    mailStore(src);
    const one = await backupAndCompare(src, dest, ['--parallel', '1']);
    expect(one.report?.checks.find((c) => c.name === 'rsync.mail')?.summary).not.toMatch(/side by side/);
    const small = tempDir('small');
    for (const user of ['a', 'b', 'c']) {
      mkdirSync(join(small, user, 'cur'), { recursive: true });
      writeFileSync(join(small, user, 'cur', 'm'), user);
    }
    const dest2 = tempDir('dest');
    const few = await backupAndCompare(small, dest2, ['--parallel', '3']);
    expect(few.report?.checks.find((c) => c.name === 'rsync.mail')?.summary).not.toMatch(/side by side/);
  });
});
