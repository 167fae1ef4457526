import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Checksums = Map<string, string>;

const SMALL = 8 * 1024 * 1024;

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const info = lstatSync(path);
  // Mail files are small and just written (in the page cache): a synchronous read is
  // several times faster than async I/O through the thread pool, and nothing else waits.
  if (info.size <= SMALL) return hash.update(readFileSync(path)).digest('hex');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Paths of regular files under root, relative to it, sorted per directory (no path.relative: 20k calls add up). */
function regularFiles(root: string, prefix = ''): string[] {
  // Synchronous: a walk of a fresh snapshot is all this process does, and the thread pool only adds latency.
  const entries = readdirSync(prefix ? join(root, prefix) : root, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...regularFiles(root, rel));
    else if (entry.isFile()) files.push(rel);
  }
  return files;
}

/** sha256 of every regular file under root (a full walk: first runs, verify, restore). */
export async function checksumTree(root: string): Promise<Checksums> {
  return hashAll(root, regularFiles(root));
}

async function hashAll(root: string, paths: string[], sums: Checksums = new Map()): Promise<Checksums> {
  for (const rel of paths) sums.set(rel, await hashFile(`${root}/${rel}`));
  return sums;
}

/**
 * Files rsync wrote or copied, from its --itemize-changes lines (">f", "cf",
 * "hf+++"): everything else in the new tree is a plain --link-dest link.
 * `escaped` is set when rsync escaped a name (\\#ooo): the list then cannot be trusted.
 */
export function changedFiles(itemized: string): { changed: Set<string>; escaped: boolean } {
  const changed = new Set<string>();
  let escaped = false;
  for (const line of itemized.split('\n')) {
    const match = /^[>ch.*]f.{9} (.+)$/.exec(line);
    if (!match?.[1]) continue;
    if (match[1].includes('\\#')) escaped = true;
    changed.add(match[1].replace(/ => .*$/, ''));
  }
  return { changed, escaped };
}

/**
 * Checksums of a new snapshot. A file rsync did not itemize is the base
 * snapshot's inode, so its hash is carried over; the others are hashed.
 * Without a usable listing or base manifest, every file is hashed.
 */
export async function snapshotChecksums(
  root: string,
  itemized: string,
  base: Checksums | undefined,
): Promise<{ sums: Checksums; hashed: number }> {
  const { changed, escaped } = changedFiles(itemized);
  const sums: Checksums = new Map();
  const toHash: string[] = [];
  for (const rel of regularFiles(root)) {
    const known = base && !escaped && !changed.has(rel) ? base.get(rel) : undefined;
    if (known) sums.set(rel, known);
    else {
      sums.set(rel, '');
      toHash.push(rel);
    }
  }
  return { sums: await hashAll(root, toHash, sums), hashed: toHash.length };
}
/** sha256sum's format: "<hex>  <path>", one file a line, sorted. */
export function formatChecksums(sums: Checksums): string {
  return [...sums.entries()].map(([path, sum]) => `${sum}  ${path}\n`).join('');
}

export async function readChecksums(file: string): Promise<Checksums> {
  const sums: Checksums = new Map();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    // "<64 hex>  <path>": fixed columns, so no regular expression per line.
    if (line.length > 66 && line[64] === ' ' && line[65] === ' ') sums.set(line.slice(66), line.slice(0, 64));
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
