import { type Command, Option } from 'commander';
import { FORMATS, isLabelName } from '../config/names.js';
import { durationArg, keyValueArg } from './parsers.js';

const labelArg = keyValueArg(isLabelName, 'key=value with a Prometheus label name as key');

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
        .argParser(labelArg)
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
