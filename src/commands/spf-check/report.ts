import { LOOKUP_LIMIT, VOID_LIMIT } from '../../checks/spf/analyze.js';
import { gaugeFamily } from '../../output/metrics.js';
import type { MetricFamily } from '../../checks/types.js';
import type { ReportBuilder } from '../../report/builder.js';
import type { SpfCheckOptions } from './expectations.js';
import type { ResolverView } from './view.js';

/** What a resolver serves, as compared for agreement: the record, or the reason there is none. */
const served = (v: ResolverView) => v.analysis.record ?? `(${v.analysis.problem?.message ?? 'nothing'})`;

function resolversAgree(views: ResolverView[]): boolean {
  return new Set(views.map(served)).size <= 1;
}

/** Passed when every resolver serves one valid record meeting every expectation, and all serve the same. */
export function verdict(opts: SpfCheckOptions, views: ResolverView[]): { ok: boolean; why: string } {
  for (const v of views) {
    const a = v.analysis;
    if (a.problem) return { ok: false, why: `${v.resolver}: ${a.problem.message}` };
    if (a.errors.length) return { ok: false, why: `${v.resolver}: ${a.errors[0] ?? ''}` };
    const missed = v.expectations.find((e) => !e.met);
    if (missed)
      return { ok: false, why: `${v.resolver}: expected ${missed.label}, found ${missed.found ?? '-'}` };
  }
  if (!resolversAgree(views)) return { ok: false, why: 'resolvers serve different records' };
  if (opts.dmarc && views.some((v) => !v.dmarc?.record))
    return { ok: false, why: views.find((v) => v.dmarc?.problem)?.dmarc?.problem ?? 'no DMARC record' };
  return { ok: true, why: '' };
}

/**
 * The checks of one poll: each resolver's record, agreement, each expectation across
 * resolvers, check_host() for --ip, DMARC; each with its data in details. A resolver's checks
 * took as long as its view; the cross-resolver ones as long as the slowest.
 */
export function spfChecks(opts: SpfCheckOptions, views: ResolverView[], report: ReportBuilder): void {
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
      report.check({
        name: `dmarc@${v.resolver}`,
        status: r ? 'pass' : 'fail',
        summary: r
          ? `p=${r.p}${r.sp ? ` sp=${r.sp}` : ''} pct=${r.pct ?? 100} adkim=${r.adkim} aspf=${r.aspf}${r.rua ? ` rua=${r.rua}` : ''}${r.ruf ? ` ruf=${r.ruf}` : ''} at ${r.at}`
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

export function spfFamilies(domain: string, views: ResolverView[]): MetricFamily[] {
  const per = (value: (v: ResolverView) => number) =>
    views.map((v) => ({ labels: { domain, resolver: v.resolver }, value: value(v) }));
  const expectations = views[0]?.expectations ?? [];
  return [
    gaugeFamily(
      'spf_record_present',
      'Whether the resolver serves exactly one v=spf1 record.',
      per((v) => (v.analysis.record ? 1 : 0)),
    ),
    gaugeFamily('spf_resolvers_agree', 'Whether every resolver serves the same record.', [
      { labels: { domain }, value: resolversAgree(views) ? 1 : 0 },
    ]),
    gaugeFamily(
      'spf_dns_lookups',
      `DNS-mechanism lookups the record tree costs (limit ${LOOKUP_LIMIT}).`,
      per((v) => v.analysis.lookups),
    ),
    gaugeFamily(
      'spf_void_lookups',
      `Void lookups in the record tree (limit ${VOID_LIMIT}).`,
      per((v) => v.analysis.voidLookups),
    ),
    gaugeFamily(
      'spf_expectation_met',
      'Whether an expectation holds on every resolver.',
      expectations.map((e, i) => ({
        labels: { domain, expectation: e.label },
        value: views.every((v) => v.expectations[i]?.met) ? 1 : 0,
      })),
    ),
  ].filter((f) => f.samples.length > 0);
}
