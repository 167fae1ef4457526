// CLI start-up: `mailops --help` against a bare `node -e 0`, interleaved, medians and their ratio.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const bin = join(import.meta.dirname, '../bin/mailops.js');
const cases = {
  'node -e 0': ['-e', '0'],
  'mailops --help': [bin, '--help'],
} as const;

function timeOnce(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const args of Object.values(cases)) timeOnce(args); // warm the page cache
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(cases)) samples[name]?.push(timeOnce(args));
}
const base = median(samples['node -e 0'] ?? []);
const cli = median(samples['mailops --help'] ?? []);
console.log(`startup (node ${process.version}, ${RUNS} interleaved runs each, median wall time)`);
for (const [name, values] of Object.entries(samples)) {
  console.log(
    `  ${name.padEnd(16)} ${median(values).toFixed(1).padStart(7)} ms  (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`,
  );
}
const ratio = cli / base;
console.log(
  `  ratio mailops --help / node -e 0: ${ratio.toFixed(2)} (goal <= 1.50: ${ratio <= 1.5 ? 'met' : 'NOT met'})`,
);
