import type { Lab } from '../lab/index.ts';

export interface DemoStep {
  title: string;
  args: string[];
  env?: Record<string, string>;
  expectExit: number;
}

/** One step per registered subcommand, run against the lab, each pushing to the lab Pushgateway. */
export function demoSteps(lab: Lab): DemoStep[] {
  const user = lab.users[0]!;
  const push = ['--pushgateway', lab.pushgateway.url, '--label', 'instance=lab'];
  const probe = [
    'probe-roundtrip',
    '--from',
    user.address,
    '--to',
    user.address,
    '--smtp-host',
    '127.0.0.1',
    '--smtp-port',
    String(lab.smtp.submissionPort),
    '--smtp-user',
    user.address,
    '--imap-host',
    '127.0.0.1',
    '--imap-port',
    String(lab.imap.imapsPort),
    '--imap-tls',
    'implicit',
    '--imap-user',
    user.address,
    '--ca-file',
    lab.caFile,
    ...push,
  ];
  const env = { MAILOPS_SMTP_PASSWORD: user.password, MAILOPS_IMAP_PASSWORD: user.password };
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
      env: { ...env, MAILOPS_IMAP_PASSWORD: 'not-the-password' },
      expectExit: 1,
    },
  ];
}
