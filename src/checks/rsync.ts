import { IncompleteError } from '../errors.js';
import { lineSplitter } from '../process/line-splitter.js';
import { runProcess } from '../process/run-process.js';

export interface RsyncResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What an rsync exit code means for a backup: 24 (files vanished while copying a live tree) is only a warning. */
export function rsyncVerdict(code: number): 'ok' | 'warning' | 'fail' {
  if (code === 0) return 'ok';
  return code === 24 ? 'warning' : 'fail';
}

const MEANING: Record<number, string> = {
  1: 'syntax or usage error',
  2: 'protocol incompatibility',
  3: 'errors selecting input/output files',
  5: 'error starting client-server protocol',
  10: 'error in socket I/O',
  11: 'error in file I/O',
  12: 'error in rsync protocol data stream',
  20: 'received SIGUSR1 or SIGINT/SIGTERM',
  22: 'error allocating memory',
  23: 'partial transfer due to error',
  24: 'some source files vanished before they could be transferred',
  25: 'the --max-delete limit stopped deletions',
  30: 'timeout in data send/receive',
  35: 'timeout waiting for daemon connection',
};

/** "rsync exit 23 (partial transfer due to error): <first stderr lines>" */
export function describeRsync(result: RsyncResult): string {
  const lines = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('rsync error:'));
  const detail = lines.slice(0, 3).join('; ');
  const more = lines.length > 3 ? ` (+${lines.length - 3} more lines)` : '';
  return `rsync exit ${result.code} (${MEANING[result.code] ?? 'error'})${detail ? `: ${detail}${more}` : ''}`;
}

const PROGRESS = /\d+%/;

/**
 * Runs rsync through the process runner with LC_ALL=C (plain numbers in --stats), stdin
 * `input` or empty. Each line of stdout goes to onLine as it arrives, and is kept in `stdout`
 * unless onLine took it (a 20,000-line listing need not be held twice); lines of
 * --info=progress2 (separated by carriage returns) go to onProgress. On abort the whole rsync
 * process group is stopped. A missing rsync binary is IncompleteError (exit 3).
 */
export async function runRsync(
  args: string[],
  options: {
    signal: AbortSignal;
    onProgress?: (line: string) => void;
    onLine?: (line: string) => boolean;
    /** Written to rsync's stdin (for --files-from=-); stdin is closed either way. */
    input?: string;
  },
): Promise<RsyncResult> {
  let stdout = '';
  const lines = lineSplitter((piece: string) => {
    if (options.onLine?.(piece)) return;
    if (options.onProgress && PROGRESS.test(piece)) options.onProgress(piece.trim());
    else stdout += `${piece}\n`;
  }, /[\r\n]/);
  const result = await runProcess(['rsync', ...args], {
    signal: options.signal,
    env: { ...process.env, LC_ALL: 'C' },
    ...(options.input !== undefined ? { input: options.input } : {}),
    onStdout: lines.push,
  });
  if (result.spawnError === 'ENOENT')
    throw new IncompleteError('rsync: expected the rsync binary on PATH, got none');
  lines.end();
  // Stopped, rsync says exit 20 whether it got SIGTERM (and said so) or SIGKILL after the grace.
  return { code: result.stopped ? 20 : result.code, stdout, stderr: result.output };
}

/** A --info=progress2 line ("  1234567  45%  10.00MB/s  0:00:01 (xfr#5, ...)") as a bar for the live view. */
export function progressBar(line: string, width = 24): string {
  const match = /(\d+)%\s+(\S+\/s)\s+(\d+:\d{2}:\d{2})/.exec(line);
  if (!match) return line;
  const percent = Math.min(100, Number(match[1]));
  const filled = Math.round((percent / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}% ${match[2]} ${match[3]}`;
}

/** Of several runs' --info=progress2 lines, the one furthest behind. */
export function slowest(lines: readonly (string | undefined)[]): string {
  const percent = (line: string) => Number(/(\d+)%/.exec(line)?.[1] ?? 0);
  let behind: string | undefined;
  for (const line of lines)
    if (line !== undefined && (behind === undefined || percent(line) < percent(behind))) behind = line;
  return behind ?? '';
}
