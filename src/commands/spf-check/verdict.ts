import { authoritativeProblem } from './authoritative-view.js';
import { failingDestinations } from './dmarc.js';
import type { SpfCheckOptions } from './expectations.js';
import type { DomainViews } from './report.js';
import type { ResolverView } from './view.js';

/** What a resolver serves, as compared for agreement: the record, or the reason there is none. */
export const served = (v: ResolverView) =>
  v.analysis.record ?? `(${v.analysis.problem?.message ?? 'nothing'})`;

export function resolversAgree(views: ResolverView[]): boolean {
  return new Set(views.map(served)).size <= 1;
}

/**
 * Passed when every resolver serves one valid record meeting every expectation, all serve the
 * same; with --dmarc, also a DMARC record whose external report destinations all authorized it;
 * with --authoritative, every name server of the zone serves that record too.
 */
export function verdict(
  opts: SpfCheckOptions,
  { views, authoritative }: DomainViews,
): { ok: boolean; why: string } {
  for (const v of views) {
    const a = v.analysis;
    if (a.problem) return { ok: false, why: `${v.resolver}: ${a.problem.message}` };
    if (a.errors.length) return { ok: false, why: `${v.resolver}: ${a.errors[0] ?? ''}` };
    const missed = v.expectations.find((e) => !e.met);
    if (missed)
      return { ok: false, why: `${v.resolver}: expected ${missed.label}, found ${missed.found ?? '-'}` };
  }
  if (!resolversAgree(views)) return { ok: false, why: 'resolvers serve different records' };
  const source =
    authoritative &&
    authoritativeProblem(
      authoritative,
      views.map((v) => v.analysis.record),
    );
  if (source) return { ok: false, why: source };
  if (opts.dmarc && views.some((v) => !v.dmarc?.record))
    return { ok: false, why: views.find((v) => v.dmarc?.problem)?.dmarc?.problem ?? 'no DMARC record' };
  const [failing] = opts.dmarc ? views.flatMap((v) => failingDestinations(v.dmarc?.record)) : [];
  if (failing?.problem) return { ok: false, why: failing.problem.message };
  return { ok: true, why: '' };
}
