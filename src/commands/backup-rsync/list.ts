import { resolve } from 'node:path';
import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { listOptions } from './spec.js';
import type { Report } from '../../checks/types.js';
import { leftovers, listSnapshots } from './store.js';
import { snapshotReport } from './select.js';
import { reasonText, retain, retentionDate, rulesText } from './retention.js';
import { dailyOverWeeks, retentionRules } from './retention-options.js';

/**
 * Snapshots with date, size, new bytes, status and the retention rules (as given to list,
 * --keep 8 without any) that keep each; partial leftovers are listed as such.
 */
export async function run(values: OptionValuesOf<typeof listOptions>, ctx: RunContext): Promise<Report> {
  const dest = resolve(values.dest);
  const rules = retentionRules(values);
  const report = snapshotReport('list', ctx);
  const snapshots = await listSnapshots(dest);
  const { staging } = await leftovers(dest);
  const complete = snapshots.filter((s) => s.manifest);
  const { keep } = retain(complete.map(retentionDate), rules);
  report.warn(...dailyOverWeeks(complete, rules));
  for (const s of snapshots) {
    const sources = s.manifest?.sources ?? [];
    const size = sources.reduce((sum, r) => sum + r.stats.totalFileSize, 0);
    const added = sources.reduce((sum, r) => sum + r.stats.transferredFileSize, 0);
    const keptBy = s.manifest ? (keep.get(s.id) ?? []) : undefined;
    const retention = keptBy?.length
      ? `kept by ${keptBy.map(reasonText).join(', ')}`
      : 'a prune would delete it';
    report.check({
      name: s.id,
      status: s.manifest ? 'pass' : 'fail',
      summary: s.manifest
        ? `complete ${s.manifest.completedAt}: ${sources.map((r) => r.name).join(', ')}; ${size} bytes, ${added} new bytes; ${retention}`
        : 'incomplete: no manifest (not a link base, not counted for retention)',
      durationMs: 0,
      details: {
        kind: 'snapshot-entry',
        dir: s.dir,
        complete: s.manifest !== undefined,
        completedAt: s.manifest?.completedAt ?? null,
        sources: sources.map((r) => r.name),
        sizeBytes: size,
        newBytes: added,
        ...(keptBy ? { keptBy } : {}),
      },
    });
  }
  for (const dir of staging)
    report.check({
      name: dir,
      status: 'fail',
      summary: 'partial: a run in progress or one that died',
      durationMs: 0,
    });
  return report.finish({
    status: 'pass',
    summary: `${complete.length} complete snapshots in ${dest}; ${keep.size} kept by ${rulesText(rules)}`,
    pushable: false,
  });
}
