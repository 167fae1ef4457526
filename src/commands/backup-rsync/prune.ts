import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { Report } from '../../checks/types.js';
import { UsageError } from '../../errors.js';
import { FAMILIES as F, family, single } from '../../report/families.js';
import { lockDestination } from './lock.js';
import { reasonText, retain, retentionDate, rulesText } from './retention.js';
import { dailyOverWeeks, retentionRules } from './retention-options.js';
import { snapshotReport } from './select.js';
import type { pruneOptions } from './spec.js';
import { discard, listSnapshots, recover, type Snapshot } from './store.js';

/**
 * Deletes the complete snapshots no retention rule keeps, holding the destination's lock as a
 * backup does, so it never deletes under a running backup. --dry-run only reads, as list does:
 * it neither waits for nor takes the lock.
 */
export async function run(values: OptionValuesOf<typeof pruneOptions>, ctx: RunContext): Promise<Report> {
  const dest = resolve(values.dest);
  const rules = retentionRules(values);
  const dryRun = values['dry-run'];
  const found = await stat(dest).then(
    (s) => (s.isDirectory() ? undefined : 'a file'),
    (error: NodeJS.ErrnoException) => error.code ?? 'unreadable',
  );
  if (found) throw new UsageError(`--dest: expected a backup destination directory, got ${dest} (${found})`);
  const report = snapshotReport('prune', ctx);
  const lease = dryRun ? undefined : await lockDestination(dest, values['lock-stale-after'], report);
  if (!dryRun && !lease)
    return report.finish({ summary: `Prune FAILED at ${report.failed?.name}: ${report.failed?.summary}` });

  let complete: Snapshot[] = [];
  let deleted: string[] = [];
  try {
    if (lease) report.warn(...(await recover(dest)));
    const snapshots = await listSnapshots(dest);
    complete = snapshots.filter((s) => s.manifest);
    report.warn(...dailyOverWeeks(complete, rules));
    // Without its marker a snapshot is not known to be whole, nor to be one of ours: never counted, never deleted.
    for (const s of snapshots.filter((s) => !s.manifest))
      report.warn(`${s.id}: incomplete (no manifest): not counted for retention, not deleted`);
    const since = Date.now();
    const { keep, remove } = retain(complete.map(retentionDate), rules);
    // Deleted before they are reported: a deletion that fails stops the run (exit 3) with nothing claimed.
    if (!dryRun)
      await discard(
        dest,
        complete.filter((s) => remove.includes(s.id)),
        `${Date.now().toString(36)}${process.pid.toString(36)}`,
      );
    deleted = remove;
    for (const s of complete) {
      const reasons = keep.get(s.id);
      report.check({
        name: s.id,
        status: 'pass',
        summary: reasons
          ? `kept: ${reasons.map(reasonText).join(', ')}`
          : dryRun
            ? 'would be deleted'
            : 'deleted',
        durationMs: 0,
      });
    }
    report.check({
      name: 'retention',
      status: 'pass',
      summary: `${keep.size} kept, ${remove.length} ${dryRun ? 'would be deleted' : 'deleted'} by ${rulesText(rules)}`,
      since,
      details: {
        kind: 'retention',
        kept: [...keep.keys()],
        deleted: remove,
        reasons: Object.fromEntries(keep),
        ...(dryRun ? { dryRun } : {}),
      },
    });
  } finally {
    await lease?.release();
  }

  const verb = dryRun ? 'would delete' : 'deleted';
  return report.finish({
    summary: `Prune ${dryRun ? 'DRY RUN' : 'SUCCESS'}: ${verb} ${deleted.length} of ${complete.length} complete snapshots in ${dest}`,
    ...(dryRun
      ? { pushable: false }
      : {
          metrics: [
            family(F.backup_prune_deleted_snapshots, single(deleted.length)),
            family(F.backup_prune_kept_snapshots, single(complete.length - deleted.length)),
          ],
        }),
  });
}
