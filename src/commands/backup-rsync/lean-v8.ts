import { setFlagsFromString } from 'node:v8';

/**
 * backup-rsync waits on rsync, sort and the disk: its own JavaScript is seconds of CPU a
 * night. V8's optimizing compilers (Maglev, TurboFan) would still bring some 10 MiB of their
 * code and working memory into RSS for it, and the old generation grow in 8 MiB steps. Without
 * them, and with the heap grown in small steps, a night of 100,000 files peaks at 60 to 62 MiB
 * against 71 to 78, and one of 2,000,000 at 77 to 86 against 127 to 129, for up to half as
 * much CPU again (bench/backup-memory.ts measures both ways). Set once a backup-rsync command
 * is chosen: the other subcommands keep V8's defaults.
 */
export function leanV8(): void {
  for (const flag of ['--no-opt', '--no-maglev', '--optimize-for-size']) setFlagsFromString(flag);
}
