import { redact } from './redact.js';
import type { Labels, MetricFamily } from '../checks/types.js';

// Redacted before escaping: an escaped secret (a quote, a backslash) would no longer match.
function escapeLabelValue(value: string): string {
  return redact(value).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return redact(text).replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] ?? '')}"`).join(',')}}`;
}

/**
 * Prometheus text exposition format 0.0.4, without client timestamps (the
 * Pushgateway rejects pushes that carry them, and alerts use push_time_seconds).
 * Families are sorted by name so output is stable across runs.
 */
export function exposition(families: readonly MetricFamily[]): string {
  const byName = new Map<string, MetricFamily>();
  for (const family of families) {
    const seen = byName.get(family.name);
    if (seen) seen.samples.push(...family.samples);
    else byName.set(family.name, { ...family, samples: [...family.samples] });
  }
  const lines: string[] = [];
  for (const name of [...byName.keys()].sort()) {
    const family = byName.get(name);
    if (!family || family.samples.length === 0) continue;
    lines.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`);
    for (const sample of family.samples) {
      lines.push(`${name}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
