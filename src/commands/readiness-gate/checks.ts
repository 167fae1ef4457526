// The gate's kinds of check as declarations: each reads what its spec names (secrets, CA files,
// the Kubernetes credentials) once, before the first attempt, and says which shared check of
// src/checks to call. The checks themselves are the ones probe-roundtrip and
// haproxy-bootstrap verify use.
import { commandCheck } from '../../checks/command.js';
import { dnsCheck } from '../../checks/dns.js';
import { httpCheck, httpDispatcher } from '../../checks/http.js';
import { imapCheck } from '../../checks/imap.js';
import { type KubeClient, kubeClient, type KubeSharing } from '../../checks/kubernetes.js';
import { kubeStatusCheck } from '../../checks/kube-status.js';
import type { CheckContext, Outcome } from '../../checks/outcome.js';
import { parityCheck } from '../../checks/parity.js';
import { postgresCheck } from '../../checks/postgres.js';
import { redisCheck } from '../../checks/redis.js';
import { rolloutCheck } from '../../checks/rollout.js';
import { smtpCheck } from '../../checks/smtp.js';
import { tcpCheck } from '../../checks/tcp.js';
import { tlsCheck } from '../../checks/tls.js';
import { tlsModeFix } from '../../checks/tls-mismatch.js';
import { UsageError } from '../../errors.js';
import { registerCredentials, registerSecret } from '../../output/redact.js';
import type { Logger } from '../../output/log.js';
import { ca, password } from './check-inputs.js';
import type { CheckSpec, KindOf } from './schema.js';

/** A check ready to attempt: what its spec names read and checked once, before the first attempt. */
export type Attempt = (ctx: CheckContext) => Promise<Outcome>;

/** How a check of the gate file is told to change its TLS mode. */
const GATE_TLS_FIX = tlsModeFix('tls:');

/** Headers with the values of headers-from-env, registered as secrets; URL userinfo as HTTP Basic. */
function httpHeaders(spec: KindOf<'http'>, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = { ...spec.headers };
  for (const [header, variable] of Object.entries(spec['headers-from-env'] ?? {})) {
    const value = env[variable];
    if (!value)
      throw new UsageError(
        `checks.${spec.name}.headers-from-env.${header}: expected ${variable} to be set, got nothing`,
      );
    registerSecret(value);
    // "Bearer <token>": a server may quote the token alone.
    registerSecret(/^\S+ (\S+)$/.exec(value)?.[1]);
    headers[header] = value;
  }
  const written = new URL(spec.url);
  if (written.username || written.password) {
    const user = decodeURIComponent(written.username);
    const secret = decodeURIComponent(written.password);
    registerCredentials(user, secret);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      headers.authorization = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
  }
  return headers;
}

/** An SMTP or IMAP server as a check of the gate file names it: the password read only for a user. */
async function mailEndpoint(spec: KindOf<'smtp'> | KindOf<'imap'>, env: NodeJS.ProcessEnv) {
  const pem = await ca(spec);
  return {
    host: spec.host,
    port: spec.port,
    tls: spec.tls,
    insecure: spec.insecure === true,
    tlsFix: GATE_TLS_FIX,
    ...(spec.user ? { user: spec.user, password: (await password(spec, env)) ?? '' } : {}),
    ...(pem ? { ca: pem } : {}),
  };
}

/** What the checks of one gate run share: one Kubernetes client per kubeconfig and context, and the log. */
export interface Shared {
  kube(spec: { kubeconfig?: string | undefined; context?: string | undefined }): Promise<KubeClient>;
  /** Takes what a check has to say between its attempts. */
  log: Logger;
}

/** Clients shared by every check of a run, their answers kept for one interval (KubeSharing). */
export function sharedClients(env: NodeJS.ProcessEnv, sharing: KubeSharing, log: Logger): Shared {
  const clients = new Map<string, Promise<KubeClient>>();
  return {
    kube(spec) {
      const key = JSON.stringify([spec.kubeconfig ?? '', spec.context ?? '']);
      let client = clients.get(key);
      if (!client) {
        client = kubeClient(spec, env, sharing);
        clients.set(key, client);
      }
      return client;
    },
    log,
  };
}

/** How a kind's spec becomes an attempt. */
export type Declaration<K extends CheckSpec['kind']> = (
  spec: KindOf<K>,
  env: NodeJS.ProcessEnv,
  shared: Shared,
) => Promise<Attempt> | Attempt;

type Declarations = { [K in CheckSpec['kind']]: Declaration<K> };

const DECLARATIONS: Declarations = {
  tcp: (spec) => (ctx) => tcpCheck({ host: spec.host, port: spec.port }, ctx),
  tls: async (spec) => {
    const options = {
      host: spec.host,
      port: spec.port,
      minDays: spec['min-days'],
      insecure: spec.insecure === true,
      ...(spec.servername ? { servername: spec.servername } : {}),
      ...(await ca(spec).then((pem) => (pem ? { ca: pem } : {}))),
    };
    return (ctx) => tlsCheck(options, ctx);
  },
  dns: (spec) => (ctx) =>
    dnsCheck(
      {
        servers: spec.servers,
        query: spec.query,
        type: spec.type,
        ...(spec.expect ? { expect: spec.expect } : {}),
      },
      ctx,
    ),
  smtp: async (spec, env) => {
    const endpoint = await mailEndpoint(spec, env);
    return (ctx) => smtpCheck({ endpoint, ehlo: spec.ehlo }, ctx);
  },
  imap: async (spec, env) => {
    const endpoint = await mailEndpoint(spec, env);
    return (ctx) => imapCheck({ endpoint, mailbox: 'INBOX' }, ctx);
  },
  redis: async (spec, env) => {
    const secret = await password(spec, env);
    const pem = await ca(spec);
    const options = {
      host: spec.host,
      port: spec.port,
      ...(spec.user ? { user: spec.user } : {}),
      ...(secret ? { password: secret } : {}),
      ...(spec.tls ? { tls: { insecure: spec.insecure === true, ...(pem ? { ca: pem } : {}) } } : {}),
    };
    return (ctx) => redisCheck(options, ctx);
  },
  postgres: async (spec, env) => {
    const secret = await password(spec, env);
    const options = {
      host: spec.host,
      port: spec.port,
      database: spec.database,
      user: spec.user,
      query: spec.query,
      ...(secret ? { password: secret } : {}),
      ...(spec.expect === undefined ? {} : { expect: spec.expect }),
    };
    return (ctx) => postgresCheck(options, ctx);
  },
  command: (spec) => {
    const options = {
      argv: typeof spec.run === 'string' ? ['sh', '-c', spec.run] : spec.run,
      expectExit: spec['expect-exit'],
      ...(spec['output-matches'] ? { outputMatches: new RegExp(spec['output-matches'], 'm') } : {}),
    };
    return (ctx) => commandCheck(options, ctx);
  },
  http: async (spec, env, shared) => {
    const perPod = spec['per-pod'];
    const options = {
      url: spec.url,
      method: spec.method,
      headers: httpHeaders(spec, env),
      statuses: [spec['expect-status']].flat(),
      dispatcher: await httpDispatcher({ insecure: spec.insecure === true, ca: await ca(spec) }),
      ...(spec.body === undefined ? {} : { body: spec.body }),
      ...(spec['body-contains'] === undefined ? {} : { bodyContains: spec['body-contains'] }),
      ...(spec.json ? { json: spec.json } : {}),
      ...(perPod
        ? {
            perPod: {
              kube: await shared.kube(perPod),
              namespace: perPod.namespace,
              selector: perPod.selector,
              scheme: perPod.scheme,
              ...(perPod.port ? { port: perPod.port } : {}),
            },
          }
        : {}),
    };
    return (ctx) => httpCheck(options, ctx);
  },
  parity: async (spec) => {
    const http = spec.http;
    const options = http
      ? {
          http: {
            urls: http.urls,
            path: http.path,
            dispatcher: await httpDispatcher({
              insecure: http.insecure === true,
              ca: await ca({ name: spec.name, ...http }, 'http.ca-file'),
            }),
          },
        }
      : spec.dns
        ? { dns: spec.dns }
        : {};
    return (ctx) => parityCheck(options, ctx);
  },
  'kubernetes-rollout': async (spec, _env, shared) => {
    const options = {
      kube: await shared.kube(spec),
      namespace: spec.namespace,
      resource: spec.resource,
      maxRestarts: spec['max-restarts'],
      ...(spec['object-name'] ? { objectName: spec['object-name'] } : {}),
      ...(spec.selector ? { selector: spec.selector } : {}),
    };
    return (ctx) => rolloutCheck(options, ctx);
  },
  'kubernetes-status': async (spec, _env, shared) => {
    const options = {
      kube: await shared.kube(spec),
      apiVersion: spec['api-version'],
      kind: spec['object-kind'],
      ...(spec.namespace ? { namespace: spec.namespace } : {}),
      ...(spec['object-name'] ? { objectName: spec['object-name'] } : {}),
      ...(spec.selector ? { selector: spec.selector } : {}),
    };
    return (ctx) => kubeStatusCheck(options, ctx);
  },
  // Loaded only by a gate that has them: they bring the other subcommands' code along.
  'mail-roundtrip': async (spec, env, shared) =>
    (await import('./mail-checks.js')).mailRoundtrip(spec, env, shared),
  spf: async (spec, env, shared) => (await import('./mail-checks.js')).spf(spec, env, shared),
  'haproxy-frontends': async (spec, env, shared) =>
    (await import('./mail-checks.js')).haproxyFrontends(spec, env, shared),
};

/** The attempt of a declared check: secrets read, clients built, nothing sent yet. */
export async function attemptFor(spec: CheckSpec, env: NodeJS.ProcessEnv, shared: Shared): Promise<Attempt> {
  return (DECLARATIONS[spec.kind] as Declaration<CheckSpec['kind']>)(spec, env, shared);
}
