import type { Lab } from '../../lab/index.ts';

/** The IMAPS side of a probe against one lab mailbox, verified against the lab CA. */
export function imapArgs(lab: Lab, user = lab.users[0]!): string[] {
  return [
    ...['--imap-host', '127.0.0.1', '--imap-port', String(lab.imap.imapsPort), '--imap-tls', 'implicit'],
    ...['--imap-user', user.address, '--ca-file', lab.caFile, '--interval', '5s', '--attempts', '6'],
  ];
}

/** probe-roundtrip flags for the lab: submission with STARTTLS and auth, IMAPS verified against the lab CA. */
export function probeArgs(lab: Lab, extra: string[] = []): string[] {
  const user = lab.users[0]!.address;
  return [
    ...['probe-roundtrip', '--from', user, '--to', user],
    ...['--smtp-host', '127.0.0.1', '--smtp-port', String(lab.smtp.submissionPort), '--smtp-tls', 'starttls'],
    ...['--smtp-user', user],
    ...imapArgs(lab),
    ...extra,
  ];
}

/** The passwords as a CronJob passes them: env vars, never flags. */
export function probeEnv(lab: Lab, imapPassword = lab.users[0]!.password): Record<string, string> {
  return { MAILOPS_SMTP_PASSWORD: lab.users[0]!.password, MAILOPS_IMAP_PASSWORD: imapPassword };
}
