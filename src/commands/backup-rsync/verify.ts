import { join } from 'node:path';
import type { OptionValues, RunContext } from '../../cli/command-spec.js';
import { runRsync } from '../../checks/rsync.js';
import type { CheckResult, Report } from '../../checks/types.js';
import { algorithmOf, checksumTree, compareChecksums, readChecksums } from './manifest.js';
import { completeSnapshot, snapshotReport } from './select.js';

const sample = (paths: string[]) =>
  paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` (+${paths.length - 5})` : '');

/** Re-hashes every file of a snapshot and compares with the manifest written at backup time. */
export async function run(values: OptionValues, ctx: RunContext): Promise<Report> {
  const snapshot = await completeSnapshot(values);
  const startedAt = Date.now();
  const checks: CheckResult[] = [];
  for (const source of snapshot.manifest?.sources ?? []) {
    const since = Date.now();
    ctx.progress.begin(`verify.${source.name}`, 'hashing');
    const expected = await readChecksums(join(snapshot.dir, source.checksums));
    const sums = await checksumTree(join(snapshot.dir, source.name), algorithmOf(source.checksums));
    const { changed, missing, extra } = compareChecksums(expected, sums);
    const bad = changed.length + missing.length + extra.length;
    checks.push({
      name: `verify.${source.name}`,
      status: bad ? 'fail' : 'pass',
      summary: bad
        ? `${changed.length} changed, ${missing.length} missing, ${extra.length} unexpected: ${sample([...changed, ...missing, ...extra])}`
        : `${expected.size} files match the manifest`,
      durationMs: Date.now() - since,
      details: { changed, missing, extra },
    });
    if (values['against-source'] === true) {
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
      const lines = diff.stdout
        .split('\n')
        .filter((l) => /^(\*deleting|[<>ch.][fdLDS])/.test(l) && !/^\.d/.test(l));
      checks.push({
        name: `source.${source.name}`,
        status: diff.code === 0 ? 'pass' : 'error',
        summary:
          diff.code === 0
            ? `${lines.length} paths differ from the live source ${source.path}`
            : `rsync exit ${diff.code}`,
        durationMs: Date.now() - started,
        details: { differences: lines.slice(0, 100) },
      });
    }
  }
  const failed = checks.some((c) => c.status === 'fail' && c.name.startsWith('verify.'));
  return snapshotReport(
    'verify',
    failed ? 'fail' : 'pass',
    failed
      ? `Verify FAILED: snapshot ${snapshot.id} differs from its manifest`
      : `Verify SUCCESS: snapshot ${snapshot.id} matches its manifest`,
    startedAt,
    checks,
    true,
  );
}
