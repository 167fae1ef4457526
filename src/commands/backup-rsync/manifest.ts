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

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Paths of regular files under root, relative to it, sorted per directory (no path.relative:
 * 20k calls add up). Directories are read in parallel: on a fresh 20,000-file snapshot the
 * thread pool overlaps the getdents calls with the JavaScript around them (76 -> 47 ms).
 */
async function regularFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = (await readdir(prefix ? join(root, prefix) : root, { withFileTypes: true })).sort(byName);
  const slots: (string | Promise<string[]>)[] = [];
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile()) slots.push(rel);
    else if (entry.isDirectory()) slots.push(regularFiles(root, rel));
  }
  const files: string[] = [];
  for (const slot of slots) {
    if (typeof slot === 'string') files.push(slot);
    else for (const file of await slot) files.push(file);
  }
  return files;
}

/** Digest of every regular file under root (a full walk: verify, restore). */
export async function checksumTree(root: string, algorithm: Algorithm): Promise<Checksums> {
  return hashAll(root, await regularFiles(root), algorithm);
}

async function hashAll(
  root: string,
  paths: string[],
  algorithm: Algorithm,
  sums: Checksums = new Map(),
): Promise<Checksums> {
  for (const rel of paths) sums.set(rel, await hashFile(`${root}/${rel}`, algorithm));
  return sums;
}

/** rsync's per-file lines: change flags, its md5 of what it wrote (blank when unknown), name. */
export const RSYNC_OUT_FORMAT = ['--checksum-choice=md5', '--out-format=%i %C %n'];

/**
 * Files rsync wrote or copied, from its `%i %C %n` lines (">f", "cf", "hf+++"), each
 * with rsync's digest when it printed one: everything else in the new tree is a
 * plain --link-dest link. `escaped` is set when rsync escaped a name (\\#ooo): the
 * list then cannot be trusted.
 */
export function changedFiles(itemized: string): { changed: Map<string, string>; escaped: boolean } {
  const changed = new Map<string, string>();
  let escaped = false;
  for (const raw of itemized.split('\n')) {
    // On a terminal --info=progress2 shares stdout, its updates ending in \r.
    const line = raw.slice(raw.lastIndexOf('\r') + 1);
    // Fixed columns: 11 flag characters, a space, 32 digest characters, a space, the name.
    if (line[1] !== 'f' || line[11] !== ' ' || line[44] !== ' ' || !'>ch.*'.includes(line[0] ?? '')) continue;
    const name = line.slice(45).replace(/ => .*$/, '');
    if (name.includes('\\#')) escaped = true;
    changed.set(name, line.slice(12, 44).trim());
  }
  return { changed, escaped };
}

/**
 * The manifest of a new snapshot, in md5sum's format ("<hex>  <path>", sorted).
 * A file rsync did not list is the base snapshot's inode, so its digest is
 * carried over; a file it wrote has rsync's digest; only the rest is hashed.
 * Without a usable listing or base manifest, every file is hashed.
 */
export async function snapshotChecksums(
  root: string,
  itemized: string,
  base: Checksums | undefined,
): Promise<{ text: string; files: number; hashed: number }> {
  const { changed, escaped } = changedFiles(itemized);
  const files = await regularFiles(root);
  // Arrays and one string, not a Map: on 20,000 files the Map alone was a third of this step.
  const digests: string[] = [];
  const toHash: number[] = [];
  for (const [i, rel] of files.entries()) {
    // Listed without a digest: rsync wrote it but did not say what, so it is hashed here.
    const listed = changed.get(rel);
    const known = escaped ? undefined : listed === undefined ? base?.get(rel) : listed;
    digests.push(known ?? '');
    if (!known) toHash.push(i);
  }
  for (const i of toHash) digests[i] = await hashFile(`${root}/${files[i]}`, MANIFEST_ALGORITHM);
  let text = '';
  for (const [i, rel] of files.entries()) text += `${digests[i]}  ${rel}\n`;
  return { text, files: files.length, hashed: toHash.length };
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
