import type { GenericSchema } from 'valibot';
import type { Report } from '../checks/types.js';
import type { GlobalOptions } from '../config/globals.js';
import type { Logger } from '../output/log.js';
import type { Progress } from '../output/progress.js';
import type { OptionDef, OptionValuesOf } from './option-defs.js';

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

/** A positional argument: a required string, or (variadic) any number of them. */
export interface ArgDef {
  name: string;
  description: string;
  variadic?: boolean;
}

/** A command's values: its options (OptionValuesOf) and its positional arguments, by name. */
export type ValuesOf<
  Defs extends readonly OptionDef[],
  Args extends readonly ArgDef[],
> = OptionValuesOf<Defs> & {
  readonly [A in Args[number] as A['name']]: A['variadic'] extends true ? readonly string[] : string;
};

/** The values of a declared command (`typeof spec`), for its run(). */
export type SpecValues<S> = S extends CommandSpec<infer Defs, infer Args> ? ValuesOf<Defs, Args> : never;

export interface CommandModule<V> {
  run(values: V, ctx: RunContext): Promise<Report>;
}

/**
 * A subcommand as the CLI sees it. The spec is cheap (data only, so --help stays fast); load()
 * imports the code that does the work. Its options are declared once: the flags, the env vars,
 * the config-file section and the type of the values run() gets all come from them.
 */
export interface CommandSpec<
  Defs extends readonly OptionDef[] = readonly OptionDef[],
  Args extends readonly ArgDef[] = readonly ArgDef[],
> {
  /** The word on the command line; a subcommand's is its own word ("list"). */
  name: string;
  /** Key of its --config section and its Pushgateway job default's base: "backup-rsync-list" for a subcommand. */
  configKey?: string;
  /** Subcommands such as `backup-rsync list`; the spec itself stays runnable. */
  subcommands?: readonly CommandSpec[];
  summary: string;
  /** Positional arguments, all required. */
  args?: Args;
  defaultJob: string;
  /** Prefix of the run-level metric families, e.g. email_roundtrip -> email_roundtrip_success. */
  metricPrefix: string;
  options: Defs;
  /** The run's deadline when --timeout is not given. */
  defaultTimeoutMs(values: ValuesOf<Defs, Args>): number;
  /** Schemas of the config-section keys that are not flags, loaded only when a file is read. */
  sectionEntries?(): Promise<Record<string, GenericSchema>>;
  load(): Promise<CommandModule<ValuesOf<Defs, Args>>>;
}

/** Declares a command, keeping its options' literal types (kinds, defaults, choices) for its values. */
export function command<
  const Defs extends readonly OptionDef[],
  const Args extends readonly ArgDef[] = readonly [],
>(spec: CommandSpec<Defs, Args>): CommandSpec<Defs, Args> {
  return spec;
}
