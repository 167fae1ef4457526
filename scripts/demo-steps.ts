import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { labGateChecks, labGateEnv } from '../lab/gate-checks.ts';
import type { Lab } from '../lab/index.ts';
import { labProbeArgs, labProbeEnv } from '../lab/probe-args.ts';
import { periodId } from '../src/checks/period.ts';

export interface DemoStep {
  title: string;
  args: string[];
  env?: Record<string, string>;
  expectExit: number;
}

/** One step per registered subcommand, run against the lab, pushing to the lab Pushgateway. */
export function demoSteps(lab: Lab): DemoStep[] {
  const probe = [...labProbeArgs(lab), '--pushgateway', lab.pushgateway.url, '--label', 'instance=lab'];
  const env = labProbeEnv(lab);
  const backups = join(lab.dir, 'backups');
  const backup = ['backup-rsync', '--source', `mail=${join(lab.dir, 'mail', lab.domain)}`, '--dest', backups];
  const haproxyCfg = join(lab.dir, 'demo-haproxy.cfg');
  copyFileSync(join(import.meta.dirname, '../fixtures/haproxy/base.cfg'), haproxyCfg);
  const haproxySpec = [
    '--spec',
    join(import.meta.dirname, '../fixtures/haproxy/spec.yaml'),
    '--file',
    haproxyCfg,
  ];
  const gateFile = join(lab.dir, 'gate.yaml');
  writeFileSync(gateFile, stringify({ 'readiness-gate': { checks: gateChecks(lab) } }));
  const gateEnv = labGateEnv(lab);
  return [
    {
      title: 'probe-roundtrip: Postfix submission -> Dovecot, seen over IMAPS with IDLE',
      args: probe,
      env,
      expectExit: 0,
    },
    {
      title: 'probe-roundtrip in Prometheus format',
      args: [...probe, '--output', 'prom'],
      env,
      expectExit: 0,
    },
    {
      title: 'probe-roundtrip with a wrong IMAP password: fails before sending, password never shown',
      args: probe,
      env: labProbeEnv(lab, 'not-the-password'),
      expectExit: 1,
    },
    {
      title: 'backup-rsync: the lab Maildirs into a hardlinked weekly snapshot, pushed as job mail-backup',
      args: [...backup, '--pushgateway', lab.pushgateway.url, '--job', 'mail-backup'],
      expectExit: 0,
    },
    { title: 'backup-rsync list', args: ['backup-rsync', 'list', '--dest', backups], expectExit: 0 },
    {
      title: 'backup-rsync verify: the snapshot against the checksums written at backup time',
      args: ['backup-rsync', 'verify', '--dest', backups, '--snapshot', periodId(new Date(), 'week')],
      expectExit: 0,
    },
    {
      title: 'spf-check on two DNS servers: record, lookups, expectations, check_host() trace, DMARC; pushed',
      args: [
        'spf-check',
        'spf.test',
        '--resolver',
        lab.dns.server,
        '--resolver',
        lab.dnsNext.server,
        '--expect-include',
        '_spf.provider.spf.test',
        '--expect-all',
        '~all',
        '--ip',
        '198.51.100.20',
        '--dmarc',
        '--pushgateway',
        lab.pushgateway.url,
      ],
      expectExit: 0,
    },
    {
      title: 'spf-check of a record mid-change: the two servers disagree',
      args: [
        'spf-check',
        'changing.spf.test',
        '--resolver',
        lab.dns.server,
        '--resolver',
        lab.dnsNext.server,
      ],
      expectExit: 1,
    },
    {
      title:
        'readiness-gate: DNS, SMTP (STARTTLS + AUTH), IMAP, Redis, PostgreSQL and parity under one deadline; pushed',
      args: [
        'readiness-gate',
        '--config',
        gateFile,
        '--timeout',
        '30s',
        '--pushgateway',
        lab.pushgateway.url,
      ],
      env: gateEnv,
      expectExit: 0,
    },
    {
      title: 'haproxy-bootstrap: PROXY-v2 mail frontends into a haproxy.cfg, validated by haproxy -c first',
      args: ['haproxy-bootstrap', ...haproxySpec],
      expectExit: 0,
    },
    {
      title: 'haproxy-bootstrap --check: the file now matches the spec (drift detection for CI)',
      args: ['haproxy-bootstrap', ...haproxySpec, '--check'],
      expectExit: 0,
    },
  ];
}

/** The operator stories' gate: the mail service's dependencies, and SPF record parity across DNS servers. */
function gateChecks(lab: Lab): object[] {
  return [
    ...Object.values(labGateChecks(lab)),
    {
      name: 'spf-record-parity',
      kind: 'parity',
      dns: { servers: [lab.dns.server, lab.dnsNext.server], query: 'spf.test', type: 'TXT' },
    },
  ];
}
