import { LOOKUP_LIMIT, VOID_LIMIT } from '../../checks/spf/analyze.js';
import { gaugeFamily } from '../../output/metrics.js';
import type { CheckResult, MetricFamily, Status } from '../../checks/types.js';
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

const check = (name: string, status: Status, summary: string): CheckResult => ({
  name,
  status,
  summary,
  durationMs: 0,
});

export function spfChecks(opts: SpfCheckOptions, views: ResolverView[]): CheckResult[] {
  const checks = views.map((v) => {
    const a = v.analysis;
    const budget = `${a.lookups}/${LOOKUP_LIMIT} lookups, ${a.voidLookups}/${VOID_LIMIT} void`;
    if (a.problem) return check(`record@${v.resolver}`, 'fail', a.problem.message);
    return check(
      `record@${v.resolver}`,
      a.errors.length ? 'fail' : 'pass',
      `"${a.record ?? ''}" (${budget})${a.errors.length ? `: ${a.errors.join('; ')}` : ''}`,
    );
  });
  if (views.length > 1) {
    const agree = resolversAgree(views);
    checks.push(
      check(
        'agreement',
        agree ? 'pass' : 'fail',
        agree
          ? `all ${views.length} resolvers serve the same record`
          : views.map((v) => `${v.resolver}: ${served(v)}`).join(' | '),
      ),
    );
  }
  for (const [i, e] of (views[0]?.expectations ?? []).entries()) {
    const missed = views.filter((v) => !v.expectations[i]?.met);
    checks.push(
      check(
        `expect ${e.label}`,
        missed.length ? 'fail' : 'pass',
        missed.length
          ? missed.map((v) => `${v.resolver}: found ${v.expectations[i]?.found ?? '-'}`).join('; ')
          : 'met on every resolver',
      ),
    );
  }
  for (const v of views) {
    if (v.client) {
      const c = v.client;
      checks.push(
        check(
          `check_host ${c.ip}@${v.resolver}`,
          c.result === 'temperror' ? 'error' : 'pass',
          `${c.result}: ${c.comment}${c.explanation ? ` (exp: ${c.explanation})` : ''}`,
        ),
      );
    }
    if (opts.dmarc) {
      const d = v.dmarc;
      const r = d?.record;
      checks.push(
        r
          ? check(
              `dmarc@${v.resolver}`,
              'pass',
              `p=${r.p}${r.sp ? ` sp=${r.sp}` : ''} pct=${r.pct ?? 100} adkim=${r.adkim} aspf=${r.aspf}${r.rua ? ` rua=${r.rua}` : ''}${r.ruf ? ` ruf=${r.ruf}` : ''} at ${r.at}`,
            )
          : check(`dmarc@${v.resolver}`, 'fail', d?.problem ?? 'not fetched'),
      );
    }
  }
  // One resolver's checks took as long as its view; the cross-resolver ones as long as the slowest.
  const slowest = Math.max(0, ...views.map((v) => v.durationMs));
  return checks.map((c) => ({
    ...c,
    durationMs: views.find((v) => c.name.endsWith(`@${v.resolver}`))?.durationMs ?? slowest,
  }));
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

/** The lookup budget term by term (first resolver), and check_host()'s trace when --ip was given. */
export function spfFooter(views: ResolverView[]): string[] {
  const first = views[0];
  if (!first?.analysis.record) return [];
  const lines = [
    'Lookups',
    ...first.analysis.terms.map((t, i) => {
      const flags = [t.void ? 'void' : '', t.note ?? ''].filter(Boolean).join(', ');
      return `  ${String(i + 1).padStart(2)}  ${t.term.padEnd(40)} in ${t.path.join(' > ')}${flags ? ` (${flags})` : ''}`;
    }),
  ];
  if (first.analysis.terms.length === 0) lines.push('  none: the record costs no DNS lookups');
  for (const v of views) {
    if (!v.client) continue;
    lines.push(
      `check_host(${v.client.ip}) on ${v.resolver}: ${v.client.result}`,
      ...v.client.trace.map((t) => `  ${t}`),
    );
    if (v.client.explanation) lines.push(`  exp: ${v.client.explanation}`);
  }
  return lines;
}
