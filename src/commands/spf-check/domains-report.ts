import type { CheckResult, DetailsOf, PushGroup, Report } from '../../checks/types.js';
import { mergeFamilies } from '../../output/metrics.js';
import type { SpfCheckOptions } from './expectations.js';
import {
  type DomainViews,
  domainWarnings,
  newReport,
  type RunFacts,
  spfChecks,
  spfFamilies,
  waitedText,
} from './report.js';
import { resolversAgree, verdict } from './verdict.js';

type Nested = DetailsOf<'spf-domain'>['checks'][number];

/** Failing domains named in the summary line; the rest are counted (every one is a check). */
const NAMED = 10;

/**
 * One domain as one check: its verdict, with the checks a run of that domain alone would report
 * nested in its details. A row of a run of several domains, and a gate's spf check.
 */
export function domainCheck(opts: SpfCheckOptions, domainViews: DomainViews): CheckResult {
  const { domain, views } = domainViews;
  const { ok, why } = verdict(opts, domainViews);
  const inner = newReport(Date.now());
  spfChecks(opts, domainViews, inner);
  const expectations = views[0]?.expectations ?? [];
  const met = expectations.filter((_, i) => views.every((v) => v.expectations[i]?.met)).length;
  const lookups = Math.max(0, ...views.map((v) => v.analysis.lookups));
  const all = views.find((v) => v.analysis.all !== undefined)?.analysis.all;
  return {
    name: domain,
    status: ok ? 'pass' : 'fail',
    summary: ok ? `OK: ${lookups} lookups${all ? `, ${all}all` : ''}` : why,
    durationMs: Math.max(0, ...views.map((v) => v.durationMs)),
    details: {
      kind: 'spf-domain',
      domain,
      agree: resolversAgree(views),
      lookups,
      voidLookups: Math.max(0, ...views.map((v) => v.analysis.voidLookups)),
      ...(all === undefined ? {} : { all }),
      expectations: { met, total: expectations.length },
      // spfChecks gives each of its checks SPF or DMARC details: the builder's type is only wider.
      checks: inner.checks.map(({ name, status, summary, durationMs, details }) => ({
        name,
        status,
        summary,
        durationMs,
        details: details as Nested['details'],
      })),
    },
  };
}

/**
 * A run of several domains: one check per domain, with the checks a run of that domain alone
 * would report nested in its details, and one push group per domain.
 */
export function domainsReport(opts: SpfCheckOptions, domains: DomainViews[], run: RunFacts): Report {
  const report = newReport(run.startedAt);
  const groups: PushGroup[] = [];
  const failed: string[] = [];
  for (const domainViews of domains) {
    const { domain } = domainViews;
    const check = report.check(domainCheck(opts, domainViews));
    if (check.status !== 'pass') failed.push(domain);
    groups.push({ labels: { domain }, status: check.status, metrics: spfFamilies(domainViews) });
    report.warn(...domainWarnings(domainViews));
  }
  const waited = waitedText(opts, run.polls);
  const resolvers = `${opts.resolvers.length} resolver${opts.resolvers.length === 1 ? '' : 's'}`;
  const named =
    failed.slice(0, NAMED).join(', ') + (failed.length > NAMED ? ` and ${failed.length - NAMED} more` : '');
  return {
    ...report.finish({
      status: failed.length ? 'fail' : 'pass',
      summary: failed.length
        ? `SPF FAILED for ${failed.length} of ${domains.length} domains${waited}: ${named}`
        : `SPF of ${domains.length} domains OK on ${resolvers}${waited}`,
      metrics: mergeFamilies(groups.map((g) => g.metrics)),
    }),
    pushGroups: groups,
  };
}
