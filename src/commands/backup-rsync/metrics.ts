import type { MetricFamily } from '../../checks/types.js';
import type { Snapshot, SourceRecord } from './store.js';

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

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** The IO stats block that ends the text report. */
export function ioStats(records: SourceRecord[], snapshots: Snapshot[], durationMs: number): string[] {
  if (records.length === 0) return [];
  const rows = records.map((r) => [
    r.name,
    String(r.stats.files),
    String(r.stats.regularFilesTransferred),
    bytes(r.stats.totalFileSize),
    bytes(r.stats.transferredFileSize),
    String(r.stats.deletedFiles),
  ]);
  const header = ['source', 'files', 'transferred', 'size', 'new on disk', 'deleted'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  const total = records.reduce((sum, r) => sum + r.stats.transferredFileSize, 0);
  const rate = durationMs > 0 ? bytes((total / durationMs) * 1000) : '0 B';
  return [
    'IO stats',
    line(header),
    ...rows.map(line),
    `  ${snapshots.length} complete snapshots (${snapshots[0]?.id ?? '-'} .. ${snapshots.at(-1)?.id ?? '-'}); wrote ${bytes(total)} in ${(durationMs / 1000).toFixed(1)}s (${rate}/s)`,
  ];
}
