import type { MetricFamily } from '../../checks/types.js';
import { FAMILIES as F, family, single } from '../../report/families.js';

export interface SourceFigures {
  name: string;
  checked: number;
  /** Undefined when the source could not be verified: no figure rather than a reassuring 0. */
  mismatches: number | undefined;
}

/**
 * verify's own families. Coverage and the last full cycle come from rolling runs only: a whole
 * verify of a chosen snapshot leaves them, in the Pushgateway, as the last rolling run pushed them.
 */
export function verifyFamilies(
  sources: readonly SourceFigures[],
  cycle?: { coverage: number | undefined; lastFullCycleAt: string | undefined },
): MetricFamily[] {
  const families = [
    family(
      F.backup_verify_checked_files,
      sources.map((s) => ({ labels: { source: s.name }, value: s.checked })),
    ),
    family(
      F.backup_verify_mismatches,
      sources.flatMap((s) =>
        s.mismatches === undefined ? [] : [{ labels: { source: s.name }, value: s.mismatches }],
      ),
    ),
  ];
  if (cycle?.coverage !== undefined)
    families.push(family(F.backup_verify_coverage_ratio, single(cycle.coverage)));
  if (cycle?.lastFullCycleAt !== undefined)
    families.push(
      family(
        F.backup_verify_last_full_cycle_timestamp_seconds,
        single(Math.round(Date.parse(cycle.lastFullCycleAt) / 1000)),
      ),
    );
  return families.filter((f) => f.samples.length > 0);
}
