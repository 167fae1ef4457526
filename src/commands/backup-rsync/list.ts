import type { OptionValues, RunContext } from '../../cli/command-spec.js';
import type { CheckResult, Report } from '../../checks/types.js';
import { leftovers, listSnapshots } from './store.js';
import { requiredPath, snapshotReport } from './select.js';

/** Snapshots with date, size, new bytes and status; partial leftovers are listed as such. */
export async function run(values: OptionValues, _ctx: RunContext): Promise<Report> {
  const dest = requiredPath(values, 'dest', 'the backup destination');
  const startedAt = Date.now();
  const snapshots = await listSnapshots(dest);
  const { staging } = await leftovers(dest);
  const checks: CheckResult[] = snapshots.map((s) => {
    const sources = s.manifest?.sources ?? [];
    const size = sources.reduce((sum, r) => sum + r.stats.totalFileSize, 0);
    const added = sources.reduce((sum, r) => sum + r.stats.transferredFileSize, 0);
    return {
      name: s.id,
      status: s.manifest ? 'pass' : 'fail',
      summary: s.manifest
        ? `complete ${s.manifest.completedAt}: ${sources.map((r) => r.name).join(', ')}; ${size} bytes, ${added} new bytes`
        : 'incomplete: no manifest (not a link base, not counted for retention)',
      durationMs: 0,
      details: { dir: s.dir, size, newBytes: added, completedAt: s.manifest?.completedAt ?? null },
    };
  });
  for (const dir of staging) {
    checks.push({
      name: dir,
      status: 'fail',
      summary: 'partial: a run in progress or one that died',
      durationMs: 0,
    });
  }
  const complete = snapshots.filter((s) => s.manifest).length;
  return snapshotReport(
    'list',
    'pass',
    `${complete} complete snapshots in ${dest}`,
    startedAt,
    checks,
    false,
  );
}
