import { readLines } from './line-file.js';
import { manifestEntry } from './manifest.js';

/** A manifest line as verify reads it: the path and its digest. */
export interface PathDigest {
  path: string;
  digest: string;
}

/** One md5sum (or sha256sum) line; undefined for a line that is neither, as a backup's reader skips it. */
export function parseManifestLine(line: string): PathDigest | undefined {
  const entry = manifestEntry(line);
  return entry && { path: entry.name, digest: entry.digest };
}

/**
 * The entries of a checksum manifest in file order, read a line at a time: a snapshot of two
 * million files has a manifest of about 150 MB, which a verify run must not hold.
 */
export function* manifestEntries(file: string): Generator<PathDigest> {
  for (const line of readLines(file)) {
    const entry = parseManifestLine(line);
    if (entry) yield entry;
  }
}
