import type { Command } from 'commander';
import type { GlobalOptions } from '../config/globals.js';
import type { ConfigFile } from '../config/load.js';
import { UsageError } from '../errors.js';
import { globalOptions } from './global-options.js';
import { envFlag, optionValues } from './option-values.js';

/** Resolves flag > env > config file > default into the settings a run uses. */
export function resolveGlobals(
  program: Command,
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
  defaultJob: string,
): GlobalOptions {
  const values = optionValues(globalOptions, [program], config, env);
  const noColor =
    program.getOptionValueSource('color') === 'cli' ||
    (env.NO_COLOR ?? '') !== '' ||
    envFlag(env, 'MAILOPS_NO_COLOR') === true ||
    config.color === false;
  if (values.job === '') throw new UsageError('--job: expected a non-empty job name, got ""');
  if (values.verbose && values.quiet)
    throw new UsageError('--verbose, --quiet: expected at most one, got both');
  return {
    output: values.output,
    pushgateway: values.pushgateway,
    job: values.job ?? defaultJob,
    labels: values.label ?? {},
    timeoutMs: values.timeout,
    verbose: values.verbose,
    quiet: values.quiet,
    color: !noColor,
  };
}
