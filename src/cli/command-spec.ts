import type { GenericSchema } from 'valibot';
import type { Report } from '../checks/types.js';
import type { GlobalOptions } from '../config/globals.js';
import type { Logger } from '../output/log.js';
import type { Progress } from '../output/progress.js';
import type { OptionDef } from './option-defs.js';

/** What a command's run() gets besides its own options: nothing global, nothing printed. */
export interface RunContext {
  globals: GlobalOptions;
  /** Aborts at the overall deadline or on SIGINT/SIGTERM. */
  signal: AbortSignal;
  deadlineMs: number;
  log: Logger;
  progress: Progress;
  env: NodeJS.ProcessEnv;
  /** The command's validated --config section, with keys only a file holds (the gate's checks). */
  section?: Readonly<Record<string, unknown>>;
}

/** The command's options keyed by long flag name, after flag > env > config file > default. */
export type OptionValues = Readonly<Record<string, unknown>>;

export interface CommandModule {
  run(options: OptionValues, ctx: RunContext): Promise<Report>;
}

/**
 * A subcommand as the CLI sees it. The spec is cheap (data only, so --help
 * stays fast); load() imports the code that does the work.
 */
export interface CommandSpec {
  /** The word on the command line; a subcommand's is its own word ("list"). */
  name: string;
  /** Key of its --config section and its Pushgateway job default's base: "backup-rsync-list" for a subcommand. */
  configKey?: string;
  /** Subcommands such as `backup-rsync list`; the spec itself stays runnable. */
  subcommands?: readonly CommandSpec[];
  summary: string;
  /** Positional arguments, all required, in OptionValues under their names. */
  args?: readonly { name: string; description: string }[];
  defaultJob: string;
  /** Prefix of the run-level metric families, e.g. email_roundtrip -> email_roundtrip_success. */
  metricPrefix: string;
  options: readonly OptionDef[];
  /** The run's deadline when --timeout is not given. */
  defaultTimeoutMs(options: OptionValues): number;
  /** Schemas of the config-section keys that are not flags, loaded only when a file is read. */
  sectionEntries?(): Promise<Record<string, GenericSchema>>;
  load(): Promise<CommandModule>;
}
