import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OptionValues, RunContext } from '../../cli/command-spec.js';
import { describeRsync, runRsync } from '../../checks/rsync.js';
import type { CheckResult, Report } from '../../checks/types.js';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';
import { algorithmOf, checksumTree, compareChecksums, readChecksums } from './manifest.js';
import { completeSnapshot, requiredPath, snapshotReport } from './select.js';

/**
 * Restores one source of a snapshot. An empty target is filled; a non-empty one
 * gets a preview (what would change, what would be deleted) and is only
 * overwritten with --force. The restored tree is then checked against the manifest.
 */
export async function run(values: OptionValues, ctx: RunContext): Promise<Report> {
  const snapshot = await completeSnapshot(values);
  const name = values.name;
  const source = snapshot.manifest?.sources.find((s) => s.name === name);
  if (!source) {
    const known = snapshot.manifest?.sources.map((s) => s.name).join(', ') ?? '';
    throw new UsageError(
      `--name: expected a source of snapshot ${snapshot.id} (${known}), got ${describeValue(name)}`,
    );
  }
  const to = requiredPath(values, 'to', 'the directory to restore into');
  const startedAt = Date.now();
  const checks: CheckResult[] = [];
  const from = `${join(snapshot.dir, source.name)}/`;
  const kind = await stat(to).then(
    (s) => (s.isDirectory() ? 'directory' : 'file'),
    () => 'none',
  );
  if (kind === 'file') throw new UsageError(`--to: expected a directory to restore into, got a file: ${to}`);
  await mkdir(to, { recursive: true });
  const empty = (await readdir(to)).length === 0;
  // -c: compare content, not size and mtime: a file changed within the same second at the same size
  // (a SQLite page rewrite) would otherwise be taken as already restored.
  const base = ['-aH', '-c', '--numeric-ids', '--delete', '--no-h'];

  let since = Date.now();
  const preview = await runRsync([...base, '-n', '--itemize-changes', from, `${to}/`], {
    signal: ctx.signal,
  });
  const lines = preview.stdout.split('\n').filter(Boolean);
  const deleting = lines.filter((l) => l.startsWith('*deleting')).length;
  const changing = lines.filter((l) => /^[<>ch][fdLDS]/.test(l)).length;
  checks.push({
    name: 'preview',
    status: preview.code === 0 ? 'pass' : 'error',
    summary: `${changing} paths to write, ${deleting} to delete in ${to}`,
    durationMs: Date.now() - since,
    details: { changes: lines.slice(0, 200) },
  });

  let status: Report['status'] = 'pass';
  let summary: string;
  if (!empty && values.force !== true) {
    status = 'fail';
    summary = `Restore REFUSED: ${to} is not empty (${changing} to write, ${deleting} to delete); rerun with --force`;
  } else {
    since = Date.now();
    ctx.progress.begin('restore', `${from} -> ${to}`);
    const copy = await runRsync([...base, from, `${to}/`], { signal: ctx.signal });
    checks.push({
      name: 'restore',
      status: copy.code === 0 ? 'pass' : 'fail',
      summary: copy.code === 0 ? `restored ${source.name} of ${snapshot.id} into ${to}` : describeRsync(copy),
      durationMs: Date.now() - since,
    });
    since = Date.now();
    const expected = await readChecksums(join(snapshot.dir, source.checksums));
    const { changed, missing, extra } = compareChecksums(
      expected,
      await checksumTree(to, algorithmOf(source.checksums)),
    );
    const bad = changed.length + missing.length + extra.length;
    checks.push({
      name: 'checksums',
      status: bad ? 'fail' : 'pass',
      summary: bad
        ? `${changed.length} changed, ${missing.length} missing, ${extra.length} unexpected`
        : `${expected.size} files match the manifest`,
      durationMs: Date.now() - since,
    });
    status = checks.some((c) => c.status !== 'pass') ? 'fail' : 'pass';
    summary =
      status === 'pass'
        ? `Restore SUCCESS: ${source.name} of ${snapshot.id} in ${to}, checked against the manifest`
        : 'Restore FAILED';
  }
  return snapshotReport('restore', status, summary, startedAt, checks, false);
}
