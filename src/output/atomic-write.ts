import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IncompleteError } from '../errors.js';

/** A temp file beside `path` (same filesystem, so renaming it over `path` is atomic), hidden, this process's. */
export const tempPathFor = (path: string) =>
  join(dirname(path), `.${basename(path)}.mailops-${process.pid}.tmp`);

/** What a replacement keeps of the file it replaces. */
export interface FileOwnership {
  mode: number;
  uid: number;
  gid: number;
}

/** Mode, owner and group of `path`, or undefined when it does not exist yet. */
export async function ownershipOf(path: string): Promise<FileOwnership | undefined> {
  try {
    const info = await stat(path);
    return { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes `content` to `path` with `ownership` (a haproxy.cfg of 0640 root:haproxy holding
 * stats passwords stays so), synced to disk. The file is created readable by its owner only
 * and opened up to the kept mode after the chown, so nobody else can read it in between.
 * Without ownership it is created as any new file (0666 less the umask).
 */
export async function writeWithOwnership(
  path: string,
  content: string,
  ownership: FileOwnership | undefined,
): Promise<void> {
  const handle = await open(path, 'w', ownership ? 0o600 : 0o666);
  try {
    if (ownership) {
      try {
        await handle.chown(ownership.uid, ownership.gid);
      } catch (error) {
        throw new IncompleteError(
          `${path}: expected to keep the owner ${ownership.uid}:${ownership.gid} of the file it replaces, got ${(error as NodeJS.ErrnoException).code ?? 'an error'} (run as root or as that owner)`,
        );
      }
      // After the chown, which clears set-id bits.
      await handle.chmod(ownership.mode);
    }
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames in a directory durable: after this, a crash cannot bring back the old names. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file so a reader sees the old content or the new, never half: a temp file with the
 * mode, owner and group of the file it replaces (or of `like`, for a backup copy), synced, then
 * renamed over it.
 */
export async function writeFileAtomic(
  path: string,
  content: string,
  options: { like?: string } = {},
): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeWithOwnership(temp, content, await ownershipOf(options.like ?? path));
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(path));
}
