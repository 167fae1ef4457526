import type { RunContext, ValuesOf } from '../../cli/command-spec.js';
import type { Report } from '../../checks/types.js';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';
import { ReportBuilder } from '../../report/builder.js';
import { commandSpecs } from '../index.js';
import { bashScript, zshScript } from './scripts.js';
import type { completionArgs, completionOptions } from './spec.js';
import { completionWords } from './words.js';

/** The completion script on stdout, built from the same command table the CLI parses with. */
export function run(
  values: ValuesOf<typeof completionOptions, typeof completionArgs>,
  ctx: RunContext,
): Promise<Report> {
  const shell = values.shell;
  if (shell !== 'bash' && shell !== 'zsh')
    throw new UsageError(`shell: expected bash or zsh, got ${describeValue(shell)}`);
  const words = completionWords(commandSpecs);
  const report = new ReportBuilder({
    command: 'completion',
    metricPrefix: 'completion',
    progress: ctx.progress,
  });
  return Promise.resolve(
    report.finish({
      summary: `${shell} completion`,
      pushable: false,
      document: {
        name: `mailops.${shell}`,
        mediaType: 'text/x-shellscript',
        text: shell === 'bash' ? bashScript(words) : zshScript(words),
      },
    }),
  );
}
