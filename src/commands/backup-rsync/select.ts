import { isAbsolute, resolve } from 'node:path';
import { finishReport } from '../../checks/report.js';
import type { OptionValues } from '../../cli/command-spec.js';
import type { CheckResult, Report } from '../../checks/types.js';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';
import { listSnapshots, type Snapshot } from './store.js';

export function requiredPath(values: OptionValues, name: string, what: string): string {
  const value = values[name];
  if (typeof value !== 'string' || !value)
    throw new UsageError(`--${name}: expected ${what}, got ${describeValue(value)}`);
  return isAbsolute(value) ? value : resolve(value);
}

/** The complete snapshot named by --snapshot, or a usage error listing the ones there are. */
export async function completeSnapshot(values: OptionValues): Promise<Snapshot> {
  const dest = requiredPath(values, 'dest', 'the backup destination');
  const id = values.snapshot;
  const snapshots = (await listSnapshots(dest)).filter((s) => s.manifest);
  const found = snapshots.find((s) => s.id === id);
  if (!found) {
    const known = snapshots.map((s) => s.id).join(', ') || 'none';
    throw new UsageError(
      `--snapshot: expected a complete snapshot in ${dest} (${known}), got ${describeValue(id)}`,
    );
  }
  return found;
}

/** The report of list, verify or restore: they read snapshots, so they push only when asked to count (verify). */
export function snapshotReport(
  command: string,
  status: Report['status'],
  summary: string,
  startedAt: number,
  checks: CheckResult[],
  pushable: boolean,
): Report {
  return finishReport({
    command: `backup-rsync ${command}`,
    metricPrefix: `backup_${command}`,
    status,
    summary,
    startedAt,
    checks,
    ...(pushable ? {} : { pushable: false }),
  });
}
