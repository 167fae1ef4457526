// Runs the fault suite (test/faults) and prints the README's table "Faults and what mailops
// does" from what its tests measured: time to exit, exit code, what was pushed, what was left.
// Usage (after `. scripts/setup.sh`): node scripts/fault-table.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultRow } from '../test/helpers/faults.ts';

const file = join(mkdtempSync(join(tmpdir(), 'mailops-faults-')), 'rows.jsonl');
execFileSync('npx', ['vitest', 'run', 'test/faults'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, MAILOPS_FAULT_TABLE: file },
});
const rows = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as FaultRow)
  // Test files run side by side: grouped by subcommand, in the order each file recorded them.
  .sort((a, b) => a.command.split(' ')[0]!.localeCompare(b.command.split(' ')[0]!));

/** A cell's text, with the pipes a command line may hold escaped. */
const cell = (text: string) => text.replace(/\|/g, '\\|');
// Rows whose test does not time the run (a race of many runs, a shell pipeline) say so.
const seconds = (s: number | null) => (s === null || Number.isNaN(s) ? 'not timed' : `${s.toFixed(1)} s`);
const lines = [
  '| fault | run | time to exit | exit | pushed | left on disk |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${cell(r.fault)} | \`${cell(r.command)}\` | ${seconds(r.seconds)} | ${r.exitCode} | ${cell(r.pushed)} | ${cell(r.left)} |`,
  ),
];
console.log(lines.join('\n'));
