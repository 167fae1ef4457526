import { durationText } from '../config/duration.js';
import { runProcess } from '../process/run-process.js';
import { type CheckContext, errored, failed, type Outcome, passed } from './outcome.js';

export interface CommandOptions {
  argv: string[];
  expectExit: number;
  /** The output must match it (multi-line mode). */
  outputMatches?: RegExp;
}

/** A command's exit code (and optionally its output) as readiness, through the one process runner. */
export async function commandCheck(
  options: CommandOptions,
  { signal, timeoutMs }: CheckContext,
): Promise<Outcome> {
  const { code, output, stopped, spawnError } = await runProcess(options.argv, { signal });
  const details = {
    kind: 'command' as const,
    command: options.argv.join(' '),
    exitCode: code,
    stopped,
    output,
  };
  if (spawnError)
    return errored(`${options.argv[0] ?? ''}: could not be started (${spawnError})`, { details });
  if (stopped) return errored(`still running after ${durationText(timeoutMs)}`, { details });
  const last = output.split('\n').at(-1) ?? '';
  if (code !== options.expectExit)
    return failed(`exit ${code}, expected ${options.expectExit}: ${last}`, { details });
  if (options.outputMatches && !options.outputMatches.test(output))
    return failed(`output does not match /${options.outputMatches.source}/: ${last}`, { details });
  return passed(`exit ${code}${last ? `: ${last}` : ''}`, { details });
}
