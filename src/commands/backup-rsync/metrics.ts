import type { MetricFamily } from '../../checks/types.js';
import type { SourceRecord } from './store.js';

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
