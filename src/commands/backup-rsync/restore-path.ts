import { realpath, stat } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';

/** What `restore --path` names inside a source: a directory, whose contents are restored, or one file. */
export interface Subtree {
  /** Relative to the source's root with no link in it: the manifest names files this way. */
  path: string;
  kind: 'directory' | 'file';
}

const usage = (value: string, expected: string, why = '') =>
  new UsageError(`--path: expected ${expected}, got ${describeValue(value)}${why && ` (${why})`}`);

/**
 * --path checked before the snapshot is read: relative, no "..", one spelling ("a//b/./c/" is
 * "a/b/c"), so that the prefix matched against the manifest's lines is the path the operator meant.
 */
export function normalisedPath(value: string, source: string): string {
  if (value.startsWith('/'))
    throw usage(value, `a path relative to the root of source ${source} (e.g. users/alice/Maildir)`);
  if (value.split('/').includes('..')) throw usage(value, 'a path without ".." segments');
  const path = posix.normalize(value).replace(/\/+$/, '');
  if (path === '.' || path === '')
    throw usage(
      value,
      `a path below the root of source ${source} (without --path the whole source is restored)`,
    );
  return path;
}

/**
 * The directory or file --path names in a snapshot's source. A link on the way is followed only
 * while it stays inside the source: a restore must never copy from elsewhere on the backup host
 * (a snapshot holds whatever links the live tree had). The path is then spelled as the target's
 * real path, the one rsync reads and the manifest lists.
 */
export async function subtreeIn(root: string, path: string, where: string): Promise<Subtree> {
  let real: string;
  try {
    real = await realpath(join(root, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    throw usage(path, `a directory or file in ${where}`, missing ? 'no such path' : code);
  }
  const inside = relative(await realpath(root), real);
  if (inside === '..' || inside.startsWith('../'))
    throw usage(path, `a path inside ${where}`, `a link leads to ${real}`);
  if (inside === '')
    throw usage(path, `a path below the root of ${where}`, 'a link leads to the root itself');
  const info = await stat(real);
  if (info.isDirectory()) return { path: inside, kind: 'directory' };
  if (info.isFile()) return { path: inside, kind: 'file' };
  throw usage(path, `a directory or a regular file in ${where}`, 'a special file');
}
