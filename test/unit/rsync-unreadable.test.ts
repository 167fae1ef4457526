import { describe, expect, it } from 'vitest';
import { unreadablePaths, unreadableSummary } from '../../src/commands/backup-rsync/unreadable.js';

// rsync 3.x's words for a source it may not read, and one for a destination it may not write.
const STDERR = [
  'rsync: [sender] change_dir "/data/a" failed: Permission denied (13)',
  'rsync: [sender] opendir "/data/roundcube/enigma" failed: Permission denied (13)',
  'rsync: [sender] send_files failed to open "/data/roundcube/./html/config.inc.php": Permission denied (13)',
  'rsync: [sender] opendir "/data/roundcube/enigma" failed: Permission denied (13)',
  'rsync: [generator] recv_generator: mkdir "/backups/.staging-1/x" failed: Permission denied (13)',
  'rsync: [sender] opendir "/data/gone" failed: No such file or directory (2)',
  'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1394) [sender=3.5.0]',
].join('\n');

describe('backup-rsync: what rsync could not read, and who could', () => {
  it("takes the sender's permission errors, once each, as plain paths; not the receiver's nor other errors", () => {
    expect(unreadablePaths(STDERR)).toEqual([
      '/data/a',
      '/data/roundcube/enigma',
      '/data/roundcube/html/config.inc.php',
    ]);
    expect(unreadablePaths('rsync: [receiver] mkstemp "/b/x" failed: Permission denied (13)')).toEqual([]);
  });

  const keyring = { path: '/d/enigma', uid: 33, mode: '0700' };
  it('names the owner to run as when there is one, else root with the capabilities', () => {
    expect(unreadableSummary(23, [keyring, { ...keyring, path: '/d/config' }], 10001)).toBe(
      'rsync exit 23: cannot read as uid 10001: /d/enigma (uid 33, mode 0700), /d/config (uid 33, mode 0700); ' +
        'run it as their owner, uid 33 (a source of several owners: as root with CAP_DAC_OVERRIDE, CAP_CHOWN, ' +
        'CAP_FOWNER, CAP_FSETID) (README: "Run it on Kubernetes")',
    );
    expect(unreadableSummary(23, [keyring, { path: '/d/mail', uid: 5000, mode: '2770' }], 10001)).toContain(
      '; run it as root with CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_FOWNER, CAP_FSETID, since uids 33, 5000 own them',
    );
    expect(unreadableSummary(23, [{ path: '/d/x' }], 10001)).toContain('/d/x; run it as root with');
    expect(unreadableSummary(23, [keyring], 0)).toContain('; run it as root with CAP_DAC_OVERRIDE');
  });

  it('names the first three and counts the rest', () => {
    const many = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ ...keyring, path: `/d/${name}` }));
    expect(unreadableSummary(23, many, 10001)).toContain('/d/c (uid 33, mode 0700) and 2 more;');
  });
});
