import { type Command, Option } from 'commander';
import { FORMATS } from '../config/names.js';
import { addOptions } from './option-defs.js';

/** Options every subcommand takes, declared like a command's: flag, env var, config-file key, type. */
export const globalOptions = [
  { name: 'output', arg: '<format>', description: 'report format on stdout', kind: FORMATS, default: 'text' },
  { name: 'pushgateway', arg: '<url>', description: 'push the run metrics to this Pushgateway', kind: 'url' },
  {
    name: 'job',
    arg: '<name>',
    description: 'Pushgateway job name (default: the subcommand)',
    kind: 'string',
  },
  {
    name: 'label',
    arg: '<key=value>',
    description: 'grouping-key label for the push, repeatable',
    kind: 'labels',
  },
  {
    name: 'timeout',
    arg: '<duration>',
    description: 'one deadline for the whole run (300s, 5m, 1500ms)',
    kind: 'duration',
  },
  {
    name: 'config',
    arg: '<file>',
    description: 'YAML file with these settings and a section per subcommand',
    kind: 'string',
    cliOnly: true,
  },
  { name: 'verbose', short: 'v', description: 'debug lines on stderr', kind: 'flag' },
  { name: 'quiet', short: 'q', description: 'only warnings and errors on stderr', kind: 'flag' },
] as const;

export function addGlobalOptions(program: Command): void {
  addOptions(program, globalOptions);
  // Negated and read from three places (the flag, NO_COLOR, MAILOPS_NO_COLOR): resolved on its own.
  program.addOption(new Option('--no-color', 'no colours (also NO_COLOR or MAILOPS_NO_COLOR)'));
}
