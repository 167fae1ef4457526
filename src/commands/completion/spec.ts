import { command } from '../../cli/command-spec.js';

export const completionOptions = [] as const;

export const completionArgs = [{ name: 'shell', description: 'bash or zsh' }] as const;

export const completion = command({
  name: 'completion',
  summary: 'print a shell completion script: source <(mailops completion bash), or zsh',
  args: completionArgs,
  defaultJob: 'completion',
  metricPrefix: 'completion',
  options: completionOptions,
  defaultTimeoutMs: () => 10_000,
  load: () => import('./run.js'),
});
