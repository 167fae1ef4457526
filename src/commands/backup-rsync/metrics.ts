import type { MetricFamily } from '../../checks/types.js';
import type { SourceRecord } from './store.js';
import { changedRatio } from './churn.js';

const perSource = (
  name: string,
  help: string,
  records: SourceRecord[],
  value: (r: SourceRecord) => number,
): MetricFamily => ({
  name: `backup_${name}`,
  help,
  type: 'gauge',
  policy: 'every-run',
  samples: records.map((r) => ({ labels: { source: r.name }, value: value(r) })),
});

/** The backup's own families (success, duration and last success come from the run level). */
export function backupFamilies(records: SourceRecord[], snapshotCount: number): MetricFamily[] {
  const withChurn = records.filter((r) => r.churn);
  const families: MetricFamily[] = [
    perSource(
      'bytes_transferred',
      'Bytes rsync sent as literal data in the last run.',
      records,
      (r) => r.stats.literalData,
    ),
    perSource(
      'files_transferred',
      'Regular files rsync transferred in the last run.',
      records,
      (r) => r.stats.regularFilesTransferred,
    ),
    perSource(
      'new_bytes',
      'Bytes the new snapshot added on disk: transferred files are new inodes, the rest are hard links.',
      records,
      (r) => r.stats.transferredFileSize,
    ),
    perSource('source_bytes', 'Total size of the source tree.', records, (r) => r.stats.totalFileSize),
    perSource('source_files', 'Files (all kinds) in the source tree.', records, (r) => r.stats.files),
    perSource(
      'files_deleted',
      "Files of the source's base snapshot that are gone from the new one.",
      withChurn,
      (r) => r.churn!.deleted,
    ),
    perSource(
      'files_changed_ratio',
      "Files of the base snapshot gone or rewritten in the new one, as a share of the base's files.",
      withChurn,
      (r) => changedRatio(r.churn!),
    ),
    {
      name: 'backup_snapshot_count',
      help: 'Complete snapshots on the destination after the run.',
      type: 'gauge',
      policy: 'every-run',
      samples: [{ labels: {}, value: snapshotCount }],
    },
  ];
  return families.filter((family) => family.samples.length > 0);
}
