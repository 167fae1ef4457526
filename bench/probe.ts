// probe-roundtrip on the lab: detection latency (when the probe saw the message
// minus when Dovecot stored it) and the wall time of a healthy run.
// Dovecot names each delivered Maildir file <seconds>.M<microseconds>P<pid>...,
// so the store time comes from the mail server itself, to the microsecond.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { watch } from 'node:fs';
import { join } from 'node:path';
import { startLab, stopLab } from '../lab/index.ts';
import { labProbeArgs, labProbeEnv } from '../lab/probe-args.ts';

const RUNS = Number(process.env.BENCH_PROBE_RUNS ?? 15);
const bin = join(import.meta.dirname, '../bin/mailops.js');

interface WaitDetails {
  seenAt: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const lab = await startLab();
try {
  const user = lab.users[0]!;
  const args = [bin, ...labProbeArgs(lab), '--output', 'json', '--quiet'];
  const env = { ...process.env, ...labProbeEnv(lab) };
  // Asynchronous, so the Maildir watcher sees deliveries while the probe runs.
  const probe = async () => {
    const started = process.hrtime.bigint();
    const result = await promisify(execFile)(process.execPath, args, { env, encoding: 'utf8' });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { wallMs, report: JSON.parse(result.stdout) as { checks: { name: string; details?: unknown }[] } };
  };
  await probe(); // warm-up: creates the Maildir, warms Postfix and Dovecot

  const stored: number[] = [];
  const newDir = join(lab.dir, 'mail', lab.domain, user.address.split('@')[0]!, 'Maildir', 'new');
  const watcher = watch(newDir, (_event, name) => {
    const match = name ? /^(\d+)\.M(\d+)P/.exec(name) : null;
    const at = match ? Number(match[1]) * 1000 + Number(match[2]) / 1000 : undefined;
    if (at !== undefined && !stored.includes(at)) stored.push(at);
  });
  const latencies: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const before = stored.length;
    const { wallMs, report } = await probe();
    const details = report.checks.find((c) => c.name === 'imap.wait')?.details as WaitDetails;
    const storedAt = stored[before];
    if (storedAt === undefined) throw new Error('no delivery seen in the Maildir');
    latencies.push(Date.parse(details.seenAt) - storedAt);
    walls.push(wallMs);
  }
  watcher.close();
  const latency = median(latencies);
  const wall = median(walls);
  console.log(
    `probe-roundtrip on the lab (${RUNS} runs, SMTP submission -> Postfix -> LMTP -> Dovecot, IMAPS IDLE)`,
  );
  console.log(
    `  detection latency (seen - stored by Dovecot): median ${latency.toFixed(1)} ms, min ${Math.min(...latencies).toFixed(1)}, max ${Math.max(...latencies).toFixed(1)}`,
  );
  console.log(
    `    goal median < 500 ms: ${latency < 500 ? 'met' : 'NOT met'}; 20 s polling would average about 10000 ms (ratio ${(10_000 / Math.max(latency, 0.1)).toFixed(0)}x)`,
  );
  console.log(
    `  healthy run wall time: median ${wall.toFixed(0)} ms, max ${Math.max(...walls).toFixed(0)} ms; goal < 3000 ms: ${wall < 3000 ? 'met' : 'NOT met'}`,
  );
} finally {
  await stopLab(lab.dir);
}
