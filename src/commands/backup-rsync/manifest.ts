import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

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

async function* regularFiles(root: string, dir = root): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* regularFiles(root, path);
    else if (entry.isFile()) yield path;
  }
}

/** sha256 of every regular file under root (a full walk: first runs, verify, restore). */
export async function checksumTree(root: string): Promise<Checksums> {
  const paths: string[] = [];
  for await (const path of regularFiles(root)) paths.push(relative(root, path));
  return hashAll(root, paths);
}

async function hashAll(root: string, paths: string[], sums: Checksums = new Map()): Promise<Checksums> {
  for (const rel of paths) sums.set(rel, await hashFile(join(root, rel)));
  return sums;
}

/**
 * The files of a snapshot from rsync's -ii listing, each marked when it is a
 * plain --link-dest link ("hf" with no changes). `escaped` is set when rsync
 * escaped a name (\#ooo), which the listing then cannot be trusted for.
 */
export function itemizedFiles(output: string): {
  files: { path: string; linked: boolean }[];
  escaped: boolean;
} {
  const files: { path: string; linked: boolean }[] = [];
  let escaped = false;
  for (const line of output.split('\n')) {
    const match = /^([>ch.*])f(.{9}) (.+)$/.exec(line);
    if (!match?.[3]) continue;
    if (match[3].includes('\\#')) escaped = true;
    const linked = match[1] === 'h' && match[2]?.trim() === '';
    files.push({ path: linked ? match[3] : match[3].replace(/ => .*$/, ''), linked });
  }
  return { files, escaped };
}

/**
 * Checksums of a new snapshot. A file rsync only linked to the base snapshot
 * is the base's inode, so its hash is carried over; the others are hashed.
 * Without a usable listing or base manifest, every file is hashed.
 */
export async function snapshotChecksums(
  root: string,
  itemized: string,
  base: Checksums | undefined,
): Promise<{ sums: Checksums; hashed: number }> {
  const { files, escaped } = itemizedFiles(itemized);
  if (!base || escaped || files.length === 0) {
    const sums = await checksumTree(root);
    return { sums, hashed: sums.size };
  }
  const sums: Checksums = new Map();
  const toHash: string[] = [];
  for (const { path, linked } of files) {
    const known = linked ? base.get(path) : undefined;
    if (known) sums.set(path, known);
    else toHash.push(path);
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
