import { command } from '../../cli/command-spec.js';

export const spfOptions = [
  {
    name: 'domains-file',
    arg: '<file>',
    description: 'more domains to check, one a line (# comments), besides the arguments',
    kind: 'string',
  },
  {
    name: 'concurrency',
    arg: '<n>',
    description: 'domains checked at once; each resolver keeps one answer cache for all',
    kind: 'count',
    default: 32,
  },
  {
    name: 'resolver',
    arg: '<ip[:port]>',
    description: 'resolver to ask, repeatable; all are asked in parallel (default: the system resolver)',
    kind: 'list',
  },
  {
    name: 'expect-include',
    arg: '<domain>',
    description: 'this domain must be reachable through include:/redirect=, repeatable',
    kind: 'list',
  },
  { name: 'expect-all', arg: '<qualifier>', description: 'the effective all', kind: ['~all', '-all'] },
  {
    name: 'expect-pass',
    arg: '<ip>',
    description: 'check_host() must pass this address, repeatable',
    kind: 'list',
  },
  {
    name: 'expect-fail',
    arg: '<ip>',
    description: 'check_host() must fail this address, repeatable',
    kind: 'list',
  },
  {
    name: 'ip',
    arg: '<addr>',
    description: 'run check_host() for this client and show its trace',
    kind: 'string',
  },
  { name: 'helo', arg: '<name>', description: 'HELO name for --ip (default: the domain)', kind: 'string' },
  {
    name: 'sender',
    arg: '<addr>',
    description: 'MAIL FROM for --ip (default: postmaster@<domain>)',
    kind: 'string',
  },
  { name: 'dmarc', description: 'also fetch and parse _dmarc.<domain>', kind: 'flag' },
  {
    name: 'expect-dmarc-policy',
    arg: '<policy>',
    description: 'the DMARC p= (implies --dmarc)',
    kind: ['none', 'quarantine', 'reject'],
  },
  {
    name: 'authoritative',
    description: 'also ask every name server of the zone directly: same SOA serial, same record',
    kind: 'flag',
  },
  {
    name: 'authoritative-port',
    arg: '<port>',
    description: 'port the name servers answer on, for --authoritative',
    kind: 'port',
    default: 53,
  },
  {
    name: 'wait-for-propagation',
    description:
      'poll until every resolver (and with --authoritative, every name server) serves a record meeting the expectations, or the deadline',
    kind: 'flag',
  },
  {
    name: 'interval',
    arg: '<duration>',
    description: 'pause between polls',
    kind: 'duration',
    default: 5_000,
  },
  {
    name: 'query-timeout',
    arg: '<duration>',
    description: 'budget of one DNS question',
    kind: 'duration',
    default: 3_000,
  },
] as const;

export const spfArgs = [
  { name: 'domains', description: 'the domains whose SPF records are checked', variadic: true },
] as const;

export const spfCheck = command({
  name: 'spf-check',
  summary: 'evaluate a domain’s SPF (RFC 7208) on every resolver, check expectations and DMARC',
  args: spfArgs,
  defaultJob: 'spf-check',
  metricPrefix: 'spf_check',
  options: spfOptions,
  defaultTimeoutMs: (o) => (o['wait-for-propagation'] ? 600_000 : 30_000),
  load: () => import('./run.js'),
});
