import type { Command } from 'commander';
import type { GlobalOptions } from '../config/globals.js';
import type { ConfigFile } from '../config/load.js';
import { createLogger, type Logger } from '../output/log.js';
import { pushGroupsOf } from '../output/metrics.js';
import { mapPool } from '../checks/map-pool.js';
import { createProgress } from '../output/progress.js';
import { render } from '../output/render.js';
import type { Report } from '../checks/types.js';
import { durationText } from '../config/duration.js';
import { ExitCode, MailopsError, PushError, UsageError } from '../errors.js';
import type { ArgDef, CommandSpec, ValuesOf } from './command-spec.js';
import type { OptionDef } from './option-defs.js';
import { optionValues } from './option-values.js';
import { exitCodeFor } from './exit-code.js';
import { resolveGlobals } from './resolve-globals.js';
import { RunTrace } from './run-trace.js';
import { STOP_GRACE_MS, StopClock } from './stop-clock.js';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** The command's values: its positional arguments and its options (optionValues), typed by its spec. */
function commandValues(
  spec: CommandSpec,
  command: Command,
  section: Record<string, unknown> | undefined,
  env: NodeJS.ProcessEnv,
): ValuesOf<readonly OptionDef[], readonly ArgDef[]> {
  const parent = command.parent?.parent ? [command.parent] : [];
  const args = Object.fromEntries(
    (spec.args ?? []).map((arg, i) => {
      const given: unknown = command.processedArgs[i];
      return [arg.name, arg.variadic ? ((given ?? []) as string[]) : String(given)];
    }),
  );
  const values = { ...args, ...optionValues(spec.options, [command, ...parent], section, env) };
  // Seen through the registry's erased spec; each command's run() reads its own declared type.
  return values as ValuesOf<readonly OptionDef[], readonly ArgDef[]>;
}

/**
 * What a run of the command is given: its config-file section, its options and the global
 * settings, resolved (flag, env, config file, default) and checked; a usage error before anything runs.
 */
export async function resolveRun(spec: CommandSpec, cmd: Command, program: Command, env: NodeJS.ProcessEnv) {
  const configPath = program.opts<{ config?: string }>().config;
  const configKey = spec.configKey ?? spec.name;
  // YAML and the schemas load only for runs that read a config file.
  let config: ConfigFile = {};
  if (configPath) {
    const [{ loadConfigFile }, { otherSections, sectionSchema }, { commandSpecs }] = await Promise.all([
      import('../config/load.js'),
      import('../config/section.js'),
      import('../commands/index.js'),
    ]);
    const extra = await spec.sectionEntries?.();
    config = await loadConfigFile(configPath, {
      ...otherSections(commandSpecs, configKey),
      [configKey]: sectionSchema(spec.options, extra),
    });
  }
  const section = config[configKey] as Record<string, unknown> | undefined;
  const options = commandValues(spec, cmd, section, env);
  const globals = resolveGlobals(program, config, env, spec.defaultJob);
  return { configKey, section, options, globals };
}

/** Config, deadline, run, render, push: the same sequence for every subcommand. */
export async function runCommand(
  spec: CommandSpec,
  cmd: Command,
  program: Command,
  io: CliIo,
): Promise<number> {
  const { configKey, section, options, globals } = await resolveRun(spec, cmd, program, io.env);
  const stderrTty = io.stderr.isTTY === true;
  const log = createLogger({
    write: (line) => io.stderr.write(line),
    verbose: globals.verbose,
    quiet: globals.quiet,
    color: globals.color && stderrTty,
    tty: stderrTty,
  });

  const deadlineMs = globals.timeoutMs ?? spec.defaultTimeoutMs(options);
  const interrupt = new AbortController();
  const onSignal = (name: string) => () => interrupt.abort(new Error(`interrupted by ${name}`));
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.once('SIGINT', onInt).once('SIGTERM', onTerm);
  const signal = AbortSignal.any([AbortSignal.timeout(deadlineMs), interrupt.signal]);
  const clock = new StopClock(signal);
  const command = {
    name: [cmd.parent?.parent ? cmd.parent.name() : '', cmd.name()].filter(Boolean).join(' '),
    metricPrefix: spec.metricPrefix,
  };

  const trace = new RunTrace(
    await createProgress({
      log,
      title: `mailops ${configKey}`,
      live: stderrTty && !globals.quiet && globals.output === 'text',
      stream: io.stderr,
    }),
  );
  try {
    const module = await spec.load();
    log.debug(`${spec.name}: deadline ${durationText(deadlineMs)}`);
    const ctx = { globals, signal, deadlineMs, log, progress: trace.progress, env: io.env };
    const { report, incomplete } = await reportOf(
      () => module.run(options, { ...ctx, ...(section ? { section } : {}) }),
      { command, trace, clock, log, verbose: globals.verbose },
    );
    await trace.progress.close();
    const nowMs = Date.now();
    io.stdout.write(
      render(report, globals.output, { color: globals.color && io.stdout.isTTY === true, nowMs }),
    );
    const pushFailed = await push(report, nowMs, { globals, spec, clock, log });
    return incomplete ? ExitCode.incomplete : exitCodeFor(report.status, pushFailed);
  } finally {
    await trace.progress.close().catch(() => undefined);
    process.off('SIGINT', onInt).off('SIGTERM', onTerm);
  }
}

/**
 * The run's report, whatever happens to the run: its own; or, if it does not stop in time, one
 * made from what it did (abandoned); or, if it throws anything but bad input, one that says
 * why it could not complete (incomplete: exit 3). Both are still printed and pushed.
 */
async function reportOf(
  run: () => Promise<Report>,
  parts: {
    command: { name: string; metricPrefix: string };
    trace: RunTrace;
    clock: StopClock;
    log: Logger;
    verbose: boolean;
  },
): Promise<{ report: Report; incomplete: boolean }> {
  const { command, trace, clock, log } = parts;
  const startedAt = Date.now();
  try {
    const report = await clock.finishBy(run(), () => {
      const why = clock.reason();
      return trace.report(command, startedAt, trace.abandoned(why, STOP_GRACE_MS), why);
    });
    return { report, incomplete: false };
  } catch (error) {
    // Bad input is the operator's to fix, before anything ran: one line, exit 2, nothing pushed.
    if (error instanceof UsageError) throw error;
    const why = error instanceof MailopsError ? error.message : `internal error: ${describe(error)}`;
    log.error(why);
    if (!(error instanceof MailopsError) && parts.verbose && error instanceof Error && error.stack)
      log.debug(error.stack);
    return { report: trace.report(command, startedAt, trace.failed(why), why), incomplete: true };
  }
}

/** Pushes of one run's groups (one per domain) in flight at once: the Pushgateway serialises them anyway. */
const PUSH_CONCURRENCY = 8;

/** Pushes the report's families, unless it is a one-sided run; true when the push failed. */
async function push(
  report: Report,
  nowMs: number,
  { globals, spec, clock, log }: { globals: GlobalOptions; spec: CommandSpec; clock: StopClock; log: Logger },
): Promise<boolean> {
  if (!globals.pushgateway) return false;
  if (report.pushable === false) {
    log.warn(`metrics not pushed: this ${spec.name} run checked one side only`);
    return false;
  }
  try {
    // undici loads only when there is something to push: it is a tenth of a second of every start.
    const { pushMetrics } = await import('../output/pushgateway.js');
    const groups = pushGroupsOf(report, nowMs);
    const timeoutMs = clock.pushBudget();
    const url = globals.pushgateway;
    await mapPool(groups, PUSH_CONCURRENCY, ({ labels, families }) =>
      pushMetrics(families, { url, job: globals.job, labels: { ...globals.labels, ...labels }, timeoutMs }),
    );
    log.debug(
      `pushed metrics to job ${globals.job} (${groups.length} group${groups.length === 1 ? '' : 's'})`,
    );
    return false;
  } catch (error) {
    if (!(error instanceof PushError)) throw error;
    log.error(error.message);
    return true;
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
