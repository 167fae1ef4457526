import { join, resolve } from 'node:path';
import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { verifyOptions } from './spec.js';
import { describeRsync, runRsync } from '../../checks/rsync.js';
import type { Report } from '../../checks/types.js';
import { UsageError } from '../../errors.js';
import { itemized } from './listing.js';
import { type Limit, rollingVerify } from './rolling-report.js';
import { completeSnapshot, itemizedChanges, manifestCheck, snapshotReport } from './select.js';
import { type SourceFigures, verifyFamilies } from './verify-metrics.js';

type Values = OptionValuesOf<typeof verifyOptions>;

/** Which verify the options ask for; bad combinations are the operator's to fix, before anything runs. */
function rollingLimit(values: Values): Limit | undefined {
  const { sample, budget } = values;
  if (sample !== undefined && budget !== undefined)
    throw new UsageError(`--budget: expected either --sample or --budget, got both`);
  if (sample !== undefined && sample > 100)
    throw new UsageError(`--sample: expected a percentage from 1 to 100, got ${sample}`);
  const limit = sample !== undefined ? { sample } : budget !== undefined ? { budgetMs: budget } : undefined;
  if (limit && values.snapshot !== undefined)
    throw new UsageError(
      `--snapshot: expected none with --${'sample' in limit ? 'sample' : 'budget'} (it reads the newest snapshot), got ${values.snapshot}`,
    );
  if (limit && values['against-source'])
    throw new UsageError(
      `--against-source: expected a whole-snapshot verify, got it with --${'sample' in limit ? 'sample' : 'budget'}`,
    );
  return limit;
}

/**
 * Re-hashes the files of a snapshot and compares them with the manifest written at backup time:
 * all of a chosen snapshot, or (--sample, --budget) the next slice of the newest one.
 */
export async function run(values: Values, ctx: RunContext): Promise<Report> {
  const limit = rollingLimit(values);
  if (limit) return rollingVerify(resolve(values.dest), limit, ctx);
  return wholeVerify(values, ctx);
}

async function wholeVerify(values: Values, ctx: RunContext): Promise<Report> {
  const snapshot = await completeSnapshot(values);
  const report = snapshotReport('verify', ctx);
  const figures: SourceFigures[] = [];
  for (const source of snapshot.manifest?.sources ?? []) {
    const since = Date.now();
    ctx.progress.begin(`verify.${source.name}`, 'hashing');
    const check = await manifestCheck(join(snapshot.dir, source.checksums), join(snapshot.dir, source.name));
    report.check({ name: `verify.${source.name}`, since, ...check });
    const found = 'details' in check ? check.details : undefined;
    figures.push({
      name: source.name,
      checked: found?.files ?? 0,
      mismatches: found && found.changed.length + found.missing.length + found.extra.length,
    });
    if (values['against-source']) {
      const started = Date.now();
      const diff = await runRsync(
        [
          '-nrc',
          '--delete',
          '--itemize-changes',
          '--no-h',
          `${source.path}/`,
          `${join(snapshot.dir, source.name)}/`,
        ],
        { signal: ctx.signal },
      );
      const changes = diff.stdout
        .split('\n')
        .filter((l) => /^(\*deleting|[<>ch.][fdLDS])/.test(l) && !/^\.d/.test(l))
        .map(itemized);
      report.check({
        name: `source.${source.name}`,
        status: diff.code === 0 ? 'pass' : 'error',
        summary:
          diff.code === 0
            ? `${changes.length} paths differ from the live source ${source.path}`
            : describeRsync(diff),
        since: started,
        details: itemizedChanges(source.path, changes),
      });
    }
  }
  // Differences from the live source are information: the snapshot is what it was.
  const verdicts = report.checks.filter((c) => c.name.startsWith('verify.')).map((c) => c.status);
  const status = verdicts.includes('fail') ? 'fail' : verdicts.includes('error') ? 'error' : 'pass';
  return report.finish({
    status,
    summary:
      status === 'pass'
        ? `Verify SUCCESS: snapshot ${snapshot.id} matches its manifest`
        : status === 'fail'
          ? `Verify FAILED: snapshot ${snapshot.id} differs from its manifest`
          : `Verify ERROR: snapshot ${snapshot.id} could not be verified`,
    metrics: verifyFamilies(figures),
  });
}
