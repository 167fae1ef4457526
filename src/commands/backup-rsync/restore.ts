import { lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { restoreOptions } from './spec.js';
import { describeRsync, runRsync } from '../../checks/rsync.js';
import type { Report } from '../../checks/types.js';
import { itemized } from './listing.js';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';
import { normalisedPath, subtreeIn } from './restore-path.js';
import { completeSnapshot, itemizedChanges, manifestCheck, snapshotReport } from './select.js';

/**
 * Restores one source of a snapshot, or with --path one directory or file of it. An empty target
 * is filled; a non-empty one gets a preview (what would change, what would be deleted) and is only
 * overwritten with --force. The restored tree is then checked against the manifest.
 */
export async function run(values: OptionValuesOf<typeof restoreOptions>, ctx: RunContext): Promise<Report> {
  const asked = values.path === undefined ? undefined : normalisedPath(values.path, values.name);
  const snapshot = await completeSnapshot(values);
  const name = values.name;
  const source = snapshot.manifest?.sources.find((s) => s.name === name);
  if (!source) {
    const known = snapshot.manifest?.sources.map((s) => s.name).join(', ') ?? '';
    throw new UsageError(
      `--name: expected a source of snapshot ${snapshot.id} (${known}), got ${describeValue(name)}`,
    );
  }
  const root = join(snapshot.dir, source.name);
  const subtree =
    asked === undefined
      ? undefined
      : await subtreeIn(root, asked, `source ${source.name} of snapshot ${snapshot.id}`);
  const to = resolve(values.to);
  const report = snapshotReport('restore', ctx);
  const what = subtree ? `${source.name}/${subtree.path}` : source.name;
  // A directory's contents go into --to (rsync's trailing slash), a single file into --to by its
  // name; rsync deletes only inside the directory it is given, so --delete never reaches past --to.
  const single = subtree?.kind === 'file';
  const from = single ? join(root, subtree.path) : `${subtree ? join(root, subtree.path) : root}/`;
  // What this restore may overwrite: for one file only that file, not its neighbours in --to.
  const target = single ? join(to, basename(subtree.path)) : to;
  const kind = await stat(to).then(
    (s) => (s.isDirectory() ? 'directory' : 'file'),
    () => 'none',
  );
  if (kind === 'file') throw new UsageError(`--to: expected a directory to restore into, got a file: ${to}`);
  await mkdir(to, { recursive: true });
  const empty = single
    ? await lstat(target).then(
        () => false,
        () => true,
      )
    : (await readdir(to)).length === 0;
  // -c: compare content, not size and mtime: a file changed within the same second at the same size
  // (a SQLite page rewrite) would otherwise be taken as already restored.
  const base = ['-aH', '-c', '--numeric-ids', '--delete', '--no-h'];

  let since = Date.now();
  const preview = await runRsync([...base, '-n', '--itemize-changes', from, `${to}/`], {
    signal: ctx.signal,
  });
  // What would be written or deleted; attribute-only lines (".d..t......") change nothing that matters.
  const changes = preview.stdout
    .split('\n')
    .filter((l) => /^(\*deleting|[<>ch][fdLDS])/.test(l))
    .map(itemized);
  const details = { ...itemizedChanges(to, changes), ...(subtree && { path: subtree.path }) };
  const { writes: changing, deletes: deleting } = details;
  report.check({
    name: 'preview',
    status: preview.code === 0 ? 'pass' : 'error',
    summary:
      preview.code === 0
        ? `${changing} paths to write, ${deleting} to delete in ${to}`
        : describeRsync(preview),
    since,
    details,
  });

  let status: Report['status'] = 'pass';
  let summary: string;
  if (!empty && !values.force) {
    status = 'fail';
    summary = `Restore REFUSED: ${target} ${single ? 'exists' : 'is not empty'} (${changing} to write, ${deleting} to delete); rerun with --force`;
  } else {
    since = Date.now();
    ctx.progress.begin('restore', `${from} -> ${to}`);
    const copy = await runRsync([...base, from, `${to}/`], { signal: ctx.signal });
    report.check({
      name: 'restore',
      status: copy.code === 0 ? 'pass' : 'fail',
      summary: copy.code === 0 ? `restored ${what} of ${snapshot.id} into ${to}` : describeRsync(copy),
      since,
    });
    since = Date.now();
    report.check({
      name: 'checksums',
      since,
      ...(await manifestCheck(join(snapshot.dir, source.checksums), to, subtree)),
    });
    status = report.status;
    summary =
      status === 'pass'
        ? `Restore SUCCESS: ${what} of ${snapshot.id} in ${to}, checked against the manifest`
        : `Restore ${status === 'fail' ? 'FAILED' : 'ERROR'} at ${report.failed?.name ?? 'restore'}: ${report.failed?.summary ?? ''}`;
  }
  return report.finish({ status, summary, pushable: false });
}
