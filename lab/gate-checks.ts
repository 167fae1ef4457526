// Readiness-gate checks against the lab's servers, for the demo and the tests: the
// operator story's mail service dependencies (DNS, SMTP relay, IMAP, Redis, PostgreSQL).
import type { Lab } from './index.ts';

/** The env vars the checks read their passwords from. */
export function labGateEnv(lab: Lab): Record<string, string> {
  return {
    SMTP_PASSWORD: lab.users[0]?.password ?? '',
    REDIS_PASSWORD: lab.redis.password,
    PG_PASSWORD: lab.postgres.password,
    GATE_MAIL_PASSWORD: lab.users[4]?.password ?? '',
  };
}

/**
 * A mail round trip of the lab's gate mailbox to itself: submission with STARTTLS and AUTH,
 * IMAPS, both verified against the lab CA; a mailbox of its own, so it runs beside the probe tests.
 */
export function labRoundtripCheck(lab: Lab) {
  const user = lab.users[4]?.address ?? '';
  return {
    name: 'roundtrip',
    kind: 'mail-roundtrip',
    from: user,
    to: user,
    smtp: {
      host: '127.0.0.1',
      port: lab.smtp.submissionPort,
      tls: 'starttls',
      user,
      'password-env': 'GATE_MAIL_PASSWORD',
    },
    imap: {
      host: '127.0.0.1',
      port: lab.imap.imapsPort,
      tls: 'implicit',
      user,
      'password-env': 'GATE_MAIL_PASSWORD',
    },
    'ca-file': lab.caFile,
  };
}

export function labGateChecks(lab: Lab) {
  const user = lab.users[0]?.address ?? '';
  return {
    dns: {
      name: 'dns',
      kind: 'dns',
      servers: [lab.dns.server],
      query: `mail.${lab.domain}`,
      expect: ['127.0.0.1'],
    },
    smtp: {
      name: 'smtp',
      kind: 'smtp',
      host: '127.0.0.1',
      port: lab.smtp.submissionPort,
      tls: 'starttls',
      user,
      'password-env': 'SMTP_PASSWORD',
      'ca-file': lab.caFile,
    },
    imap: {
      name: 'imap',
      kind: 'imap',
      host: '127.0.0.1',
      port: lab.imap.imapsPort,
      user,
      'password-env': 'SMTP_PASSWORD',
      'ca-file': lab.caFile,
    },
    redis: {
      name: 'redis',
      kind: 'redis',
      host: '127.0.0.1',
      port: lab.redis.port,
      'password-env': 'REDIS_PASSWORD',
    },
    postgres: {
      name: 'postgres',
      kind: 'postgres',
      host: '127.0.0.1',
      port: lab.postgres.port,
      user: lab.postgres.user,
      'password-env': 'PG_PASSWORD',
      query: 'SELECT 40 + 2',
      expect: '42',
    },
  };
}
