import type { Command } from 'commander';
import type { Format, GlobalOptions } from '../config/globals.js';
import { isHttpUrl } from '../config/names.js';
import { describeValue } from '../config/issues.js';
import type { ConfigFile } from '../config/load.js';
import { UsageError } from '../errors.js';

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/** Boolean env vars: an unknown spelling is a usage error, not a silent "true". */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (TRUE.test(raw)) return true;
  if (FALSE.test(raw)) return false;
  throw new UsageError(`${name}: expected true or false, got ${JSON.stringify(raw)}`);
}

/** Resolves flag > env > config file > default into the settings a run uses. */
export function resolveGlobals(
  program: Command,
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
  defaultJob: string,
): GlobalOptions {
  const opts = program.opts<Record<string, unknown>>();
  const fromFlagOrEnv = (key: string) => {
    const source = program.getOptionValueSource(key);
    return source === 'cli' || source === 'env';
  };
  const pick = <T>(key: string): T | undefined =>
    (fromFlagOrEnv(key) ? opts[key] : (config[key] ?? opts[key])) as T | undefined;
  const bool = (key: string, envName: string): boolean =>
    program.getOptionValueSource(key) === 'cli'
      ? true
      : (envFlag(env, envName) ?? (config[key] as boolean | undefined) ?? false);

  const noColorEnv = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const colorFlagOff = program.getOptionValueSource('color') === 'cli';
  const color =
    !colorFlagOff &&
    !noColorEnv &&
    !envFlag(env, 'MAILOPS_NO_COLOR') &&
    (config.color as boolean | undefined) !== false;

  const globals: GlobalOptions = {
    output: pick<Format>('output') ?? 'text',
    pushgateway: pick<string>('pushgateway'),
    job: pick<string>('job') ?? defaultJob,
    labels: pick<Record<string, string>>('label') ?? {},
    timeoutMs: pick<number>('timeout'),
    verbose: bool('verbose', 'MAILOPS_VERBOSE'),
    quiet: bool('quiet', 'MAILOPS_QUIET'),
    color,
  };
  if (globals.pushgateway !== undefined && !isHttpUrl(globals.pushgateway)) {
    throw new UsageError(
      `--pushgateway: expected an http:// or https:// URL, got ${describeValue(globals.pushgateway)}`,
    );
  }
  if (!globals.job) throw new UsageError(`--job: expected a non-empty job name, got ""`);
  if (globals.verbose && globals.quiet)
    throw new UsageError('--verbose, --quiet: expected at most one, got both');
  return globals;
}
