/** The figures of `rsync --stats` that a backup reports. */
export interface RsyncStats {
  files: number;
  /** Regular files in the transfer (the "reg:" of "Number of files"): 0 when rsync did not say. */
  regularFiles: number;
  regularFilesTransferred: number;
  createdFiles: number;
  deletedFiles: number;
  totalFileSize: number;
  /** With --link-dest into a fresh directory, every transferred file is a new inode: the bytes the snapshot adds on disk. */
  transferredFileSize: number;
  literalData: number;
  bytesSent: number;
  bytesReceived: number;
}

const FIELDS: Record<keyof RsyncStats, RegExp> = {
  files: /^Number of files: (\d+)/m,
  regularFiles: /^Number of files: \d+ \(reg: (\d+)/m,
  regularFilesTransferred: /^Number of regular files transferred: (\d+)/m,
  createdFiles: /^Number of created files: (\d+)/m,
  deletedFiles: /^Number of deleted files: (\d+)/m,
  totalFileSize: /^Total file size: (\d+) bytes/m,
  transferredFileSize: /^Total transferred file size: (\d+) bytes/m,
  literalData: /^Literal data: (\d+) bytes/m,
  bytesSent: /^Total bytes sent: (\d+)/m,
  bytesReceived: /^Total bytes received: (\d+)/m,
};

/**
 * Parses the summary of `LC_ALL=C rsync --stats --no-h` (plain digits, no
 * thousands separators). Returns undefined unless the core lines are there,
 * so a truncated run is never read as "0 bytes".
 */
export function parseRsyncStats(output: string): RsyncStats | undefined {
  const stats = {} as RsyncStats;
  for (const [key, pattern] of Object.entries(FIELDS) as [keyof RsyncStats, RegExp][]) {
    const match = pattern.exec(output);
    stats[key] = match ? Number(match[1]) : NaN;
  }
  const core: (keyof RsyncStats)[] = [
    'files',
    'regularFilesTransferred',
    'totalFileSize',
    'transferredFileSize',
  ];
  if (core.some((key) => Number.isNaN(stats[key]))) return undefined;
  // Older protocols omit created/deleted counts; absent means none reported.
  for (const key of Object.keys(stats) as (keyof RsyncStats)[]) if (Number.isNaN(stats[key])) stats[key] = 0;
  return stats;
}
