import type { Lab } from './index.ts';

/**
 * probe-roundtrip flags for the lab, shared by the demo, the benchmark and the
 * tests: submission with STARTTLS and AUTH, IMAPS verified against the lab CA.
 */
export function labProbeArgs(lab: Lab, user = lab.users[0]!): string[] {
  return [
    ...['probe-roundtrip', '--from', user.address, '--to', user.address],
    ...['--smtp-host', '127.0.0.1', '--smtp-port', String(lab.smtp.submissionPort), '--smtp-tls', 'starttls'],
    ...['--smtp-user', user.address],
    ...labImapArgs(lab, user),
  ];
}

/** The IMAPS side alone, for probes that send another way. */
export function labImapArgs(lab: Lab, user = lab.users[0]!): string[] {
  return [
    ...['--imap-host', '127.0.0.1', '--imap-port', String(lab.imap.imapsPort), '--imap-tls', 'implicit'],
    ...['--imap-user', user.address, '--ca-file', lab.caFile],
  ];
}

/** The passwords as a CronJob passes them: env vars, never flags. */
export function labProbeEnv(lab: Lab, imapPassword = lab.users[0]!.password): Record<string, string> {
  return { MAILOPS_SMTP_PASSWORD: lab.users[0]!.password, MAILOPS_IMAP_PASSWORD: imapPassword };
}
