import type { Command } from 'commander';
import type { GenericSchema } from 'valibot';
import type { Report } from '../checks/types.js';
import type { GlobalOptions } from '../config/globals.js';
import type { Logger } from '../output/log.js';
import type { Progress } from '../output/progress.js';

/** What a command's run() gets besides its own options: nothing global, nothing printed. */
export interface RunContext {
  globals: GlobalOptions;
  /** Aborts at the overall deadline or on SIGINT/SIGTERM. */
  signal: AbortSignal;
  deadlineMs: number;
  log: Logger;
  progress: Progress;
  env: NodeJS.ProcessEnv;
}

export interface CommandModule {
  run(options: Record<string, unknown>, ctx: RunContext): Promise<Report>;
}

/**
 * A subcommand as the CLI sees it. configure() only declares options (cheap, so
 * --help stays fast); load() imports the code that does the work.
 */
export interface CommandSpec {
  name: string;
  summary: string;
  defaultJob: string;
  defaultTimeoutMs: number;
  /** Schema of this command's section in --config, keyed by long flag names. */
  configSection?: GenericSchema;
  configure(command: Command): void;
  load(): Promise<CommandModule>;
}
