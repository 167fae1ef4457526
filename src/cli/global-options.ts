import { type Command, InvalidArgumentError, Option } from 'commander';
import { FORMATS, isLabelName } from '../config/names.js';
import { durationArg } from './parsers.js';

/** key=value pairs; the env var form takes several, separated by commas. */
function parseLabels(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const labels = { ...previous };
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq <= 0 || !isLabelName(key)) {
      throw new InvalidArgumentError(
        `expected key=value with a Prometheus label name as key, got ${JSON.stringify(pair)}`,
      );
    }
    labels[key] = pair.slice(eq + 1);
  }
  return labels;
}

/** Options every subcommand takes; each long flag also reads MAILOPS_<FLAG>. */
export function addGlobalOptions(program: Command): void {
  program
    .addOption(
      new Option('--output <format>', 'report format on stdout')
        .choices(FORMATS)
        .default('text')
        .env('MAILOPS_OUTPUT'),
    )
    .addOption(
      new Option('--pushgateway <url>', 'push the run metrics to this Pushgateway').env(
        'MAILOPS_PUSHGATEWAY',
      ),
    )
    .addOption(
      new Option('--job <name>', 'Pushgateway job name (default: the subcommand)').env('MAILOPS_JOB'),
    )
    .addOption(
      new Option('--label <key=value>', 'grouping-key label for the push, repeatable')
        .argParser(parseLabels)
        .env('MAILOPS_LABEL'),
    )
    .addOption(
      new Option('--timeout <duration>', 'one deadline for the whole run (300s, 5m, 1500ms)')
        .argParser(durationArg)
        .env('MAILOPS_TIMEOUT'),
    )
    .addOption(
      new Option('--config <file>', 'YAML file with these settings and a section per subcommand').env(
        'MAILOPS_CONFIG',
      ),
    )
    .addOption(new Option('-v, --verbose', 'debug lines on stderr (env MAILOPS_VERBOSE=true)'))
    .addOption(new Option('-q, --quiet', 'only warnings and errors on stderr (env MAILOPS_QUIET=true)'))
    .addOption(new Option('--no-color', 'no colours (also NO_COLOR or MAILOPS_NO_COLOR)'));
}
