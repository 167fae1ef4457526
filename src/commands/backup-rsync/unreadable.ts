import { lstat } from 'node:fs/promises';
import { normalize } from 'node:path';

/** The capabilities root needs to copy and restore a tree of several owners (see the README). */
export const ROOT_CAPABILITIES = ['CAP_DAC_OVERRIDE', 'CAP_CHOWN', 'CAP_FOWNER', 'CAP_FSETID'] as const;

/** How many unreadable paths a summary names; the details carry the same ones. */
const NAMED = 3;

/**
 * What rsync's sender could not read, in the order it said so: `opendir "<dir>" failed`,
 * `change_dir "<dir>" failed`, `send_files failed to open "<file>"`, each with EACCES. The
 * receiver's lines (the destination) are not the source's.
 */
export function unreadablePaths(stderr: string): string[] {
  const paths: string[] = [];
  for (const line of stderr.split('\n')) {
    const match = /^rsync: \[sender\] .*?"(.+)"(?: failed)?: Permission denied \(13\)$/.exec(line.trim());
    // With --files-from rsync names a path "<root>/./<path>".
    const path = match && normalize(match[1]!);
    if (path && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

export interface Unreadable {
  path: string;
  /** Its owner and permission bits, when its directory could be read. */
  uid?: number;
  mode?: string;
}

/** The paths with their owners and modes. */
export async function describeUnreadable(paths: readonly string[]): Promise<Unreadable[]> {
  return Promise.all(
    paths.map(async (path) => {
      const stats = await lstat(path).catch(() => undefined);
      return stats
        ? { path, uid: stats.uid, mode: (stats.mode & 0o7777).toString(8).padStart(4, '0') }
        : { path };
    }),
  );
}

/**
 * One line: the first unreadable paths, who owns them, and the identity that can read them: their
 * owner when there is one, else root with the capabilities.
 */
export function unreadableSummary(
  code: number,
  unreadable: readonly Unreadable[],
  uid: number | undefined,
): string {
  const named = unreadable
    .slice(0, NAMED)
    .map((u) => (u.uid === undefined ? u.path : `${u.path} (uid ${u.uid}, mode ${u.mode})`))
    .join(', ');
  const more = unreadable.length > NAMED ? ` and ${unreadable.length - NAMED} more` : '';
  const owners = [...new Set(unreadable.flatMap((u) => (u.uid === undefined ? [] : [u.uid])))];
  const asRoot = `root with ${ROOT_CAPABILITIES.join(', ')}`;
  const identity =
    uid === 0
      ? `run it as ${asRoot}`
      : owners.length === 1
        ? `run it as their owner, uid ${owners[0]} (a source of several owners: as ${asRoot})`
        : `run it as ${asRoot}, since ${owners.length ? `uids ${owners.join(', ')} own them` : 'their owners are unknown'}`;
  return `rsync exit ${code}: cannot read as uid ${uid ?? 'unknown'}: ${named}${more}; ${identity} (README: "Run it on Kubernetes")`;
}
