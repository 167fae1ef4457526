import type { CommandSpec } from '../../cli/command-spec.js';

export const completion: CommandSpec = {
  name: 'completion',
  summary: 'print a shell completion script: source <(mailops completion bash), or zsh',
  args: [{ name: 'shell', description: 'bash or zsh' }],
  defaultJob: 'completion',
  metricPrefix: 'completion',
  options: [],
  defaultTimeoutMs: () => 10_000,
  load: () => import('./run.js'),
};
