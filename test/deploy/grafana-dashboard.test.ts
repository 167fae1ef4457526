import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { labProbeArgs, labProbeEnv } from '../../lab/probe-args.js';
import { mailops } from '../helpers/cli.js';
import { tempDir } from '../helpers/scratch.js';

const dashboard = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../deploy/grafana/mailops-dashboard.json'), 'utf8'),
) as { panels: { title: string; targets?: { expr: string }[] }[] };

/** Metric names in a PromQL expression: label matchers, grouping lists and strings removed, functions dropped. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|on|without|ignoring)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b/g)]
    .map((m) => m[0])
    .filter((name) => !/^(time|rate|sum|max|min|avg|count|and|or|unless|absent)$/.test(name));
}

/** The families a run prints with --output prom. */
async function families(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const run = await mailops([...args, '--output', 'prom'], env);
  return [...run.stdout.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
}

describe('deploy/grafana/mailops-dashboard.json', () => {
  it('references only metrics that mailops really emits (or the Pushgateway adds)', async () => {
    const lab = inject('lab');
    const dir = tempDir('dashboard');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'file'), 'data');
    const gateFile = join(dir, 'gate.yaml');
    writeFileSync(
      gateFile,
      stringify({
        'readiness-gate': { checks: [{ name: 'dns', kind: 'tcp', host: '127.0.0.1', port: lab.dns.port }] },
      }),
    );
    const emitted = new Set([
      'push_time_seconds',
      ...(await families([...labProbeArgs(lab)], labProbeEnv(lab))),
      ...(await families([
        'backup-rsync',
        '--source',
        `files=${join(dir, 'src')}`,
        '--dest',
        join(dir, 'dest'),
      ])),
      ...(await families(['spf-check', 'spf.test', '--resolver', lab.dns.server, '--expect-all', '~all'])),
      ...(await families(['readiness-gate', '--config', gateFile])),
    ]);
    const used = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).flatMap((t) => metricNames(t.expr).map((name) => [p.title, name])),
    );
    expect(used.length).toBeGreaterThan(15);
    expect(used.filter(([, name]) => !emitted.has(name!))).toEqual([]);
    // Each area has its panels: round trip, backups, SPF, the gate.
    for (const prefix of ['email_roundtrip_', 'backup_', 'spf_', 'readiness_']) {
      expect(
        used.some(([, name]) => name!.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });
});
