import { describe, expect, it } from 'vitest';
import { ROOT_CAPABILITIES } from '../../src/commands/backup-rsync/unreadable.js';
import { DEPLOY, kustomize, named, podOf, withComponent, type KubeObject } from '../helpers/kustomize.js';
import { tempDir } from '../helpers/scratch.js';

const BACKUP = 'mailops-backup-rsync';
const RESTORE = 'mailops-backup-rsync-restore';

/** Capabilities the "baseline" Pod Security Standard lets a container add (kubernetes.io, Pod Security Standards). */
const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

/** Who a CronJob's pod runs as: its pod and container security contexts. */
function identity(objects: KubeObject[], name: string) {
  const pod = podOf(named(objects, 'CronJob', name))!;
  return { pod: pod.securityContext, container: pod.containers[0]!.securityContext };
}

const mounts = (objects: KubeObject[], name: string) => {
  const pod = podOf(named(objects, 'CronJob', name))!;
  return {
    mounts: pod.containers[0]!.volumeMounts,
    claims: pod.volumes!.filter((v) => 'persistentVolumeClaim' in v),
  };
};

describe('who the backup and its restore run as', () => {
  const owner = kustomize(DEPLOY);

  it('by default the owner of the files, www-data (33:33), with no fsGroup and no capability: "restricted"', () => {
    expect(identity(owner, BACKUP)).toEqual({
      pod: { runAsNonRoot: true, runAsUser: 33, runAsGroup: 33, seccompProfile: { type: 'RuntimeDefault' } },
      container: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    });
    expect(identity(owner, RESTORE)).toEqual(identity(owner, BACKUP));
    // The other jobs keep the image's own unprivileged user.
    for (const name of ['mailops-probe-roundtrip', 'mailops-spf-check'])
      expect(identity(owner, name).pod).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
  });

  it('with components/backup-as-root: root with exactly the capabilities mailops names, within "baseline", for both', () => {
    const root = withComponent(tempDir('identity'), 'backup-as-root');
    expect(identity(root, BACKUP)).toEqual({
      pod: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
      container: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { add: ROOT_CAPABILITIES.map((c) => c.replace(/^CAP_/, '')), drop: ['ALL'] },
      },
    });
    expect(identity(root, RESTORE)).toEqual(identity(root, BACKUP));
    const added = (identity(root, BACKUP).container as { capabilities: { add: string[] } }).capabilities.add;
    expect(added.filter((c) => !BASELINE_CAPABILITIES.includes(c))).toEqual([]);
    // Nothing else changes.
    const others = (objects: KubeObject[]) =>
      objects.filter((o) => ![BACKUP, RESTORE].includes(o.metadata.name));
    expect(others(root)).toEqual(others(owner));
  });

  it('the backup reads the data and writes the snapshots; the restore the other way round; the restore never runs by itself', () => {
    expect(mounts(owner, BACKUP)).toEqual({
      mounts: [
        { name: 'config', mountPath: '/etc/mailops', readOnly: true },
        { name: 'source', mountPath: '/data/roundcube', readOnly: true },
        { name: 'backups', mountPath: '/backups' },
      ],
      claims: [
        { name: 'source', persistentVolumeClaim: { claimName: 'roundcube-data', readOnly: true } },
        { name: 'backups', persistentVolumeClaim: { claimName: 'mailops-backups' } },
      ],
    });
    expect(mounts(owner, RESTORE)).toEqual({
      mounts: [
        { name: 'config', mountPath: '/etc/mailops', readOnly: true },
        { name: 'source', mountPath: '/data/roundcube' },
        { name: 'backups', mountPath: '/backups', readOnly: true },
      ],
      claims: [
        { name: 'source', persistentVolumeClaim: { claimName: 'roundcube-data' } },
        { name: 'backups', persistentVolumeClaim: { claimName: 'mailops-backups', readOnly: true } },
      ],
    });
    expect(named(owner, 'CronJob', RESTORE).spec).toMatchObject({ suspend: true });
  });
});
