import type { MetricFamily } from '../../checks/types.js';
import { gaugeFamily } from '../../output/metrics.js';

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
    gaugeFamily(
      'backup_verify_files_checked',
      'Files of the snapshot the last verify run re-read and compared with its manifest.',
      sources.map((s) => ({ labels: { source: s.name }, value: s.checked })),
    ),
    gaugeFamily(
      'backup_verify_mismatches',
      'Files differing from the manifest, missing or unreadable: found by the last verify run, or by an earlier one and not found right since.',
      sources.flatMap((s) =>
        s.mismatches === undefined ? [] : [{ labels: { source: s.name }, value: s.mismatches }],
      ),
    ),
  ];
  if (cycle?.coverage !== undefined)
    families.push(
      gaugeFamily(
        'backup_verify_coverage_ratio',
        "Share of the newest snapshot's files the current rolling-verification cycle has re-read (1: the run ended a cycle).",
        [{ labels: {}, value: cycle.coverage }],
      ),
    );
  if (cycle?.lastFullCycleAt !== undefined)
    families.push(
      gaugeFamily(
        'backup_verify_last_full_cycle_timestamp_seconds',
        'Unix time the last rolling-verification cycle ended, every file of the newest snapshot re-read.',
        [{ labels: {}, value: Math.round(Date.parse(cycle.lastFullCycleAt) / 1000) }],
      ),
    );
  return families.filter((family) => family.samples.length > 0);
}
