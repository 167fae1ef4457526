import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import { bannerCheck, GREETINGS } from '../../checks/banner.js';
import type { CheckContext, Outcome } from '../../checks/outcome.js';
import type { Report, Status } from '../../checks/types.js';
import { readCaFile } from '../../config/secrets.js';
import { ReportBuilder } from '../../report/builder.js';
import { type Frontend, isWildcard, loadSpec, type Protocol, protocolOf } from './spec-file.js';
import type { verifyOptions } from './spec.js';

/** The greeting each frontend's backend should give. */
const GREETING: Record<Protocol, RegExp | undefined> = {
  smtp: GREETINGS.smtp,
  submission: GREETINGS.smtp,
  smtps: GREETINGS.smtp,
  imap: GREETINGS.imap,
  imaps: GREETINGS.imap,
  pop3: GREETINGS.pop3,
  pop3s: GREETINGS.pop3,
  sieve: GREETINGS.sieve,
  other: undefined,
};
const IMPLICIT_TLS = new Set<Protocol>(['smtps', 'imaps', 'pop3s']);

/** How the frontends are reached: another host than the bind address, the CAs to trust. */
export interface FrontendTarget {
  connectHost?: string | undefined;
  ca?: string | undefined;
  insecure: boolean;
}

/** The host a frontend is reached at: the connect host, else its bind address (loopback for a wildcard). */
const frontendHost = (f: Frontend, target: FrontendTarget) =>
  target.connectHost ?? (isWildcard(f.bind.address) ? '127.0.0.1' : f.bind.address);

export const frontendAddress = (f: Frontend, target: FrontendTarget) =>
  `${frontendHost(f, target)}:${f.bind.port}`;

/** One frontend's banner through HAProxy: what verify reports of it and the gate's haproxy-frontends checks. */
export async function frontendCheck(
  f: Frontend,
  target: FrontendTarget,
  ctx: CheckContext,
): Promise<Outcome> {
  const protocol = protocolOf(f);
  const where = frontendAddress(f, target);
  const expect = GREETING[protocol];
  const outcome = await bannerCheck(
    {
      host: frontendHost(f, target),
      port: f.bind.port,
      tls: IMPLICIT_TLS.has(protocol),
      protocol,
      ...(expect ? { expect } : {}),
      insecure: target.insecure,
      tlsFix: {
        tls: `give frontend ${f.name} an implicit-TLS protocol (smtps, imaps, pop3s)`,
        plain: `give frontend ${f.name} a plain-text protocol (smtp, submission, imap, pop3, sieve)`,
      },
      ...(target.ca ? { ca: target.ca } : {}),
    },
    ctx,
  );
  return {
    ...outcome,
    summary:
      outcome.status === 'error'
        ? `${outcome.summary} (is backend ${f.backend} up?)`
        : `${outcome.summary} (via ${where})`,
  };
}

/** The verdict over every frontend, naming those that gave no banner. */
export function frontendsSummary(results: { frontend: string; status: Status }[]): string {
  const failed = results.filter((r) => r.status !== 'pass');
  return failed.length
    ? `${failed.length} of ${results.length} frontends gave no banner: ${failed.map((r) => r.frontend).join(', ')}`
    : `all ${results.length} frontends answer with their backend's banner`;
}

/** Connects through every declared frontend and waits for the backend's banner: proof right after applying. */
export async function run(values: OptionValuesOf<typeof verifyOptions>, ctx: RunContext): Promise<Report> {
  const startedAt = Date.now();
  const spec = await loadSpec(values.spec);
  const target: FrontendTarget = {
    connectHost: values['connect-host'],
    ca: await readCaFile(values['ca-file'], '--ca-file'),
    insecure: values.insecure,
  };
  const report = new ReportBuilder({
    command: 'haproxy-bootstrap verify',
    metricPrefix: 'haproxy_bootstrap_verify',
    startedAt,
    progress: ctx.progress,
  });
  const results = await Promise.all(
    spec.frontends.map(async (f) => {
      const record = report.reserve();
      const since = Date.now();
      ctx.progress.begin(f.name, `${protocolOf(f)} banner through ${frontendAddress(f, target)}`);
      const outcome = await frontendCheck(f, target, {
        timeoutMs: values['connect-timeout'],
        signal: ctx.signal,
      });
      record({
        name: `frontend ${f.name}`,
        status: outcome.status,
        summary: outcome.summary,
        since,
        ...(outcome.details ? { details: outcome.details } : {}),
      });
      return { frontend: f.name, status: outcome.status };
    }),
  );
  return report.finish({ summary: frontendsSummary(results) });
}
