import { GoneFiles } from './gone-files.js';
import { type ListedFile, type Listing, manifestLine } from './listing.js';
import { byPath, hashFile, MANIFEST_ALGORITHM, type ManifestText, regularFiles } from './manifest.js';

/** A --link-dest base's manifest; undefined when it has none that can be used. */
export type Base = ManifestText | undefined;

const byName = (a: ListedFile, b: ListedFile) => byPath(a.name, b.name);

/**
 * The manifest line of a file rsync linked from a base, from what the bases' manifests agree on:
 * rsync links to the first base holding an identical file, so where two disagree, or one's
 * manifest is unknown, nobody knows which it took.
 */
function carried(name: string, bases: readonly Base[]): ListedFile {
  let line: string | undefined;
  for (const base of bases) {
    const i = base?.index.get(name);
    const found = i === undefined ? undefined : base!.line(i);
    if (!base || (found !== undefined && line !== undefined && found !== line))
      return { name, line: undefined };
    line ??= found;
  }
  return { name, line };
}

/** Index of the first of the sorted names that sorts after name. */
function sortsBefore(names: readonly string[], name: string): number {
  let [low, high] = [0, names.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (names[mid]! < name) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A sorted base's text with the listed files (sorted, lines known) put in, each replacing its
 * path's line or going where its path sorts, and the `gone` lines (indexes) taken out. Every other
 * line stays as it stands: a run of 20,000 lines costs one slice, not 20,000 steps.
 */
function splice(base: ManifestText, listed: ListedFile[], gone: number[]): string {
  const edits = listed.map((file) => {
    const at = base.index.get(file.name);
    return at === undefined
      ? { at: sortsBefore(base.names, file.name), replaces: 0, line: file.line! }
      : { at, replaces: 1, line: file.line! };
  });
  // At one place an insertion comes before the line there is replaced or taken out.
  if (gone.length) {
    edits.push(...gone.map((at) => ({ at, replaces: 1, line: '' })));
    edits.sort((a, b) => a.at - b.at || a.replaces - b.replaces);
  }
  const pieces: string[] = [];
  let from = 0;
  for (const edit of edits) {
    pieces.push(base.text.slice(base.starts[from], base.starts[edit.at]), edit.line);
    from = edit.at + edit.replaces;
  }
  pieces.push(base.text.slice(base.starts[from]));
  return pieces.join('');
}

/** How many of the listed files are new to the base. */
const added = (base: ManifestText, listed: ListedFile[]) =>
  listed.reduce((sum, file) => sum + (base.index.has(file.name) ? 0 : 1), 0);

async function hashMissing(root: string, files: ListedFile[]): Promise<number> {
  let hashed = 0;
  for (const file of files) {
    if (file.line) continue;
    file.line = manifestLine(await hashFile(`${root}/${file.name}`, MANIFEST_ALGORITHM), file.name);
    hashed++;
  }
  return hashed;
}

export interface SnapshotManifest {
  text: string;
  files: number;
  hashed: number;
  /**
   * Where the file list came from: rsync's listing and the bases alone, those and a read of the
   * base's directories, or a walk of the snapshot.
   */
  from: 'listing' | 'directories' | 'walk';
  /** Paths that are in the snapshot but not in the manifest: their names are not UTF-8. */
  unnamed: string[];
}

/**
 * The manifest of a new snapshot, in md5sum's format ("<hex>  <path>", sorted): the files rsync
 * listed with its digests, and those it linked unlisted with their base's lines. Those are the
 * base's files less any that are gone: rsync's count of regular files says whether any is, a
 * read of the base's directories says which, and the count confirms it. With two bases (a
 * re-run), an unusable one, a vanished file or a name not read back, the snapshot is walked and
 * each unlisted file takes what the bases agree on. Only files whose digest neither rsync nor the
 * bases gave are hashed.
 */
export async function snapshotChecksums(
  root: string,
  listing: Pick<Listing, 'files' | 'escaped'>,
  bases: readonly Base[],
  rsync: { regularFiles: number; complete: boolean },
  goneFiles = new GoneFiles(root, Promise.resolve(undefined)),
): Promise<SnapshotManifest> {
  const listed = listing.files.sort(byName);
  let hashed = await hashMissing(root, listed);
  const certain = rsync.complete && !listing.escaped && bases.every((base) => base);
  const [only] = bases;
  if (certain && bases.length === 1 && only?.sorted) {
    const files = only.names.length + added(only, listed);
    if (files === rsync.regularFiles)
      return { text: splice(only, listed, []), files, hashed, from: 'listing', unnamed: [] };
    const written = listed.map((file) => file.name);
    for (const find of [() => goneFiles.unseen(only, written), () => goneFiles.confirmed()]) {
      const gone = await find();
      if (files - gone.length === rsync.regularFiles) {
        const text = splice(only, listed, gone);
        return { text, files: files - gone.length, hashed, from: 'directories', unnamed: [] };
      }
    }
  }
  const byNameListed = new Map(listed.map((file) => [file.name, file]));
  const linked = certain
    ? [...new Set(bases.flatMap((base) => base!.names))].filter((n) => !byNameListed.has(n))
    : [];
  let files: ListedFile[];
  const unnamed: string[] = [];
  const walk = !certain || listed.length + linked.length !== rsync.regularFiles;
  if (!walk) {
    files = [...listed, ...linked.map((name) => carried(name, bases))];
  } else {
    // A file not listed was linked from a base, unless it is one whose name could not be read back.
    const other = listing.escaped
      ? (name: string) => ({ name, line: undefined })
      : (name: string) => carried(name, bases);
    files = (await regularFiles(root, unnamed)).map((name) => byNameListed.get(name) ?? other(name));
  }
  files.sort(byName);
  hashed += await hashMissing(root, files);
  const from = walk ? 'walk' : 'listing';
  return { text: files.map((file) => file.line).join(''), files: files.length, hashed, from, unnamed };
}
