import { posix } from 'node:path';
import { readLines } from './line-file.js';
import { type Checksums, manifestEntry } from './manifest.js';
import type { Subtree } from './restore-path.js';

/**
 * The manifest's digests of the files under a subtree, named as they sit in its restored copy: a
 * directory's relative to it, a single file by its own name. Read one line at a time, since a
 * manifest can hold millions of lines and only a mailbox's worth of them is wanted. The whole file
 * is read: a hand-edited manifest may be out of order, so the end of a run of matches is not the
 * end of the matches. Malformed lines are skipped, as readChecksums skips them.
 */
export function checksumsUnder(manifest: string, subtree: Subtree): Checksums {
  const { path, kind } = subtree;
  const prefix = kind === 'directory' ? `${path}/` : path;
  const sums: Checksums = new Map();
  for (const line of readLines(manifest)) {
    // Nearly every line is someone else's: an unescaped one is rejected before it is parsed.
    if (line[0] !== '\\' && !line.includes(`  ${prefix}`)) continue;
    const entry = manifestEntry(line);
    if (!entry?.name.startsWith(prefix)) continue;
    if (kind === 'file') {
      if (entry.name === path) sums.set(posix.basename(path), entry.digest);
    } else if (entry.name.length > prefix.length) sums.set(entry.name.slice(prefix.length), entry.digest);
  }
  return sums;
}
