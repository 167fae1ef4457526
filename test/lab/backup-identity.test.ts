import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  lchownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { backdate, week } from '../helpers/backup.js';
import { BIN } from '../helpers/cli.js';
import { runTimed } from '../helpers/faults.js';
import { DEPLOY, kustomize, named, podOf, withComponent } from '../helpers/kustomize.js';
import { tempDir } from '../helpers/scratch.js';

// The identities as the manifests declare them: the lab runs mailops as they say.
const ownerPod = podOf(named(kustomize(DEPLOY), 'CronJob', 'mailops-backup-rsync'))!;
const rootPod = podOf(
  named(withComponent(tempDir('identity'), 'backup-as-root'), 'CronJob', 'mailops-backup-rsync'),
)!;
const OWNER = ownerPod.securityContext as { runAsUser: number; runAsGroup: number };
const CAPABILITIES = (rootPod.containers[0]!.securityContext as { capabilities: { add: string[] } })
  .capabilities.add;
/** The image's own user: a uid that owns none of the data. */
const UNRELATED = 10001;
const VMAIL = { uid: 5000, gid: 8 };

/** As a pod with runAsUser and runAsGroup runs: that uid and gid, no other group, no capability. */
const asUser = (uid: number, gid: number) => [
  'setpriv',
  `--reuid=${uid}`,
  `--regid=${gid}`,
  '--clear-groups',
  '--no-new-privs',
];
/** As a root container runs with capabilities dropped but `caps` added: they bound all it can have. */
const asRoot = (caps: readonly string[]) => [
  'setpriv',
  '--inh-caps=-all',
  `--bounding-set=-all${caps.map((c) => `,+${c.toLowerCase()}`).join('')}`,
  '--no-new-privs',
];

type Entry = { path: string; mode: number; uid: number; gid: number; text?: string; link?: string };

/** Lays out entries under root (made by root, then given their owners and modes, deepest first). */
function makeTree(root: string, entries: Entry[], hardLinks: [string, string][] = []): string {
  for (const e of entries) {
    const path = join(root, e.path);
    if (e.link !== undefined) symlinkSync(e.link, path);
    else if (e.text !== undefined) writeFileSync(path, e.text);
    else mkdirSync(path, { recursive: true });
  }
  for (const [from, to] of hardLinks) linkSync(join(root, from), join(root, to));
  for (const e of [...entries].reverse()) {
    const path = join(root, e.path);
    if (e.link !== undefined) lchownSync(path, e.uid, e.gid);
    else {
      chownSync(path, e.uid, e.gid);
      chmodSync(path, e.mode);
    }
  }
  return root;
}

/** Roundcube's data: one owner, a GnuPG keyring of 0700 directories and 0600 files. */
const roundcube = (uid: number, gid: number): Entry[] => [
  { path: '', mode: 0o755, uid, gid },
  { path: 'html', mode: 0o755, uid, gid },
  { path: 'html/index.php', mode: 0o644, uid, gid, text: '<?php // webmail\n' },
  { path: 'html/config.inc.php', mode: 0o640, uid, gid, text: "<?php $config['des_key'] = 'k';\n" },
  { path: 'enigma', mode: 0o700, uid, gid },
  { path: 'enigma/pubring.kbx', mode: 0o600, uid, gid, text: 'keybox\n' },
  { path: 'enigma/private-keys-v1.d', mode: 0o700, uid, gid },
  { path: 'enigma/private-keys-v1.d/A1B2.key', mode: 0o600, uid, gid, text: 'secret key\n' },
  { path: 'current', mode: 0o777, uid, gid, link: 'html' },
];

/** Several owners: the webmail's, a mail store's (a setgid directory of group mail), root's. */
const severalOwners = (): Entry[] => [
  ...roundcube(OWNER.runAsUser, OWNER.runAsGroup),
  { path: 'mail', mode: 0o2770, uid: VMAIL.uid, gid: VMAIL.gid },
  { path: 'mail/alice', mode: 0o700, uid: VMAIL.uid, gid: VMAIL.uid },
  { path: 'mail/alice/1.M1.mx', mode: 0o600, uid: VMAIL.uid, gid: VMAIL.uid, text: 'Subject: hi\n\nhello\n' },
  { path: 'mail/bob', mode: 0o700, uid: VMAIL.uid, gid: VMAIL.uid },
  { path: 'settings', mode: 0o644, uid: 0, gid: 0, text: 'owned by root\n' },
];

/** Every entry under root: type, mode (setgid included), owner, group, links, mtime, content. */
function listing(root: string, dir = ''): string[] {
  const stats = lstatSync(join(root, dir));
  const kind = stats.isSymbolicLink()
    ? `-> ${readlinkSync(join(root, dir))}`
    : stats.isDirectory()
      ? 'dir'
      : 'file';
  const content = stats.isFile()
    ? createHash('md5')
        .update(readFileSync(join(root, dir)))
        .digest('hex')
    : '';
  const line = `${dir || '.'} ${kind} ${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid} n${stats.isDirectory() ? '' : stats.nlink} ${Math.floor(stats.mtimeMs / 1000)} ${content}`;
  if (!stats.isDirectory()) return [line];
  return [
    line,
    ...readdirSync(join(root, dir))
      .sort()
      .flatMap((name) => listing(root, join(dir, name))),
  ];
}

/** A scratch directory every uid can enter, holding `dirs` owned by uid:gid. */
function workspace(uid: number, gid: number, ...dirs: string[]) {
  const base = tempDir('identity');
  chmodSync(base, 0o755);
  return Object.fromEntries(
    dirs.map((name) => {
      mkdirSync(join(base, name));
      chownSync(join(base, name), uid, gid);
      return [name, join(base, name)];
    }),
  ) as Record<string, string>;
}

async function mailops(wrap: string[], args: string[]) {
  const run = await runTimed([...args, '--output', 'json'], { wrap });
  return { ...run, report: run.stdout ? (JSON.parse(run.stdout) as Report) : undefined };
}

/** A backup of src as `wrap`, as source "site". */
const backup = (wrap: string[], src: string, dest: string, ...extra: string[]) =>
  mailops(wrap, ['backup-rsync', '--source', `site=${src}`, '--dest', dest, ...extra]);

/** Backup of src as `wrap`, then its restore into a new directory as the same identity. */
async function roundTrip(wrap: string[], src: string, dirs: Record<string, string>) {
  const backedUp = await backup(wrap, src, dirs.backups!);
  if (backedUp.exitCode !== 0) return { backup: backedUp };
  const restored = join(dirs.restore!, 'site');
  const restore = await mailops(wrap, [
    'backup-rsync',
    'restore',
    '--dest',
    dirs.backups!,
    '--snapshot',
    week(),
    '--name',
    'site',
    '--to',
    restored,
  ]);
  return { backup: backedUp, restore, restored };
}

describe('backup-rsync as the identity the manifests give it, on files of other owners', () => {
  it('the checkout can be run by other uids (the lab runs mailops as them)', async () => {
    const run = await runTimed(['--version'], { wrap: asUser(UNRELATED, UNRELATED) });
    expect(run, `${process.execPath} and ${BIN} must be readable by every uid`).toMatchObject({
      exitCode: 0,
    });
  });

  it('as the owner (the default manifest): backed up and restored with owners, modes, times and contents', async () => {
    expect(OWNER).toMatchObject({ runAsUser: 33, runAsGroup: 33 });
    const dirs = workspace(OWNER.runAsUser, OWNER.runAsGroup, 'backups', 'restore');
    const src = makeTree(tempDir('roundcube'), roundcube(OWNER.runAsUser, OWNER.runAsGroup));
    const {
      backup: first,
      restore,
      restored,
    } = await roundTrip(asUser(OWNER.runAsUser, OWNER.runAsGroup), src, dirs);
    expect(first.report?.summary, first.stderr).toBe(`Backup SUCCESS: snapshot ${week()} of site`);
    expect(restore?.report?.status, restore?.stderr).toBe('pass');
    expect(listing(join(dirs.backups!, week(), 'site'))).toEqual(listing(src));
    expect(listing(restored!)).toEqual(listing(src));
  });

  it('as root with the four capabilities of components/backup-as-root: several owners kept by number, expired snapshots deleted', async () => {
    const dirs = workspace(0, 0, 'backups', 'restore');
    const src = makeTree(tempDir('several'), severalOwners(), [['mail/alice/1.M1.mx', 'mail/bob/1.M1.mx']]);
    const wrap = asRoot(CAPABILITIES);
    const { backup: first, restore, restored } = await roundTrip(wrap, src, dirs);
    expect(first.report?.summary, first.stderr).toBe(`Backup SUCCESS: snapshot ${week()} of site`);
    expect(restore?.report?.status, restore?.stderr).toBe('pass');
    expect(listing(restored!)).toEqual(listing(src));
    expect(listing(restored!)).toContainEqual(expect.stringMatching(/^mail dir 2770 5000:8 /));

    // Retention removes a snapshot of directories root neither owns nor may write without DAC_OVERRIDE.
    backdate(dirs.backups!, week(), '2001-01');
    const again = await backup(wrap, src, dirs.backups!, '--keep', '1');
    expect(again.report?.checks.find((c) => c.name === 'retention')?.summary, again.stderr).toBe(
      '1 snapshots kept, deleted 2001-01',
    );
    expect(readdirSync(dirs.backups!).sort()).toEqual([week()]);
  });

  it.each(['DAC_OVERRIDE', 'CHOWN', 'FOWNER', 'FSETID'])(
    'as root without %s the round trip breaks: every capability of the component is needed',
    async (dropped) => {
      expect(CAPABILITIES).toContain(dropped);
      const dirs = workspace(0, 0, 'backups', 'restore');
      const src = makeTree(tempDir('several'), severalOwners());
      const trip = await roundTrip(asRoot(CAPABILITIES.filter((c) => c !== dropped)), src, dirs);
      const outcome =
        trip.backup.exitCode !== 0
          ? `backup: ${trip.backup.report?.summary}`
          : trip.restore?.exitCode !== 0
            ? `restore: ${trip.restore?.report?.summary}`
            : listing(trip.restored!)
                .filter((line) => !listing(src).includes(line))
                .join('; ');
      // Without it: a failed backup, a failed restore, or a restored tree that differs.
      expect(outcome, dropped).not.toBe('');
      if (dropped === 'DAC_OVERRIDE')
        expect(outcome).toContain(`cannot read as uid 0: ${src}/enigma (uid 33, mode 0700)`);
      if (dropped === 'FSETID') expect(outcome).toMatch(/^mail dir 770 5000:8 /);
    },
  );

  it('as an unrelated uid: fails before promotion, naming the unreadable paths and the identity to run as', async () => {
    const dirs = workspace(UNRELATED, UNRELATED, 'backups');
    const src = makeTree(tempDir('roundcube'), roundcube(OWNER.runAsUser, OWNER.runAsGroup));
    const wrap = asUser(UNRELATED, UNRELATED);
    const one = await backup(wrap, src, dirs.backups!);
    expect(one.exitCode).toBe(1);
    expect(one.report?.summary).toBe(
      `Backup FAILED at rsync.site: rsync exit 23: cannot read as uid ${UNRELATED}: ${src}/enigma (uid 33, mode 0700), ` +
        `${src}/html/config.inc.php (uid 33, mode 0640); run it as their owner, uid 33 ` +
        `(a source of several owners: as root with CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_FOWNER, CAP_FSETID) (README: "Run it on Kubernetes")`,
    );
    expect(one.report?.checks.find((c) => c.name === 'rsync.site')?.details).toMatchObject({
      unreadable: [
        { path: `${src}/enigma`, uid: 33, mode: '0700' },
        { path: `${src}/html/config.inc.php`, uid: 33, mode: '0640' },
      ],
    });
    // Nothing promoted, nothing left behind.
    expect(readdirSync(dirs.backups!)).toEqual([]);

    const several = makeTree(tempDir('several'), severalOwners());
    const mixed = await backup(wrap, several, dirs.backups!);
    expect(mixed.report?.summary).toContain(
      `; run it as root with CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_FOWNER, CAP_FSETID, since uids 33, 5000 own them`,
    );
    expect(readdirSync(dirs.backups!)).toEqual([]);
  });
});
