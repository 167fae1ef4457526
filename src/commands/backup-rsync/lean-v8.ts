import { setFlagsFromString } from 'node:v8';

/**
 * backup-rsync waits on rsync, sort and the disk: its own JavaScript is seconds of CPU a
 * night. V8's optimizing compilers (Maglev, TurboFan) would still bring some 10 MiB of their
 * code and working memory into RSS for it, and the old generation grow in 8 MiB steps. Without
 * them, and with the heap grown in small steps, a night of 100,000 files peaks at 56 MiB
 * against 68, for 0.6 s of mailops' CPU against 0.4 (bench/backup-memory.ts measures both
 * ways). Set once a backup-rsync command is chosen: the other subcommands keep V8's defaults.
 */
export function leanV8(): void {
  for (const flag of ['--no-opt', '--no-maglev', '--optimize-for-size']) setFlagsFromString(flag);
}
