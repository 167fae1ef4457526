import type { MetricFamily, Report } from '../checks/types.js';
import { family, runLevel, single } from '../report/families.js';

/**
 * The run-level families of a report (src/report/families.ts). The last success is left out of
 * a failing run. A command may give <prefix>_duration_seconds its own meaning (the probe's round
 * trip) by emitting a family of that name itself.
 */
export function runFamilies(report: Report, nowMs: number): MetricFamily[] {
  const defs = runLevel(report.metricPrefix, report.command);
  const passed = report.status === 'pass';
  const nowSeconds = Math.round(nowMs / 1000);
  const families = [
    family(defs.success, single(passed ? 1 : 0)),
    family(defs.duration, single(report.durationMs / 1000)),
    family(defs.lastRun, single(nowSeconds)),
    ...(passed ? [family(defs.lastSuccess, single(nowSeconds))] : []),
  ];
  const own = new Set(report.metrics.map((f) => f.name));
  return families.filter((f) => !own.has(f.name));
}

/** Every family a report exposes: run-level first, then the command's own. */
export function reportFamilies(report: Report, nowMs: number): MetricFamily[] {
  return [...runFamilies(report, nowMs), ...report.metrics];
}

/** What a push sends: the whole report as one group, or each of its push groups with its own labels. */
export function pushGroupsOf(
  report: Report,
  nowMs: number,
): { labels: Readonly<Record<string, string>>; families: MetricFamily[] }[] {
  if (!report.pushGroups) return [{ labels: {}, families: reportFamilies(report, nowMs) }];
  return report.pushGroups.map(({ labels, status, metrics }) => ({
    labels,
    families: reportFamilies({ ...report, status, metrics }, nowMs),
  }));
}

/** Families of several parts (one per domain) merged by name, samples in part order. */
export function mergeFamilies(parts: readonly MetricFamily[][]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const family of parts.flat()) {
    const seen = byName.get(family.name);
    if (seen) seen.samples.push(...family.samples);
    else byName.set(family.name, { ...family, samples: [...family.samples] });
  }
  return [...byName.values()];
}
