import type { CommandSpec } from '../../cli/command-spec.js';

export const haproxyBootstrap: CommandSpec = {
  name: 'haproxy-bootstrap',
  summary: 'idempotent PROXY-v2 mail frontends in haproxy.cfg, validated before they are applied',
  defaultJob: 'haproxy-bootstrap',
  options: [
    { name: 'spec', arg: '<file>', description: 'YAML spec of frontends and backends', kind: 'string' },
    {
      name: 'target',
      arg: '<target>',
      description: 'what --file is',
      kind: ['haproxy-cfg'],
      default: 'haproxy-cfg',
    },
    {
      name: 'file',
      arg: '<file>',
      description: 'the haproxy.cfg to edit (created when absent)',
      kind: 'string',
    },
    {
      name: 'check',
      description: 'drift detection: exit 1 with a diff when the file differs from the spec',
      kind: 'flag',
    },
    { name: 'dry-run', description: 'print the diff, write nothing', kind: 'flag' },
    {
      name: 'validate-cmd',
      arg: '<cmd>',
      description: 'validates the candidate before it replaces the file; {file} is its path',
      kind: 'string',
      default: 'haproxy -c -f {file}',
    },
    {
      name: 'reload-cmd',
      arg: '<cmd>',
      description: 'run after writing; on failure the previous file is restored',
      kind: 'string',
    },
  ],
  defaultTimeoutMs: () => 60_000,
  load: () => import('./run.js'),
};
