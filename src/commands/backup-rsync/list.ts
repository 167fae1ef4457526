import { resolve } from 'node:path';
import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { listOptions } from './spec.js';
import type { Report } from '../../checks/types.js';
import { leftovers, listSnapshots } from './store.js';
import { snapshotReport } from './select.js';

/** Snapshots with date, size, new bytes and status; partial leftovers are listed as such. */
export async function run(values: OptionValuesOf<typeof listOptions>, ctx: RunContext): Promise<Report> {
  const dest = resolve(values.dest);
  const report = snapshotReport('list', ctx);
  const snapshots = await listSnapshots(dest);
  const { staging } = await leftovers(dest);
  for (const s of snapshots) {
    const sources = s.manifest?.sources ?? [];
    const size = sources.reduce((sum, r) => sum + r.stats.totalFileSize, 0);
    const added = sources.reduce((sum, r) => sum + r.stats.transferredFileSize, 0);
    report.check({
      name: s.id,
      status: s.manifest ? 'pass' : 'fail',
      summary: s.manifest
        ? `complete ${s.manifest.completedAt}: ${sources.map((r) => r.name).join(', ')}; ${size} bytes, ${added} new bytes`
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
  const complete = snapshots.filter((s) => s.manifest).length;
  return report.finish({
    status: 'pass',
    summary: `${complete} complete snapshots in ${dest}`,
    pushable: false,
  });
}
