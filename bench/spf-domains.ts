// spf-check over a hosting provider's domains: 1,000 customer domains, each
// "v=spf1 a mx include:<provider> -all" with the provider's three-level include tree (five
// DNS-mechanism lookups a domain), served by the lab's Knot. One run with --domains-file
// against a shell loop of single-domain runs (what an operator writes today), timed on a
// sample and given per domain. Wall time and peak RSS of the mailops process.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, stopLab } from '../lab/index.ts';

const DOMAINS = Number(process.env.BENCH_SPF_DOMAINS ?? 1000);
const LOOP_SAMPLE = Number(process.env.BENCH_SPF_LOOP_SAMPLE ?? 40);
const RUNS = Number(process.env.BENCH_SPF_DOMAIN_RUNS ?? 3);
const bin = join(import.meta.dirname, '../bin/mailops.js');
const measure = join(import.meta.dirname, 'peak_rss.py');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const PROVIDER = '_spf.host.bench.spf.test';
const domain = (i: number) => `c${String(i).padStart(4, '0')}.bench.spf.test`;

function zoneLines(): string {
  const lines = [
    `${PROVIDER}. IN TXT "v=spf1 ip4:198.51.100.0/26 include:_l2.host.bench.spf.test -all"`,
    `_l2.host.bench.spf.test. IN TXT "v=spf1 ip4:198.51.100.64/26 include:_l3.host.bench.spf.test -all"`,
    `_l3.host.bench.spf.test. IN TXT "v=spf1 ip4:198.51.100.128/25 -all"`,
  ];
  for (let i = 0; i < DOMAINS; i++) {
    const name = `${domain(i)}.`;
    lines.push(`${name} IN TXT "v=spf1 a mx include:${PROVIDER} -all"`);
    lines.push(`${name} IN A 192.0.2.${(i % 250) + 1}`);
    lines.push(`${name} IN MX 10 mx.${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Wall seconds and peak RSS of one mailops run, measured by the wait of its parent. */
function timed(args: string[]): { seconds: number; peakMiB: number; exitCode: number } {
  const { stderr } = spawnSync('/usr/bin/python3', [measure, process.execPath, bin, ...args], {
    encoding: 'utf8',
  });
  const line = stderr.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(line || '{}') as { seconds: number; peakRssKiB: number; exitCode: number };
  return { seconds: result.seconds, peakMiB: result.peakRssKiB / 1024, exitCode: result.exitCode };
}

const lab = await startLab();
const dir = mkdtempSync(join(tmpdir(), 'mailops-bench-spf-'));
try {
  appendFileSync(join(lab.dns.zonesDir, 'spf.test.zone'), zoneLines());
  execFileSync('/usr/sbin/knotc', ['-c', lab.dns.conf, 'zone-reload', 'spf.test'], { stdio: 'pipe' });
  const file = join(dir, 'domains.txt');
  writeFileSync(file, `${Array.from({ length: DOMAINS }, (_, i) => domain(i)).join('\n')}\n`);
  const expect = ['--expect-include', PROVIDER, '--expect-all', '-all', '--resolver', lab.dns.server, '-q'];
  // A first run settles Knot's and the page cache's state: every timed run then starts alike.
  const first = timed(['spf-check', '--domains-file', file, ...expect]);
  if (first.exitCode !== 0) throw new Error(`spf-check over ${DOMAINS} domains exited ${first.exitCode}`);
  const runs = Array.from({ length: RUNS }, () => timed(['spf-check', '--domains-file', file, ...expect]));
  const wall = median(runs.map((r) => r.seconds));
  const peak = Math.max(...runs.map((r) => r.peakMiB));
  const loop = Array.from({ length: LOOP_SAMPLE }, (_, i) => timed(['spf-check', domain(i), ...expect]));
  const perDomain = loop.reduce((sum, r) => sum + r.seconds, 0) / LOOP_SAMPLE;
  const rate = DOMAINS / wall;
  console.log(
    `spf-check over ${DOMAINS} domains, each a three-level include tree (5 lookups), one --domains-file run (median of ${RUNS})`,
  );
  console.log(
    `  --domains-file  ${wall.toFixed(2).padStart(7)} s  ${rate.toFixed(0).padStart(6)} domains/s  peak RSS ${peak.toFixed(0)} MiB`,
  );
  console.log(
    `  shell loop      ${(perDomain * DOMAINS).toFixed(1).padStart(7)} s  ${(1 / perDomain).toFixed(1).padStart(6)} domains/s  (${LOOP_SAMPLE} single-domain runs timed, times ${DOMAINS / LOOP_SAMPLE})`,
  );
  console.log(
    `  ratio loop / --domains-file: ${((perDomain * DOMAINS) / wall).toFixed(0)}x; goals >= 500 domains/s: ${rate >= 500 ? 'met' : 'NOT met'}, peak RSS <= 150 MiB: ${peak <= 150 ? 'met' : 'NOT met'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await stopLab(lab.dir);
}
