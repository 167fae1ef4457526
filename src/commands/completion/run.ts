import type { OptionValues } from '../../cli/command-spec.js';
import { finishReport } from '../../checks/report.js';
import type { Report } from '../../checks/types.js';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';
import { commandSpecs } from '../index.js';
import { bashScript, zshScript } from './scripts.js';
import { completionWords } from './words.js';

/** The completion script on stdout, built from the same command table the CLI parses with. */
export function run(values: OptionValues): Promise<Report> {
  const shell = values.shell;
  if (shell !== 'bash' && shell !== 'zsh')
    throw new UsageError(`shell: expected bash or zsh, got ${describeValue(shell)}`);
  const words = completionWords(commandSpecs);
  return Promise.resolve(
    finishReport({
      command: 'completion',
      metricPrefix: 'completion',
      status: 'pass',
      summary: `${shell} completion`,
      startedAt: Date.now(),
      checks: [],
      artifact: shell === 'bash' ? bashScript(words) : zshScript(words),
      pushable: false,
    }),
  );
}
