import type { MetricFamily, Report } from '../checks/types.js';

function gauge(name: string, help: string, policy: MetricFamily['policy'], value: number): MetricFamily {
  return { name, help, type: 'gauge', policy, samples: [{ labels: {}, value }] };
}

/** A command's own gauge family, pushed by every run, with its labelled samples. */
export function gaugeFamily(name: string, help: string, samples: MetricFamily['samples']): MetricFamily {
  return { name, help, type: 'gauge', policy: 'every-run', samples };
}

/**
 * The run-level families every command gets, so no command re-implements them
 * (blackbox_exporter's probe_success). <prefix>_last_success_timestamp_seconds
 * is emitted only when the run passed, so it outlives later failures in the
 * Pushgateway. A command may give <prefix>_duration_seconds its own meaning
 * (the probe's round trip) by emitting a family of that name itself.
 */
export function runFamilies(report: Report, nowMs: number): MetricFamily[] {
  const p = report.metricPrefix;
  const passed = report.status === 'pass';
  const nowSeconds = Math.round(nowMs / 1000);
  const families = [
    gauge(
      `${p}_success`,
      `1 if the last ${report.command} run passed, 0 otherwise.`,
      'every-run',
      passed ? 1 : 0,
    ),
    gauge(
      `${p}_duration_seconds`,
      `Wall time of the last ${report.command} run.`,
      'every-run',
      report.durationMs / 1000,
    ),
    gauge(
      `${p}_last_run_timestamp_seconds`,
      `Unix time of the last ${report.command} run.`,
      'every-run',
      nowSeconds,
    ),
  ];
  if (passed) {
    families.push(
      gauge(
        `${p}_last_success_timestamp_seconds`,
        `Unix time of the last passing ${report.command} run.`,
        'on-success',
        nowSeconds,
      ),
    );
  }
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
