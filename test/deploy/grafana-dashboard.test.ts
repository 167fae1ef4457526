import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promqlMetrics, SELECTABLE } from '../helpers/metric-references.js';

const dashboard = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../deploy/grafana/mailops-dashboard.json'), 'utf8'),
) as { panels: { title: string; targets?: { expr: string }[] }[] };

describe('deploy/grafana/mailops-dashboard.json', () => {
  // The lab's promtool test proves a real run emits every defined family.
  it('queries only families mailops defines (or the Pushgateway adds)', () => {
    const used = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).flatMap((t) => promqlMetrics(t.expr).map((name) => [p.title, name])),
    );
    expect(used.length).toBeGreaterThan(15);
    expect(used.filter(([, name]) => !SELECTABLE.has(name!))).toEqual([]);
    // Each area has its panels: round trip, backups, SPF, the gate.
    for (const prefix of ['email_roundtrip_', 'backup_', 'spf_', 'readiness_']) {
      expect(
        used.some(([, name]) => name!.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });
});
