import type { MetricFamily } from '../../checks/types.js';
import { FAMILIES as F, family, type FamilyDef, single } from '../../report/families.js';
import type { SourceRecord } from './store.js';
import { changedRatio } from './churn.js';

const perSource = (def: FamilyDef<'source'>, records: SourceRecord[], value: (r: SourceRecord) => number) =>
  family(
    def,
    records.map((r) => ({ labels: { source: r.name }, value: value(r) })),
  );

/** The backup's own families (success, duration and last success come from the run level). */
export function backupFamilies(records: SourceRecord[], snapshotCount: number): MetricFamily[] {
  const withChurn = records.filter((r) => r.churn);
  const families: MetricFamily[] = [
    perSource(F.backup_transferred_bytes, records, (r) => r.stats.literalData),
    perSource(F.backup_transferred_files, records, (r) => r.stats.regularFilesTransferred),
    perSource(F.backup_new_bytes, records, (r) => r.stats.transferredFileSize),
    perSource(F.backup_source_bytes, records, (r) => r.stats.totalFileSize),
    perSource(F.backup_source_files, records, (r) => r.stats.files),
    perSource(F.backup_deleted_files, withChurn, (r) => r.churn!.deleted),
    perSource(F.backup_changed_files_ratio, withChurn, (r) => changedRatio(r.churn!)),
    family(F.backup_snapshots, single(snapshotCount)),
  ];
  return families.filter((f) => f.samples.length > 0);
}
