import { createReadStream, lstatSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Checksums = Map<string, string>;

/**
 * md5: the digest rsync itself computes while it writes a file (--checksum-choice=md5 with
 * %C), so a backup hashes nothing it just transferred, and `md5sum -c` reads the manifest.
 * Older manifests are sha256; the file's extension says which.
 */
export type Algorithm = 'md5' | 'sha256';
export const MANIFEST_ALGORITHM: Algorithm = 'md5';
export const algorithmOf = (manifestPath: string): Algorithm =>
  manifestPath.endsWith('.sha256') ? 'sha256' : 'md5';

const SMALL = 8 * 1024 * 1024;

async function hashFile(path: string, algorithm: Algorithm): Promise<string> {
  // Loaded on first use: a backup where rsync reported every digest never needs it (9 ms).
  const { createHash } = await import('node:crypto');
  const hash = createHash(algorithm);
  const info = lstatSync(path);
  // Mail files are small and just written (in the page cache): a synchronous read is
  // several times faster than async I/O through the thread pool, and nothing else waits.
  if (info.size <= SMALL) return hash.update(readFileSync(path)).digest('hex');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Code-unit order of whole relative paths: one order for a manifest, whichever way its list was found. */
const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Paths of regular files under root, relative to it, sorted (no path.relative: 20k calls add up).
 * Directories are read in parallel: the thread pool overlaps the getdents calls with the
 * JavaScript around them.
 */
async function regularFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    const entries = await readdir(prefix ? join(root, prefix) : root, { withFileTypes: true });
    const below: Promise<void>[] = [];
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isFile()) files.push(rel);
      else if (entry.isDirectory()) below.push(walk(rel));
    }
    await Promise.all(below);
  };
  await walk('');
  return files.sort(byPath);
}

/** Digest of every regular file under root (a full walk: verify, restore). */
export async function checksumTree(root: string, algorithm: Algorithm): Promise<Checksums> {
  const sums: Checksums = new Map();
  for (const rel of await regularFiles(root)) sums.set(rel, await hashFile(`${root}/${rel}`, algorithm));
  return sums;
}

/**
 * rsync's line for every file (-ii lists unchanged ones too): change flags, its md5 of what it
 * wrote (blank when it wrote nothing or did not say), name. The new tree's file list and most
 * digests come from here, so nothing walks or hashes a 20,000-file snapshot again.
 */
export const RSYNC_OUT_FORMAT = ['--checksum-choice=md5', '-ii', '--out-format=%i %C %n'];

/** A regular file of the listing: its manifest line once its digest is known. */
interface ListedFile {
  name: string;
  line: string | undefined;
}

const LINKED = `hf${' '.repeat(9)} `;
const manifestLine = (digest: string, name: string) => `${digest}  ${name}\n`;

/**
 * The regular files of rsync's `%i %C %n` lines, taken one line at a time while rsync runs,
 * each with its manifest line when the digest is known: rsync's for a file it wrote, the
 * bases' for a file it linked ("hf" and no change: that base file's inode). So the work is
 * done while rsync runs, not after. A name rsync escaped (\\#ooo: a newline or, under
 * LC_ALL=C, any non-ASCII byte) cannot be mapped back to its file: it is left out and
 * `escaped` is set.
 */
export class Listing {
  readonly files: ListedFile[] = [];
  escaped = false;
  /** Settles once the bases' manifests are read and every linked file seen so far has its line. */
  readonly ready: Promise<void>;
  #bases: Checksums[] | undefined;
  #waiting: ListedFile[] = [];

  /** `bases`: the manifests of the --link-dest bases, each empty when unreadable (never rejects). */
  constructor(bases: Promise<Checksums[]>) {
    this.ready = bases.then((read) => this.#carryOver(read));
  }

  /** One line of rsync's stdout; true when it was an item of the listing (a file, directory, link). */
  take = (line: string): boolean => {
    // Fixed columns: 11 flag characters, a space, 32 digest characters, a space, the name.
    if (line[11] !== ' ' || line[44] !== ' ' || !'<>ch.*'.includes(line[0] ?? '')) return false;
    if (line[1] !== 'f') return true;
    const name = line.slice(45);
    if (name.includes('\\#')) {
      this.escaped = true;
      return true;
    }
    const digest = line.slice(12, 44).trim();
    const file: ListedFile = { name, line: digest ? manifestLine(digest, name) : undefined };
    this.files.push(file);
    if (!digest && line.startsWith(LINKED)) {
      if (this.#bases) file.line = carried(name, this.#bases);
      else this.#waiting.push(file);
    }
    return true;
  };

  #carryOver(bases: Checksums[]): void {
    this.#bases = bases;
    for (const file of this.#waiting) file.line = carried(file.name, bases);
    this.#waiting = [];
  }
}

/**
 * A linked file's manifest line, from what the bases' manifests agree on. rsync links a file to
 * the first base holding an identical one, so with two bases that disagree nobody knows which.
 */
function carried(name: string, bases: Checksums[]): string | undefined {
  let digest: string | undefined;
  for (const base of bases) {
    const sum = base.get(name);
    if (sum === undefined) continue;
    if (digest !== undefined && sum !== digest) return undefined;
    digest = sum;
  }
  return digest === undefined ? undefined : manifestLine(digest, name);
}

/**
 * The manifest of a new snapshot, in md5sum's format ("<hex>  <path>", sorted). When rsync's
 * listing is complete (`expectedFiles`, rsync's count of regular files, all listed, no name
 * escaped) it is the file list; otherwise (a file vanished, a name escaped) the tree is walked.
 * Only files whose digest neither rsync nor a base gave are hashed.
 */
export async function snapshotChecksums(
  root: string,
  listing: Listing,
  expectedFiles: number,
): Promise<{ text: string; files: number; hashed: number }> {
  await listing.ready;
  let files: ListedFile[];
  if (!listing.escaped && listing.files.length === expectedFiles) {
    // Mostly in order already (rsync lists in its sorted file-list order): a near-linear sort.
    files = listing.files.sort((a, b) => byPath(a.name, b.name));
  } else {
    const listed = new Map(listing.files.map((file) => [file.name, file.line]));
    files = (await regularFiles(root)).map((name) => ({ name, line: listed.get(name) }));
  }
  let hashed = 0;
  for (const file of files) {
    if (file.line) continue;
    file.line = manifestLine(await hashFile(`${root}/${file.name}`, MANIFEST_ALGORITHM), file.name);
    hashed++;
  }
  return { text: files.map((file) => file.line).join(''), files: files.length, hashed };
}

export async function readChecksums(file: string): Promise<Checksums> {
  const sums: Checksums = new Map();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    // "<hex>  <path>", the digest 32 (md5) or 64 (sha256) characters: no regular expression per line.
    const cut = line[32] === ' ' && line[33] === ' ' ? 32 : line[64] === ' ' && line[65] === ' ' ? 64 : 0;
    if (cut && line.length > cut + 2) sums.set(line.slice(cut + 2), line.slice(0, cut));
  }
  return sums;
}

/** Files whose content differs from the manifest, files missing, and files the manifest does not know. */
export function compareChecksums(
  expected: Checksums,
  actual: Checksums,
): { changed: string[]; missing: string[]; extra: string[] } {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, sum] of expected) {
    const got = actual.get(path);
    if (got === undefined) missing.push(path);
    else if (got !== sum) changed.push(path);
  }
  const extra = [...actual.keys()].filter((path) => !expected.has(path));
  return { changed, missing, extra };
}
