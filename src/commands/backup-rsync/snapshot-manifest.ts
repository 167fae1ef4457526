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

/**
 * The new manifest as its one base's text with the listed files put in: each replaces its path's
 * line or goes where its path sorts, and every other line stays as it stands (a run of 20,000
 * lines costs a few slices, not 20,000 steps). Right only if no base file is gone: the base's
 * paths plus the new ones must be rsync's count of regular files, or this is undefined.
 */
function splice(base: ManifestText, listed: ListedFile[], regularFiles: number): string | undefined {
  if (!base.sorted) return undefined;
  const edits = listed.map((file) => {
    const at = base.index.get(file.name);
    return at === undefined
      ? { at: sortsBefore(base.names, file.name), replaces: 0, line: file.line! }
      : { at, replaces: 1, line: file.line! };
  });
  const added = edits.reduce((sum, edit) => sum + 1 - edit.replaces, 0);
  if (base.names.length + added !== regularFiles) return undefined;
  const pieces: string[] = [];
  let from = 0;
  for (const edit of edits) {
    pieces.push(base.text.slice(base.starts[from], base.starts[edit.at]), edit.line);
    from = edit.at + edit.replaces;
  }
  pieces.push(base.text.slice(base.starts[from]));
  return pieces.join('');
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
 * The files rsync linked without listing them, with several bases (a re-run), when certain: each
 * is in a base, so they are the bases' files less those listed, provided rsync's count of regular
 * files says none is gone.
 */
function unlisted(listed: ListedFile[], bases: readonly ManifestText[], regularFiles: number) {
  const names = new Set(listed.map((file) => file.name));
  const files: ListedFile[] = [];
  for (const name of new Set(bases.flatMap((base) => base.names)))
    if (!names.has(name)) files.push(carried(name, bases));
  return listed.length + files.length === regularFiles ? files : undefined;
}

async function hashMissing(root: string, files: ListedFile[]): Promise<number> {
  let hashed = 0;
  for (const file of files) {
    if (file.line) continue;
    file.line = manifestLine(await hashFile(`${root}/${file.name}`, MANIFEST_ALGORITHM), file.name);
    hashed++;
  }
  return hashed;
}

/**
 * The manifest of a new snapshot, in md5sum's format ("<hex>  <path>", sorted): the files rsync
 * listed with its digests, and those it linked with their bases' lines. When these do not account
 * for exactly rsync's count of regular files (`complete` false: a file vanished; a base file
 * deleted or renamed since; a name not read back), the tree is walked for the file list instead.
 * Only files whose digest neither rsync nor the bases gave are hashed.
 */
export async function snapshotChecksums(
  root: string,
  listing: Listing,
  bases: readonly Base[],
  rsync: { regularFiles: number; complete: boolean },
): Promise<{ text: string; files: number; hashed: number; walked: boolean; unnamed: string[] }> {
  const listed = listing.files.sort(byName);
  let hashed = await hashMissing(root, listed);
  const certain = rsync.complete && !listing.escaped && bases.every((base) => base);
  if (certain && bases.length === 1) {
    const text = splice(bases[0]!, listed, rsync.regularFiles);
    if (text !== undefined) return { text, files: rsync.regularFiles, hashed, walked: false, unnamed: [] };
  }
  const linked = certain ? unlisted(listed, bases as ManifestText[], rsync.regularFiles) : undefined;
  const unnamed: string[] = [];
  let files: ListedFile[];
  if (linked) {
    files = [...linked, ...listed].sort(byName);
  } else {
    const byNameListed = new Map(listed.map((file) => [file.name, file]));
    // A file not listed was linked from a base, unless it is one whose name could not be read back.
    const other = listing.escaped
      ? (name: string) => ({ name, line: undefined })
      : (name: string) => carried(name, bases);
    files = (await regularFiles(root, unnamed)).map((name) => byNameListed.get(name) ?? other(name));
  }
  hashed += await hashMissing(root, files);
  return {
    text: files.map((file) => file.line).join(''),
    files: files.length,
    hashed,
    walked: !linked,
    unnamed,
  };
}
