import type { CheckSpec } from '../schema.js';
import { commandProbe } from './command.js';
import { dnsProbe } from './dns.js';
import { httpProbe } from './http.js';
import { imapProbe } from './imap.js';
import { parityProbe } from './parity.js';
import { postgresProbe } from './postgres.js';
import { redisProbe } from './redis.js';
import { rolloutProbe } from './rollout.js';
import { smtpProbe } from './smtp.js';
import { tcpProbe } from './tcp.js';
import { tlsProbe } from './tls.js';
import type { Probe } from './types.js';

/** The probe of a declared check: secrets read, clients built, nothing sent yet. */
export function probeFor(spec: CheckSpec, env: NodeJS.ProcessEnv): Promise<Probe> | Probe {
  switch (spec.kind) {
    case 'http':
      return httpProbe(spec, env);
    case 'tcp':
      return tcpProbe(spec);
    case 'tls':
      return tlsProbe(spec);
    case 'dns':
      return dnsProbe(spec);
    case 'smtp':
      return smtpProbe(spec, env);
    case 'imap':
      return imapProbe(spec, env);
    case 'redis':
      return redisProbe(spec, env);
    case 'postgres':
      return postgresProbe(spec, env);
    case 'command':
      return commandProbe(spec);
    case 'parity':
      return parityProbe(spec);
    case 'kubernetes-rollout':
      return rolloutProbe(spec, env);
  }
}
