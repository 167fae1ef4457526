import { command } from '../../cli/command-spec.js';

export const verifyOptions = [
  {
    name: 'spec',
    arg: '<file>',
    description: 'YAML spec of frontends and backends',
    kind: 'string',
    required: 'a YAML spec file',
  },
  {
    name: 'connect-host',
    arg: '<host>',
    description: 'connect here instead of each bind address (NAT, or a wildcard bind)',
    kind: 'string',
  },
  {
    name: 'connect-timeout',
    arg: '<duration>',
    description: 'budget for each connection and its banner',
    kind: 'duration',
    default: 10_000,
  },
  {
    name: 'ca-file',
    arg: '<file>',
    description: 'PEM CA bundle for implicit-TLS frontends',
    kind: 'string',
  },
  { name: 'insecure', description: 'do not verify TLS certificates', kind: 'flag' },
] as const;

export const verify = command({
  name: 'verify',
  configKey: 'haproxy-bootstrap-verify',
  summary: "connect through every declared frontend and wait for the backend's banner",
  defaultJob: 'haproxy-bootstrap-verify',
  metricPrefix: 'haproxy_bootstrap_verify',
  options: verifyOptions,
  defaultTimeoutMs: () => 60_000,
  load: () => import('./verify.js'),
});

export const bootstrapOptions = [
  {
    name: 'spec',
    arg: '<file>',
    description: 'YAML spec of frontends and backends',
    kind: 'string',
    required: 'a YAML spec file',
  },
  {
    name: 'target',
    arg: '<target>',
    description: "what --file is: a haproxy.cfg, or pfSense's config.xml",
    kind: ['haproxy-cfg', 'pfsense-xml'],
    default: 'haproxy-cfg',
  },
  {
    name: 'file',
    arg: '<file>',
    description: 'the haproxy.cfg (created when absent) or config.xml to edit',
    kind: 'string',
  },
  {
    name: 'check',
    description: 'drift detection: exit 1 with a diff when the file differs from the spec',
    kind: 'flag',
  },
  { name: 'dry-run', description: 'print the diff, write nothing', kind: 'flag' },
  {
    name: 'emit-php',
    description:
      "print a PHP script that applies the spec on pfSense and reloads through the package's own functions",
    kind: 'flag',
  },
  {
    name: 'validate-cmd',
    arg: '<cmd>',
    description:
      'validates the candidate before it replaces the file; {file} is its path (haproxy-cfg default: haproxy -c -f {file})',
    kind: 'string',
  },
  {
    name: 'reload-cmd',
    arg: '<cmd>',
    description: 'run after writing; on failure the previous file is restored',
    kind: 'string',
  },
] as const;

export const haproxyBootstrap = command({
  name: 'haproxy-bootstrap',
  summary:
    'idempotent PROXY-v2 mail frontends in haproxy.cfg or pfSense config.xml, validated before they are applied',
  defaultJob: 'haproxy-bootstrap',
  metricPrefix: 'haproxy_bootstrap',
  subcommands: [verify],
  options: bootstrapOptions,
  defaultTimeoutMs: () => 60_000,
  load: () => import('./run.js'),
});
