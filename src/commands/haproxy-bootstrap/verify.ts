import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import { bannerCheck, GREETINGS } from '../../checks/banner.js';
import type { Report } from '../../checks/types.js';
import { readCaFile } from '../../config/secrets.js';
import { ReportBuilder } from '../../report/builder.js';
import { isWildcard, loadSpec, type Protocol, protocolOf } from './spec-file.js';
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

/** Connects through every declared frontend and waits for the backend's banner: proof right after applying. */
export async function run(values: OptionValuesOf<typeof verifyOptions>, ctx: RunContext): Promise<Report> {
  const startedAt = Date.now();
  const spec = await loadSpec(values.spec);
  const ca = await readCaFile(values['ca-file'], '--ca-file');
  const timeoutMs = values['connect-timeout'];
  const report = new ReportBuilder({
    command: 'haproxy-bootstrap verify',
    metricPrefix: 'haproxy_bootstrap_verify',
    startedAt,
    progress: ctx.progress,
  });
  await Promise.all(
    spec.frontends.map(async (f) => {
      const record = report.reserve();
      const since = Date.now();
      const protocol = protocolOf(f);
      const host = values['connect-host'] ?? (isWildcard(f.bind.address) ? '127.0.0.1' : f.bind.address);
      const where = `${host}:${f.bind.port}`;
      ctx.progress.begin(f.name, `${protocol} banner through ${where}`);
      const expect = GREETING[protocol];
      const outcome = await bannerCheck(
        {
          host,
          port: f.bind.port,
          tls: IMPLICIT_TLS.has(protocol),
          protocol,
          ...(expect ? { expect } : {}),
          insecure: values.insecure,
          tlsFix: {
            tls: `give frontend ${f.name} an implicit-TLS protocol (smtps, imaps, pop3s)`,
            plain: `give frontend ${f.name} a plain-text protocol (smtp, submission, imap, pop3, sieve)`,
          },
          ...(ca ? { ca } : {}),
        },
        { timeoutMs, signal: ctx.signal },
      );
      record({
        name: `frontend ${f.name}`,
        status: outcome.status,
        summary:
          outcome.status === 'error'
            ? `${outcome.summary} (is backend ${f.backend} up?)`
            : `${outcome.summary} (via ${where})`,
        since,
        ...(outcome.details ? { details: outcome.details } : {}),
      });
    }),
  );
  const failed = report.checks.filter((c) => c.status !== 'pass');
  return report.finish({
    summary: failed.length
      ? `${failed.length} of ${report.checks.length} frontends gave no banner: ${failed.map((c) => c.name.replace('frontend ', '')).join(', ')}`
      : `all ${report.checks.length} frontends answer with their backend's banner`,
  });
}
