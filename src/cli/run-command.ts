import type { Command } from 'commander';
import { loadConfigFile, type ConfigFile } from '../config/load.js';
import { createLogger } from '../output/log.js';
import { reportFamilies } from '../output/metrics.js';
import { createProgress } from '../output/progress.js';
import { pushMetrics } from '../output/pushgateway.js';
import { render } from '../output/render.js';
import { PushError } from '../errors.js';
import type { CommandSpec } from './command-spec.js';
import { exitCodeFor } from './exit-code.js';
import { resolveGlobals } from './resolve-globals.js';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

const PUSH_TIMEOUT_MS = 10_000;

/** Fills options the operator left at their default from the command's --config section. */
function applyConfigSection(command: Command, section: Record<string, unknown> | undefined): void {
  if (!section) return;
  for (const option of command.options) {
    const key = option.long?.replace(/^--(no-)?/, '');
    if (!key || section[key] === undefined) continue;
    const source = command.getOptionValueSource(option.attributeName());
    if (source === undefined || source === 'default') {
      command.setOptionValueWithSource(option.attributeName(), section[key], 'config');
    }
  }
}

/** Config, deadline, run, render, push: the same sequence for every subcommand. */
export async function runCommand(
  spec: CommandSpec,
  command: Command,
  program: Command,
  io: CliIo,
): Promise<number> {
  const configPath = program.opts<{ config?: string }>().config;
  const config: ConfigFile = configPath
    ? await loadConfigFile(configPath, spec.configSection ? { [spec.name]: spec.configSection } : {})
    : {};
  applyConfigSection(command, config[spec.name] as Record<string, unknown> | undefined);
  const globals = resolveGlobals(program, config, io.env, spec.defaultJob);
  const stderrTty = io.stderr.isTTY === true;
  const log = createLogger({
    write: (line) => io.stderr.write(line),
    verbose: globals.verbose,
    quiet: globals.quiet,
    color: globals.color && stderrTty,
    tty: stderrTty,
  });

  const deadlineMs = globals.timeoutMs ?? spec.defaultTimeoutMs;
  const interrupt = new AbortController();
  const onSignal = (name: string) => () => interrupt.abort(new Error(`interrupted by ${name}`));
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.once('SIGINT', onInt).once('SIGTERM', onTerm);
  const signal = AbortSignal.any([AbortSignal.timeout(deadlineMs), interrupt.signal]);

  const progress = await createProgress({
    log,
    title: `mailops ${spec.name}`,
    live: stderrTty && !globals.quiet && globals.output === 'text',
    color: globals.color && stderrTty,
    stream: io.stderr,
  });
  try {
    const module = await spec.load();
    log.debug(`${spec.name}: deadline ${deadlineMs}ms`);
    const report = await module.run(command.opts(), {
      globals,
      signal,
      deadlineMs,
      log,
      progress,
      env: io.env,
    });
    await progress.close();
    const nowMs = Date.now();
    io.stdout.write(
      render(report, globals.output, { color: globals.color && io.stdout.isTTY === true, nowMs }),
    );

    let pushFailed = false;
    if (globals.pushgateway) {
      try {
        // Its own timeout, not the run deadline: a run that hit the deadline must still report its failure.
        await pushMetrics(reportFamilies(report, nowMs), {
          url: globals.pushgateway,
          job: globals.job,
          labels: globals.labels,
          timeoutMs: PUSH_TIMEOUT_MS,
          signal: interrupt.signal,
        });
        log.debug(`pushed metrics to job ${globals.job}`);
      } catch (error) {
        if (!(error instanceof PushError)) throw error;
        pushFailed = true;
        log.error(error.message);
      }
    }
    return exitCodeFor(report.status, pushFailed);
  } finally {
    await progress.close().catch(() => undefined);
    process.off('SIGINT', onInt).off('SIGTERM', onTerm);
  }
}
