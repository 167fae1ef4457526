import { LOOKUP_LIMIT, VOID_LIMIT } from '../../checks/spf/analyze.js';
import { FAMILIES as F, family, type FamilyDef } from '../../report/families.js';
import type { MetricFamily, Report, Status } from '../../checks/types.js';
import type { ReportDestination } from './dmarc-destinations.js';
import { failingDestinations, type DmarcRecord } from './dmarc.js';
import { ReportBuilder } from '../../report/builder.js';
import {
  authoritativeCheck,
  authoritativeFamily,
  type AuthoritativeView,
  serialWarnings,
} from './authoritative-view.js';
import type { SpfCheckOptions } from './expectations.js';
import { resolversAgree, served, verdict } from './verdict.js';
import type { ResolverView } from './view.js';

/** What is worth a warning about a domain, once each. */
export const domainWarnings = ({ views, authoritative }: DomainViews) => [
  ...new Set([
    ...views.flatMap((v) => v.analysis.warnings),
    ...dmarcWarnings(views),
    ...(authoritative ? serialWarnings(authoritative) : []),
  ]),
];

/** One domain's views, one per resolver, in --resolver order, and its zone's servers' with --authoritative. */
export interface DomainViews {
  domain: string;
  views: ResolverView[];
  authoritative?: AuthoritativeView;
}

/** How the run went: when it started, how many polls it took. */
export interface RunFacts {
  startedAt: number;
  polls: number;
}

export const waitedText = (opts: SpfCheckOptions, polls: number) =>
  opts.wait ? ` after ${polls} poll${polls === 1 ? '' : 's'}` : '';

export const newReport = (startedAt: number) =>
  new ReportBuilder({ command: 'spf-check', metricPrefix: 'spf_check', startedAt });

/** A run of one domain: its checks at the top level, its metrics pushed in the group of its domain. */
export function domainReport(opts: SpfCheckOptions, domainViews: DomainViews, run: RunFacts): Report {
  const { domain, views } = domainViews;
  const { ok, why } = verdict(opts, domainViews);
  const waited = waitedText(opts, run.polls);
  const report = newReport(run.startedAt);
  spfChecks(opts, domainViews, report);
  report.warn(...domainWarnings(domainViews));
  const status = ok ? 'pass' : 'fail';
  const metrics = spfFamilies(domainViews);
  const resolvers = `${views.length} resolver${views.length === 1 ? '' : 's'}`;
  return {
    ...report.finish({
      status,
      summary: ok
        ? `SPF of ${domain} OK on ${resolvers}${waited}`
        : `SPF of ${domain} FAILED${waited}: ${why}`,
      metrics,
    }),
    pushGroups: [{ labels: { domain }, status, metrics }],
  };
}

/**
 * The checks of one poll: each resolver's record, agreement, each expectation across
 * resolvers, check_host() for --ip, DMARC; each with its data in details. A resolver's checks
 * took as long as its view; the cross-resolver ones as long as the slowest.
 */
export function spfChecks(opts: SpfCheckOptions, domainViews: DomainViews, report: ReportBuilder): void {
  const { views, authoritative } = domainViews;
  const slowest = Math.max(0, ...views.map((v) => v.durationMs));
  for (const v of views) {
    const a = v.analysis;
    const budget = `${a.lookups}/${LOOKUP_LIMIT} lookups, ${a.voidLookups}/${VOID_LIMIT} void`;
    report.check({
      name: `record@${v.resolver}`,
      status: a.problem || a.errors.length ? 'fail' : 'pass',
      summary: a.problem
        ? a.problem.message
        : `"${a.record ?? ''}" (${budget})${a.errors.length ? `: ${a.errors.join('; ')}` : ''}`,
      durationMs: v.durationMs,
      details: {
        kind: 'spf-record',
        resolver: v.resolver,
        domain: a.domain,
        ...(a.record === undefined ? {} : { record: a.record }),
        ...(a.problem ? { problem: a.problem } : {}),
        lookups: a.lookups,
        voidLookups: a.voidLookups,
        voidByFamily: a.voidByFamily,
        terms: a.terms,
        ...(a.all === undefined ? {} : { all: a.all }),
        syntax: a.syntax,
        errors: a.errors,
        warnings: a.warnings,
      },
    });
  }
  if (views.length > 1) {
    const agree = resolversAgree(views);
    report.check({
      name: 'agreement',
      status: agree ? 'pass' : 'fail',
      summary: agree
        ? `all ${views.length} resolvers serve the same record`
        : views.map((v) => `${v.resolver}: ${served(v)}`).join(' | '),
      durationMs: slowest,
      details: {
        kind: 'spf-agreement',
        agree,
        served: views.map((v) =>
          v.analysis.record !== undefined
            ? { resolver: v.resolver, record: v.analysis.record }
            : { resolver: v.resolver, problem: v.analysis.problem?.message ?? 'nothing' },
        ),
      },
    });
  }
  if (authoritative) report.check(authoritativeCheck(authoritative, views));
  for (const [i, e] of (views[0]?.expectations ?? []).entries()) {
    const results = views.map((v) => ({ resolver: v.resolver, ...v.expectations[i]! }));
    const missed = results.filter((r) => !r.met);
    report.check({
      name: `expect ${e.label}`,
      status: missed.length ? 'fail' : 'pass',
      summary: missed.length
        ? missed.map((r) => `${r.resolver}: found ${r.found ?? '-'}`).join('; ')
        : 'met on every resolver',
      durationMs: slowest,
      details: {
        kind: 'spf-expectation',
        label: e.label,
        results: results.map(({ resolver, met, found }) => ({ resolver, met, ...(found ? { found } : {}) })),
      },
    });
  }
  for (const v of views) {
    if (v.client) {
      const c = v.client;
      report.check({
        name: `check_host ${c.ip}@${v.resolver}`,
        status: c.result === 'temperror' ? 'error' : 'pass',
        summary: `${c.result}: ${c.comment}${c.explanation ? ` (exp: ${c.explanation})` : ''}`,
        durationMs: v.durationMs,
        details: { kind: 'spf-check-host', resolver: v.resolver, ...c },
      });
    }
    if (opts.dmarc) {
      const d = v.dmarc;
      const r = d?.record;
      const failing = failingDestinations(r);
      report.check({
        name: `dmarc@${v.resolver}`,
        status: dmarcStatus(r, failing),
        summary: r
          ? failing.length
            ? failing.map((f) => f.problem?.message).join('; ')
            : policyLine(r)
          : (d?.problem ?? 'not fetched'),
        durationMs: v.durationMs,
        details: {
          kind: 'dmarc',
          resolver: v.resolver,
          ...(r ? { record: r } : { problem: d?.problem ?? 'not fetched' }),
        },
      });
    }
  }
}

/** An unauthorized destination is wrong; one whose authorization query failed could not be checked. */
function dmarcStatus(record: DmarcRecord | undefined, failing: ReportDestination[]): Status {
  if (!record || failing.some((f) => f.problem?.kind === 'unauthorized')) return 'fail';
  return failing.length ? 'error' : 'pass';
}

function policyLine(r: DmarcRecord): string {
  const tags = [
    `p=${r.p}`,
    ...(r.sp ? [`sp=${r.sp}`] : []),
    ...(r.np ? [`np=${r.np}`] : []),
    `pct=${r.pct ?? 100}`,
    `adkim=${r.adkim}`,
    `aspf=${r.aspf}`,
    ...(r.rua ? [`rua=${r.rua}`] : []),
    ...(r.ruf ? [`ruf=${r.ruf}`] : []),
  ];
  return `${tags.join(' ')} at ${r.at}`;
}

/** Destinations receivers will not use as written (not mailto:, or not a URI): said once however many resolvers. */
function dmarcWarnings(views: readonly ResolverView[]): string[] {
  const kinds = new Set(['unsupported', 'invalid']);
  return views.flatMap((v) =>
    (v.dmarc?.record?.destinations ?? []).flatMap((d) =>
      d.problem && kinds.has(d.problem.kind) ? [d.problem.message] : [],
    ),
  );
}

export function spfFamilies({ domain, views, authoritative }: DomainViews): MetricFamily[] {
  const per = (def: FamilyDef<'domain' | 'resolver'>, value: (v: ResolverView) => number) =>
    family(
      def,
      views.map((v) => ({ labels: { domain, resolver: v.resolver }, value: value(v) })),
    );
  const expectations = views[0]?.expectations ?? [];
  return [
    per(F.spf_record_present, (v) => (v.analysis.record ? 1 : 0)),
    family(F.spf_resolvers_agree, [{ labels: { domain }, value: resolversAgree(views) ? 1 : 0 }]),
    per(F.spf_dns_lookups, (v) => v.analysis.lookups),
    per(F.spf_void_lookups, (v) => v.analysis.voidLookups),
    family(
      F.spf_expectation_met,
      expectations.map((e, i) => ({
        labels: { domain, expectation: e.label },
        value: views.every((v) => v.expectations[i]?.met) ? 1 : 0,
      })),
    ),
    ...(authoritative ? [authoritativeFamily(domain, authoritative)] : []),
  ].filter((f) => f.samples.length > 0);
}
