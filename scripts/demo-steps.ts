import type { Lab } from '../lab/index.ts';
import { labProbeArgs, labProbeEnv } from '../lab/probe-args.ts';

export interface DemoStep {
  title: string;
  args: string[];
  env?: Record<string, string>;
  expectExit: number;
}

/** One step per registered subcommand, run against the lab, each pushing to the lab Pushgateway. */
export function demoSteps(lab: Lab): DemoStep[] {
  const probe = [...labProbeArgs(lab), '--pushgateway', lab.pushgateway.url, '--label', 'instance=lab'];
  const env = labProbeEnv(lab);
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
  ];
}
