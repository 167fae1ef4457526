import { type Command, InvalidArgumentError, Option } from 'commander';
import * as v from 'valibot';
import { DURATION_EXPECTED, parseDuration } from '../config/duration.js';
import { FORMATS, type Format, type GlobalOptions, httpUrl, jobName, labelName } from '../config/globals.js';
import { describeValue } from '../config/issues.js';
import type { ConfigFile } from '../config/load.js';
import { UsageError } from '../errors.js';

function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`expected ${DURATION_EXPECTED}, got ${JSON.stringify(value)}`);
  return ms;
}

/** key=value pairs; the env var form takes several, separated by commas. */
function parseLabels(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const labels = { ...previous };
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq <= 0 || !v.is(labelName, key)) {
      throw new InvalidArgumentError(`expected key=value with a Prometheus label name as key, got ${JSON.stringify(pair)}`);
    }
    labels[key] = pair.slice(eq + 1);
  }
  return labels;
}

/** Options every subcommand takes; each long flag also reads MAILOPS_<FLAG>. */
export function addGlobalOptions(program: Command): void {
  program
    .addOption(
      new Option('--output <format>', 'report format on stdout').choices(FORMATS).default('text').env('MAILOPS_OUTPUT'),
    )
    .addOption(new Option('--pushgateway <url>', 'push the run metrics to this Pushgateway').env('MAILOPS_PUSHGATEWAY'))
    .addOption(new Option('--job <name>', 'Pushgateway job name (default: the subcommand)').env('MAILOPS_JOB'))
    .addOption(
      new Option('--label <key=value>', 'grouping-key label for the push, repeatable')
        .argParser(parseLabels)
        .env('MAILOPS_LABEL'),
    )
    .addOption(
      new Option('--timeout <duration>', 'one deadline for the whole run (300s, 5m, 1500ms)')
        .argParser(parseTimeout)
        .env('MAILOPS_TIMEOUT'),
    )
    .addOption(new Option('--config <file>', 'YAML file with these settings and a section per subcommand').env('MAILOPS_CONFIG'))
    .addOption(new Option('-v, --verbose', 'debug lines on stderr (env MAILOPS_VERBOSE=true)'))
    .addOption(new Option('-q, --quiet', 'only warnings and errors on stderr (env MAILOPS_QUIET=true)'))
    .addOption(new Option('--no-color', 'no colours (also NO_COLOR or MAILOPS_NO_COLOR)'));
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/** Boolean env vars: an unknown spelling is a usage error, not a silent "true". */
function envFlag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
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
    !colorFlagOff && !noColorEnv && !envFlag(env, 'MAILOPS_NO_COLOR') && (config.color as boolean | undefined) !== false;

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
  if (globals.pushgateway !== undefined && !v.is(httpUrl, globals.pushgateway)) {
    throw new UsageError(`--pushgateway: expected an http:// or https:// URL, got ${describeValue(globals.pushgateway)}`);
  }
  if (!v.is(jobName, globals.job)) throw new UsageError(`--job: expected a non-empty job name, got ""`);
  if (globals.verbose && globals.quiet) throw new UsageError('--verbose, --quiet: expected at most one, got both');
  return globals;
}
