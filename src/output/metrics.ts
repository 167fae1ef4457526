import type { MetricFamily, Report } from '../checks/types.js';

/**
 * The run-level families every command gets, so no command re-implements them
 * (blackbox_exporter's probe_success): <prefix>_success and
 * <prefix>_duration_seconds each run, <prefix>_last_success_timestamp_seconds
 * only when the run passed, so it outlives later failures in the Pushgateway.
 */
export function runFamilies(report: Report, nowMs: number): MetricFamily[] {
  const p = report.metricPrefix;
  const passed = report.status === 'pass';
  const families: MetricFamily[] = [
    {
      name: `${p}_success`,
      help: `1 if the last ${report.command} run passed, 0 otherwise.`,
      type: 'gauge',
      policy: 'every-run',
      samples: [{ labels: {}, value: passed ? 1 : 0 }],
    },
    {
      name: `${p}_duration_seconds`,
      help: `Wall time of the last ${report.command} run.`,
      type: 'gauge',
      policy: 'every-run',
      samples: [{ labels: {}, value: report.durationMs / 1000 }],
    },
  ];
  if (passed) {
    families.push({
      name: `${p}_last_success_timestamp_seconds`,
      help: `Unix time of the last passing ${report.command} run.`,
      type: 'gauge',
      policy: 'on-success',
      samples: [{ labels: {}, value: Math.round(nowMs / 1000) }],
    });
  }
  return families;
}

/** Every family a report exposes: run-level first, then the command's own. */
export function reportFamilies(report: Report, nowMs: number): MetricFamily[] {
  return [...runFamilies(report, nowMs), ...report.metrics];
}
