import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export type Checksums = Map<string, string>;

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
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

/**
 * sha256 of every regular file under root. A file that is the same inode as
 * the one at the same path in `previous` (a --link-dest hard link) has the
 * same content, so its hash is reused: hashing costs about the delta.
 */
export async function checksumTree(
  root: string,
  previous?: { root: string; sums: Checksums },
): Promise<{ sums: Checksums; hashed: number; reused: number }> {
  const sums: Checksums = new Map();
  let hashed = 0;
  let reused = 0;
  for await (const path of regularFiles(root)) {
    const rel = relative(root, path);
    const known = previous?.sums.get(rel);
    if (known && previous) {
      const [now, before] = await Promise.all([
        lstat(path),
        lstat(join(previous.root, rel)).catch(() => undefined),
      ]);
      if (before && before.ino === now.ino && before.dev === now.dev) {
        sums.set(rel, known);
        reused++;
        continue;
      }
    }
    sums.set(rel, await hashFile(path));
    hashed++;
  }
  return { sums, hashed, reused };
}

/** sha256sum's format: "<hex>  <path>", one file a line, sorted. */
export function formatChecksums(sums: Checksums): string {
  return [...sums.entries()].map(([path, sum]) => `${sum}  ${path}\n`).join('');
}

export async function readChecksums(file: string): Promise<Checksums> {
  const sums: Checksums = new Map();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match?.[1] && match[2]) sums.set(match[2], match[1]);
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
