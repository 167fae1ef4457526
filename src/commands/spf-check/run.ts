import type { RunContext } from '../../cli/command-spec.js';
import { sleep } from '../../checks/deadline.js';
import type { Report } from '../../checks/types.js';
import { parseOptions, type SpfCheckOptions, type SpfValues } from './expectations.js';
import { ReportBuilder } from '../../report/builder.js';
import { spfChecks, spfFamilies, verdict } from './report.js';
import { resolverView, type ResolverView } from './view.js';

/** Every resolver asked in parallel; with --wait-for-propagation, again until all meet the expectations. */
export async function run(values: SpfValues, ctx: RunContext): Promise<Report> {
  const opts = parseOptions(values);
  const startedAt = Date.now();
  let views: ResolverView[] = [];
  let polls = 0;
  for (;;) {
    polls++;
    ctx.progress.begin('resolvers', `asking ${opts.resolvers.map((r) => r ?? 'system').join(', ')}`);
    views = await Promise.all(opts.resolvers.map((server) => resolverView(server, opts, ctx.signal)));
    const ok = verdict(opts, views).ok;
    ctx.progress.end('resolvers', ok ? 'pass' : 'fail', `poll ${polls}`);
    if (ok || !opts.wait || ctx.signal.aborted) break;
    if (!(await sleep(opts.intervalMs, ctx.signal))) break;
  }
  return report(opts, views, startedAt, polls);
}

function report(opts: SpfCheckOptions, views: ResolverView[], startedAt: number, polls: number): Report {
  const { ok, why } = verdict(opts, views);
  const waited = opts.wait ? ` after ${polls} poll${polls === 1 ? '' : 's'}` : '';
  const report = new ReportBuilder({ command: 'spf-check', metricPrefix: 'spf_check', startedAt });
  spfChecks(opts, views, report);
  report.warn(...new Set(views.flatMap((v) => v.analysis.warnings)));
  return report.finish({
    status: ok ? 'pass' : 'fail',
    summary: ok
      ? `SPF of ${opts.domain} OK on ${views.length} resolver${views.length === 1 ? '' : 's'}${waited}`
      : `SPF of ${opts.domain} FAILED${waited}: ${why}`,
    metrics: spfFamilies(opts.domain, views),
  });
}
