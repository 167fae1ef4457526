import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The regular files under root, relative to it, in manifest order (code-unit order of the whole
 * path), one directory's entries in memory at a time. Siblings sort with a directory as
 * "name/": then "a.b" comes before "a/x" as the whole paths do. Synchronous reads: just
 * written, the directories are in the page cache, and nothing else runs meanwhile. A name that
 * is not UTF-8 comes back with U+FFFD in it and cannot be opened by that name: such paths go
 * to `unnamed` instead (lstat tells them from a real U+FFFD).
 */
export function* sortedFiles(root: string, unnamed: { count: number; first?: string }): Generator<string> {
  function* walk(prefix: string): Generator<string> {
    const entries = readdirSync(prefix ? join(root, prefix) : root, { withFileTypes: true })
      .map((entry) => ({ entry, key: entry.isDirectory() ? `${entry.name}/` : entry.name }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { entry } of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.name.includes('\uFFFD') && !exists(join(root, rel))) {
        unnamed.count++;
        unnamed.first ??= rel;
      } else if (entry.isFile()) yield rel;
      else if (entry.isDirectory()) yield* walk(rel);
    }
  }
  yield* walk('');
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
