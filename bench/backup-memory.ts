// backup-rsync's memory at mail-store scale: Maildir trees of 50,000, 100,000 and 200,000 files (and
// 2,000,000 with BENCH_BACKUP_HUGE=1), 200 messages a mailbox; a full copy, one night of 2 %
// churn (new mail, expunged mail, flags changed: a rename), then the incremental night by
// mailops and by plain `rsync -aH --delete --link-dest` side by side, and the same night by
// mailops with V8's defaults (bench/v8-defaults.mjs) beside the settings lean-v8.ts gives it.
// Peak RSS and CPU time are the mailops process's own (rsync's processes excluded), wall time
// the CLI's.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { periodId } from '../src/checks/period.ts';

const SIZES = [50_000, 100_000, 200_000, ...(process.env.BENCH_BACKUP_HUGE === '1' ? [2_000_000] : [])];
const PER_BOX = 200;
const bin = join(import.meta.dirname, '../bin/mailops.js');
const measure = join(import.meta.dirname, 'peak_rss.py');

interface Measured {
  seconds: number;
  selfMiB: number;
  cpuSeconds: number;
}

function measured(command: string[]): Measured {
  const run = spawnSync('/usr/bin/python3', [measure, ...command], { encoding: 'utf8' });
  const result = JSON.parse(run.stderr.trim().split('\n').at(-1) ?? '{}') as {
    exitCode: number;
    seconds: number;
    selfHwmKiB: number;
    selfCpuSeconds: number;
  };
  if (result.exitCode !== 0 && result.exitCode !== 24)
    throw new Error(`${command.join(' ')}: exit ${result.exitCode}: ${run.stderr}`);
  return { seconds: result.seconds, selfMiB: result.selfHwmKiB / 1024, cpuSeconds: result.selfCpuSeconds };
}

/** A message of a few hundred bytes: memory depends on the number of files, not their size. */
const body = (n: number) => `From: m${n}@example.org\nSubject: ${n}\n\n${'x'.repeat(200 + (n % 800))}\n`;

function tree(src: string, files: number): string[] {
  const names: string[] = [];
  for (let box = 0; box < files / PER_BOX; box++) {
    const dir = join(`u${box}`, 'Maildir', 'cur');
    mkdirSync(join(src, dir), { recursive: true });
    mkdirSync(join(src, `u${box}`, 'Maildir', 'new'));
    for (let m = 0; m < PER_BOX; m++) {
      const name = join(dir, `${box * PER_BOX + m}.M1P1.host:2,`);
      writeFileSync(join(src, name), body(names.length));
      names.push(name);
    }
  }
  return names;
}

/** 2 % of the tree: half new mail, a quarter expunged, a quarter flagged (renamed). */
function churn(src: string, names: string[]): void {
  const changes = names.length * 0.02;
  const step = Math.floor(names.length / changes);
  for (let k = 0; k < changes / 2; k++) {
    const box = (k * 7) % (names.length / PER_BOX);
    writeFileSync(join(src, `u${box}`, 'Maildir', 'new', `n${k}.M2P2.host`), body(k));
  }
  for (let k = 0; k < changes / 2; k++) {
    const name = names[k * step]!;
    if (k % 2) rmSync(join(src, name));
    else renameSync(join(src, name), join(src, `${name}S`));
  }
}

const defaults = join(import.meta.dirname, 'v8-defaults.mjs');
const rows: {
  files: number;
  full: Measured;
  night: Measured;
  v8Defaults: Measured;
  rsync: Measured;
  prune: Measured;
}[] = [];
for (const files of SIZES) {
  const root = mkdtempSync(join(tmpdir(), 'mailops-bench-memory-'));
  try {
    const src = join(root, 'src');
    const names = tree(src, files);
    const dest = join(root, 'mailops');
    // The bin itself, as the image's entrypoint and a CronJob run it: its #! line sets V8's flags.
    const backup = [bin, 'backup-rsync', '--source', `mail=${src}`, '--dest', dest, '-q'];
    const full = measured(backup);
    // Tonight's snapshot is the next period's base: give last night's an earlier week's name.
    const current = periodId(new Date(), 'week');
    renameSync(join(dest, current), join(dest, '2026-01'));
    const plain = join(root, 'rsync');
    mkdirSync(join(plain, '0'), { recursive: true });
    execFileSync('rsync', ['-aH', '--numeric-ids', `${src}/`, join(plain, '0', 'mail')]);
    churn(src, names);
    execFileSync('sync');
    // The same night twice, V8's defaults first: its snapshot is removed before the measured one.
    const v8Defaults = measured(['node', '--max-semi-space-size=2', '--import', defaults, ...backup]);
    rmSync(join(dest, current), { recursive: true });
    execFileSync('sync');
    const night = measured(backup);
    execFileSync('sync');
    mkdirSync(join(plain, '1'));
    const rsync = measured([
      'rsync',
      '-aH',
      '--delete',
      '--numeric-ids',
      `--link-dest=${join(plain, '0', 'mail')}`,
      `${src}/`,
      `${join(plain, '1', 'mail')}/`,
    ]);
    // Retention deleting last night's snapshot: renamed to trash, synced, then every file unlinked.
    const prune = measured([bin, 'backup-rsync', 'prune', '--dest', dest, '--keep', '1', '-q']);
    rows.push({ files, full, night, v8Defaults, rsync, prune });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log('backup-rsync memory at scale (Maildir trees, 200 messages a mailbox, one night of 2 % churn)');
console.log(
  '  files      full copy: wall, mailops RSS   incremental: mailops wall, RSS, CPU   rsync wall   ratio',
);
for (const { files, full, night, rsync } of rows)
  console.log(
    `  ${String(files).padStart(9)}  ${full.seconds.toFixed(1).padStart(8)} s ${full.selfMiB.toFixed(0).padStart(6)} MiB   ${night.seconds.toFixed(2).padStart(10)} s ${night.selfMiB.toFixed(0).padStart(6)} MiB ${night.cpuSeconds.toFixed(2).padStart(6)} s   ${rsync.seconds.toFixed(2).padStart(8)} s   ${(night.seconds / rsync.seconds).toFixed(2)}`,
  );
for (const { files, night, v8Defaults } of rows)
  console.log(
    `  ${files} files, the same night with V8's defaults: RSS ${v8Defaults.selfMiB.toFixed(0)} MiB against ${night.selfMiB.toFixed(0)} (${(night.selfMiB / v8Defaults.selfMiB).toFixed(2)}), CPU ${v8Defaults.cpuSeconds.toFixed(2)} s against ${night.cpuSeconds.toFixed(2)}, wall ${v8Defaults.seconds.toFixed(2)} s against ${night.seconds.toFixed(2)}`,
  );
for (const { files, prune } of rows)
  console.log(`  deleting one snapshot of ${files} files (prune --keep 1): ${prune.seconds.toFixed(2)} s`);
const [small, large] = [rows[0]!, rows.at(-1)!];
for (const [what, peak] of [
  ['full copy', (r: (typeof rows)[number]) => r.full.selfMiB],
  ['incremental', (r: (typeof rows)[number]) => r.night.selfMiB],
] as const) {
  const perFile = (peak(large) - peak(small)) / (large.files - small.files);
  console.log(
    `  ${what}: ${(perFile * 1024 * 1024).toFixed(1)} bytes of peak RSS per additional file (${small.files} to ${large.files} files)`,
  );
}
const GOALS: Record<number, number> = { 100_000: 80, 2_000_000: 128 };
for (const { files, full, night } of rows) {
  const goal = GOALS[files];
  if (goal === undefined) continue;
  const peak = Math.max(full.selfMiB, night.selfMiB);
  console.log(
    `  ${files} files: peak RSS ${peak.toFixed(0)} MiB (goal <= ${goal}: ${peak <= goal ? 'met' : 'NOT met'})`,
  );
}
for (const { files, night, rsync } of rows) {
  const ratio = night.seconds / rsync.seconds;
  console.log(
    `  ${files} files: incremental wall ${ratio.toFixed(2)} of plain rsync's (goal <= 1.00: ${ratio <= 1 ? 'met' : 'NOT met'})`,
  );
}
