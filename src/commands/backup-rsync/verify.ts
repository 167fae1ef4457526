import { join } from 'node:path';
import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { verifyOptions } from './spec.js';
import { describeRsync, runRsync } from '../../checks/rsync.js';
import type { Report } from '../../checks/types.js';
import { itemized } from './listing.js';
import { completeSnapshot, itemizedChanges, manifestCheck, snapshotReport } from './select.js';

/** Re-hashes every file of a snapshot and compares with the manifest written at backup time. */
export async function run(values: OptionValuesOf<typeof verifyOptions>, ctx: RunContext): Promise<Report> {
  const snapshot = await completeSnapshot(values);
  const report = snapshotReport('verify', ctx);
  for (const source of snapshot.manifest?.sources ?? []) {
    const since = Date.now();
    ctx.progress.begin(`verify.${source.name}`, 'hashing');
    report.check({
      name: `verify.${source.name}`,
      since,
      ...(await manifestCheck(join(snapshot.dir, source.checksums), join(snapshot.dir, source.name))),
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
  });
}
