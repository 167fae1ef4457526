import { createReadStream, lstatSync, readFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { readLines } from './line-file.js';
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

export async function hashFile(path: string, algorithm: Algorithm): Promise<string> {
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
export const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The directory of a relative path, '' for the top. */
export const dirOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/**
 * Paths of regular files under root, relative to it, in no order (no path.relative: 20k calls add up).
 * Directories are read in parallel: the thread pool overlaps the getdents calls with the
 * JavaScript around them. A name that is not UTF-8 comes back with U+FFFD in it and cannot be
 * opened by that name: such paths go to `unnamed` instead (lstat tells them from a real U+FFFD).
 */
export async function regularFiles(root: string, unnamed: string[] = []): Promise<string[]> {
  const files: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    const entries = await readdir(prefix ? join(root, prefix) : root, { withFileTypes: true });
    const below: Promise<void>[] = [];
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.name.includes('\uFFFD') && !(await lstat(join(root, rel)).catch(() => undefined)))
        unnamed.push(rel);
      else if (entry.isFile()) files.push(rel);
      else if (entry.isDirectory()) below.push(walk(rel));
    }
    await Promise.all(below);
  };
  await walk('');
  return files;
}

/** Digest of every regular file under root that has a UTF-8 name (a full walk: verify, restore). */
export async function checksumTree(root: string, algorithm: Algorithm): Promise<Checksums> {
  const sums: Checksums = new Map();
  for (const rel of (await regularFiles(root)).sort(byPath))
    sums.set(rel, await hashFile(`${root}/${rel}`, algorithm));
  return sums;
}

/** One line of a manifest: the path and its digest. */
export interface ManifestEntry {
  name: string;
  digest: string;
  /** The whole line, newline included, as it is written. */
  line: string;
}

/**
 * A manifest line read back: "<hex>  <path>", the digest 32 (md5) or 64 (sha256) characters,
 * or "\\<hex>  <escaped path>" for a path with a backslash, newline or carriage return;
 * undefined for a line that is neither (a hand-edited file).
 */
export function manifestEntry(line: string): ManifestEntry | undefined {
  const escaped = line[0] === '\\' ? 1 : 0;
  const at = (i: number) => line[escaped + i] === ' ' && line[escaped + i + 1] === ' ';
  const cut = at(32) ? 32 : at(64) ? 64 : 0;
  const end = line.endsWith('\n') ? line.length - 1 : line.length;
  const raw = line.slice(escaped + cut + 2, end);
  const name = escaped ? unescapeName(raw) : raw;
  if (!cut || !name) return undefined;
  return { name, digest: line.slice(escaped, escaped + cut), line: end === line.length ? `${line}\n` : line };
}

/** A path as md5sum escapes it, back; undefined for an escape md5sum does not write. */
const unescapeName = (escaped: string): string | undefined => {
  let bad = false;
  const name = escaped.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === 'r') return '\r';
    bad = true;
    return '';
  });
  return bad ? undefined : name;
};

/** A manifest's paths and digests (verify and restore compare a tree with it). */
export function readChecksums(file: string): Checksums {
  const sums: Checksums = new Map();
  for (const line of readLines(file)) {
    const entry = manifestEntry(line);
    if (entry) sums.set(entry.name, entry.digest);
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
