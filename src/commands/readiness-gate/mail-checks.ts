// The gate's kinds made of the other subcommands: each calls what the subcommand itself runs
// (probe-roundtrip's probe, spf-check's poll and verdict, haproxy-bootstrap verify's banner
// check), so a gate check and the subcommand cannot disagree.
import type { Outcome } from '../../checks/outcome.js';
import type { Evidence, Status } from '../../checks/types.js';
import { UsageError } from '../../errors.js';
import { taggedLogger } from '../../output/log.js';
import { silentProgress } from '../../output/progress.js';
import { ReportBuilder } from '../../report/builder.js';
import { loadSpec } from '../haproxy-bootstrap/spec-file.js';
import { frontendCheck, frontendsSummary } from '../haproxy-bootstrap/verify.js';
import {
  imapEndpoint,
  type ProbeOptions,
  type Sender,
  sesSender,
  smtpSender,
  type Trust,
} from '../probe-roundtrip/options.js';
import { tripVerdict } from '../probe-roundtrip/report.js';
import { probe } from '../probe-roundtrip/run.js';
import { parseOptions } from '../spf-check/expectations.js';
import type { DomainViews } from '../spf-check/report.js';
import { ca, password, secretFrom } from './check-inputs.js';
import type { Declaration } from './checks.js';
import type { KindOf } from './schema.js';

/** The sender a mail-roundtrip check names, its secret read. */
async function sender(spec: KindOf<'mail-roundtrip'>, env: NodeJS.ProcessEnv, trust: Trust): Promise<Sender> {
  const { smtp, brevo, ses } = spec;
  if (smtp) {
    const secret = smtp.user
      ? await password({ name: spec.name, ...smtp }, env, `${spec.name}.smtp`)
      : undefined;
    return smtpSender(
      {
        host: smtp.host,
        port: smtp.port,
        tls: smtp.tls,
        tlsField: 'smtp.tls:',
        user: smtp.user,
        password: secret,
      },
      trust,
    );
  }
  if (brevo) {
    const at = `checks.${spec.name}.brevo`;
    const apiKey = await secretFrom(
      { variable: brevo['api-key-env'], file: brevo['api-key-file'] },
      { variable: `${at}.api-key-env`, file: `${at}.api-key-file` },
      env,
    );
    return { via: 'brevo', brevo: { url: brevo.url, apiKey: apiKey ?? '' } };
  }
  return sesSender(
    { region: ses?.region, endpoint: ses?.endpoint, field: `checks.${spec.name}.ses.region` },
    env,
  );
}

export const mailRoundtrip: Declaration<'mail-roundtrip'> = async (spec, env, { log }) => {
  const trust: Trust = { ca: await ca(spec), insecure: spec.insecure === true };
  const { imap } = spec;
  const imapPassword = await password({ name: spec.name, ...imap }, env, `${spec.name}.imap`);
  const opts: ProbeOptions = {
    mode: 'probe',
    sender: await sender(spec, env, trust),
    from: spec.from,
    to: spec.to,
    imap: imapEndpoint(
      {
        host: imap.host,
        port: imap.port,
        tls: imap.tls,
        tlsField: 'imap.tls:',
        user: imap.user,
        password: imapPassword ?? '',
      },
      trust,
    ),
    mailbox: imap.mailbox,
    // One window as long as `wait`: the gate's retries are the further windows.
    attempts: 1,
    intervalMs: spec.wait,
    connectTimeoutMs: spec['connect-timeout'],
    staleAfterMs: spec['stale-after'],
    authservId: spec['authserv-id'],
  };
  const said = taggedLogger(log, spec.name);
  return async (ctx) => {
    const steps = new ReportBuilder({ command: 'probe-roundtrip', metricPrefix: 'email_roundtrip' });
    const trip = await probe(opts, { signal: ctx.signal, log: said, progress: silentProgress }, steps);
    const { passed, summary } = tripVerdict(trip, 'probe');
    // The step that ended the trip, or, for one that made it, the wait with its round trip and hops.
    const shown = passed
      ? steps.checks.find((c) => c.name === 'imap.wait')
      : steps.checks.findLast((c) => c.status !== 'pass');
    const code = passed ? undefined : shown?.error?.code;
    return {
      // A server that never answered could not be evaluated; any other failure is a wrong answer.
      status: passed ? 'pass' : trip.failure?.phase === 'connect' ? 'error' : 'fail',
      summary,
      // The probe's steps give mailbox and probe-* details only: all of them evidence.
      ...(shown?.details ? { details: shown.details as Evidence } : {}),
      ...(code ? { code, ...(code === 'TLS_MISMATCH' ? { terminal: true } : {}) } : {}),
    };
  };
};

export const spf: Declaration<'spf'> = async (spec) => {
  const opts = parseOptions(
    {
      domains: [spec.domain],
      'domains-file': undefined,
      concurrency: 1,
      resolver: spec.resolver,
      'expect-include': spec['expect-include'],
      'expect-all': spec['expect-all'],
      'expect-pass': spec['expect-pass'],
      'expect-fail': spec['expect-fail'],
      ip: undefined,
      helo: undefined,
      sender: undefined,
      dmarc: spec.dmarc,
      'expect-dmarc-policy': spec['expect-dmarc-policy'],
      authoritative: spec.authoritative,
      'authoritative-port': spec['authoritative-port'],
      // The gate polls: each attempt is one poll, with fresh caches.
      'wait-for-propagation': false,
      interval: 0,
      'query-timeout': spec['query-timeout'],
    },
    (key) => `checks.${spec.name}.${key}`,
  );
  // mailauth's SPF and DMARC code loads only for a gate that checks SPF.
  const [{ poll }, { domainCheck }] = await Promise.all([
    import('../spf-check/run.js'),
    import('../spf-check/domains-report.js'),
  ]);
  return async (ctx): Promise<Outcome> => {
    const views = new Map<string, DomainViews>();
    await poll(opts.domains, opts, ctx.signal, views);
    const domain = opts.domains[0] ?? spec.domain;
    const seen = views.get(domain) ?? { domain, views: [] };
    const check = domainCheck(opts, seen);
    const unanswered = seen.views.every((v) => v.analysis.problem?.kind === 'temporary');
    return {
      status: check.status === 'pass' ? 'pass' : unanswered ? 'error' : 'fail',
      summary: `${domain}: ${check.summary}`,
      // domainCheck gives spf-domain details, one of the evidence kinds.
      ...(check.details ? { details: check.details as Evidence } : {}),
    };
  };
};

/** Fail when a frontend gave a wrong answer, else error when one gave none: as a report's checks. */
const worst = (statuses: Status[]): Outcome['status'] =>
  statuses.includes('fail') ? 'fail' : statuses.includes('error') ? 'error' : 'pass';

export const haproxyFrontends: Declaration<'haproxy-frontends'> = async (spec) => {
  const field = `checks.${spec.name}.spec`;
  const { frontends } = await loadSpec(spec.spec, field);
  if (!frontends.length)
    throw new UsageError(
      `${field}: expected a spec with at least one frontend, got ${JSON.stringify(spec.spec)}`,
    );
  const target = { connectHost: spec['connect-host'], ca: await ca(spec), insecure: spec.insecure === true };
  return async (ctx): Promise<Outcome> => {
    const results = await Promise.all(
      frontends.map(async (f) => ({
        f,
        outcome: await frontendCheck(f, target, { signal: ctx.signal, timeoutMs: spec['connect-timeout'] }),
      })),
    );
    const broken = results.find(({ outcome }) => outcome.status !== 'pass')?.outcome;
    return {
      status: worst(results.map(({ outcome }) => outcome.status)),
      summary: frontendsSummary(
        results.map(({ f, outcome }) => ({ frontend: f.name, status: outcome.status })),
      ),
      details: {
        kind: 'haproxy-frontends',
        frontends: results.map(({ f, outcome }) => ({
          frontend: f.name,
          backend: f.backend,
          status: outcome.status,
          summary: outcome.summary,
          ...(outcome.details?.kind === 'banner' ? { banner: outcome.details } : {}),
        })),
      },
      ...(broken?.code ? { code: broken.code } : {}),
      ...(results.some(({ outcome }) => outcome.terminal) ? { terminal: true } : {}),
    };
  };
};
