import { join } from 'node:path';
import { LineWriter } from './line-file.js';
import { manifestLine, UNKNOWN_DIGEST } from './listing.js';
import { hashFile, MANIFEST_ALGORITHM, manifestEntry } from './manifest.js';
import { sortLines } from './sort-lines.js';
import { sortedFiles } from './sorted-walk.js';
import { Cursor, Unsorted } from './manifest-cursor.js';

/** A --link-dest base's manifest file; undefined when it has none that can be used. */
export type Base = string | undefined;

export interface SnapshotManifest {
  files: number;
  hashed: number;
  /** Where the file list came from: rsync's listing and the base alone, or a walk of the snapshot. */
  from: 'listing' | 'walk';
  /** Paths in the snapshot but not in the manifest (their names are not UTF-8): how many, and one. */
  unnamed: { count: number; first?: string };
}

const pathKey = (line: string) => manifestEntry(line)?.name ?? '';

/**
 * The manifest of a new snapshot, in md5sum's format ("<hex>  <path>", sorted), written to
 * `output` as it is made: every list behind it is a sorted file read a line at a time, so the
 * memory it takes does not grow with the number of files. The files rsync wrote (its listing,
 * sorted into `work`) come with rsync's digests; those it linked from the base come with the
 * bases' lines. Whether any of the bases' files is gone, rsync's count of regular files says:
 * when the bases and the listing add up to it, they merged are the manifest. Otherwise (files
 * were deleted; a base without a usable manifest; a name not read back) the snapshot is walked
 * in manifest order and each file not listed takes the line the bases agree on. Only files
 * whose digest neither rsync nor the bases gave are hashed.
 */
export async function snapshotChecksums(
  root: string,
  listing: { runs: readonly string[]; escaped: boolean },
  bases: readonly Base[],
  rsync: { regularFiles: number; complete: boolean },
  work: string,
  output: string,
  signal: AbortSignal,
): Promise<SnapshotManifest> {
  const listed = join(work, 'listed');
  await sortLines(listing.runs, listed, pathKey, signal);
  let usable = [...bases];
  for (;;) {
    try {
      return await merged(root, listed, usable, listing.escaped, rsync, output);
    } catch (error) {
      if (!(error instanceof Unsorted)) throw error;
      const sorted = join(work, `base${usable.indexOf(error.base)}`);
      await sortLines([error.base], sorted, pathKey, signal);
      usable = usable.map((base) => (base === error.base ? sorted : base));
    }
  }
}

async function merged(
  root: string,
  listed: string,
  bases: readonly Base[],
  escaped: boolean,
  rsync: { regularFiles: number; complete: boolean },
  output: string,
): Promise<SnapshotManifest> {
  if (rsync.complete && !escaped && bases.every((base) => base)) {
    const made = await listingAndBases(root, listed, bases as string[], output);
    if (made.files === rsync.regularFiles) return { ...made, from: 'listing', unnamed: { count: 0 } };
  }
  return { ...(await walked(root, listed, bases, escaped, output)), from: 'walk' };
}

/** Hashes a file whose line nobody gave. */
const hashed = async (root: string, name: string) =>
  manifestLine(await hashFile(`${root}/${name}`, MANIFEST_ALGORITHM), name);

/**
 * The listed files and every file of the bases, merged in order: a listed file's own line (or a
 * hash), an unlisted one's line from the bases that hold it when they agree (or a hash).
 */
async function listingAndBases(
  root: string,
  listed: string,
  bases: readonly string[],
  output: string,
): Promise<{ files: number; hashed: number }> {
  const written = new Cursor(listed);
  const linked = bases.map((base) => new Cursor(base));
  const out = new LineWriter(output);
  let files = 0;
  let hashes = 0;
  try {
    for (;;) {
      let name = written.head?.name;
      for (const cursor of linked)
        if (cursor.head && (name === undefined || cursor.head.name < name)) name = cursor.head.name;
      if (name === undefined) break;
      const w = written.head?.name === name ? written.head : undefined;
      const line = w ? (w.digest === UNKNOWN_DIGEST ? undefined : w.line) : carried(name, linked);
      if (line) out.write(line);
      else {
        out.write(await hashed(root, name));
        hashes++;
      }
      if (w) written.next();
      for (const cursor of linked) if (cursor.head?.name === name) cursor.next();
      files++;
    }
  } finally {
    out.close();
  }
  return { files, hashed: hashes };
}

/** Every regular file of the snapshot, in order, with the listing's line, the bases' agreed line, or a hash. */
async function walked(
  root: string,
  listed: string,
  bases: readonly Base[],
  escaped: boolean,
  output: string,
): Promise<{ files: number; hashed: number; unnamed: SnapshotManifest['unnamed'] }> {
  const written = new Cursor(listed);
  const cursors: (Cursor | undefined)[] = [];
  for (const base of bases) cursors.push(base ? new Cursor(base) : undefined);
  const unnamed: SnapshotManifest['unnamed'] = { count: 0 };
  const out = new LineWriter(output);
  let files = 0;
  let hashes = 0;
  try {
    for (const name of sortedFiles(root, unnamed)) {
      files++;
      const w = written.at(name);
      // A file not listed was linked from a base, unless its name could not be read back from the listing.
      const line = w
        ? w.digest === UNKNOWN_DIGEST
          ? undefined
          : w.line
        : escaped
          ? undefined
          : carried(name, cursors);
      if (line) out.write(line);
      else {
        out.write(await hashed(root, name));
        hashes++;
      }
    }
  } finally {
    out.close();
  }
  return { files, hashed: hashes, unnamed };
}

/**
 * The line of a file rsync linked from a base, from what the bases' manifests agree on: rsync
 * links to the first base holding an identical file, so where two disagree, or one's manifest is
 * unknown, nobody knows which it took.
 */
function carried(name: string, cursors: readonly (Cursor | undefined)[]): string | undefined {
  let line: string | undefined;
  for (const cursor of cursors) {
    if (!cursor) return undefined;
    const found = cursor.at(name)?.line;
    if (found !== undefined && line !== undefined && found !== line) return undefined;
    line ??= found;
  }
  return line;
}
