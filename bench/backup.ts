// backup-rsync (as it runs by default, and with --parallel 1: one rsync) against plain
// `rsync -aH --delete --link-dest` and rsnapshot, on one
// generated tree of 20,000 files (4-60 KiB, a Maildir's spread) with 2 % churn per
// night as a Maildir sees it (new mail, expunged mail, flags changed: a file renamed),
// 15 nights each, interleaved (the median of 14 incremental nights: one run varies by
// +-5 % here); the disk used by the snapshots when there are 8 of them.
// Nothing is rotated out within the 15 nights: deleting a snapshot is work plain rsync
// does not do.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { periodId } from '../src/checks/period.ts';

const FILES = Number(process.env.BENCH_BACKUP_FILES ?? 20_000);
const NIGHTS = Number(process.env.BENCH_BACKUP_NIGHTS ?? 15);
const KEPT = Math.min(8, NIGHTS);
const CHURN = 0.02;
const root = mkdtempSync(join(tmpdir(), 'mailops-bench-backup-'));
const src = join(root, 'src');
const bin = join(import.meta.dirname, '../bin/mailops.js');

/** The messages in the tree, by path relative to src. */
const messages: string[] = [];
let delivered = 0;

function deliver(): void {
  const n = delivered++;
  const size = 4096 + Math.floor(Math.random() * 56 * 1024);
  const name = join(`d${n % 200}`, `m${n}`);
  writeFileSync(join(src, name), randomBytes(size));
  messages.push(name);
}

/** A random message, taken out of the list. */
function pick(): string {
  const i = Math.floor(Math.random() * messages.length);
  const [name] = messages.splice(i, 1);
  return name!;
}

/**
 * One night's churn, 2 % of the tree: half new mail, a quarter expunged, a quarter whose
 * flags changed (Maildir renames the file: `m1` becomes `m1:2,S`).
 */
function churn(): void {
  const changes = FILES * CHURN;
  for (let k = 0; k < changes / 2; k++) deliver();
  for (let k = 0; k < changes / 4; k++) rmSync(join(src, pick()));
  for (let k = 0; k < changes / 4; k++) {
    const name = pick();
    const flagged = name.endsWith(':2,S') ? `${name}T` : `${name.split(':')[0]}:2,S`;
    renameSync(join(src, name), join(src, flagged));
    messages.push(flagged);
  }
}

/** Wall time of one run, and what it printed. */
function time(command: string, args: string[]): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: exit ${result.status}: ${String(result.stderr)}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, stdout: String(result.stdout) };
}

const diskBytes = (path: string) =>
  Number(execFileSync('du', ['-s', '--block-size=1', path], { encoding: 'utf8' }).split('\t')[0]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

try {
  for (let d = 0; d < 200; d++) mkdirSync(join(src, `d${d}`), { recursive: true });
  for (let i = 0; i < FILES; i++) deliver();
  const full = diskBytes(src);

  const mailopsDests = {
    'mailops backup-rsync': join(root, 'mailops'),
    'mailops --parallel 1': join(root, 'one'),
  };
  const rsyncDest = join(root, 'rsync');
  const snapRoot = join(root, 'rsnapshot');
  mkdirSync(rsyncDest);
  mkdirSync(snapRoot);
  const conf = join(root, 'rsnapshot.conf');
  writeFileSync(
    conf,
    [
      `config_version\t1.2`,
      `snapshot_root\t${snapRoot}/`,
      `cmd_rsync\t/usr/bin/rsync`,
      `link_dest\t1`,
      `retain\tweekly\t${NIGHTS}`,
      `lockfile\t${root}/rsnapshot.pid`,
      `backup\t${src}/\tlocalhost/`,
      '',
    ].join('\n'),
  );
  const current = periodId(new Date(), 'week');
  let disk = { snapshots: 0, used: NaN };
  // How long mailops' own rsync step took, from its report: what is rsync's, what is mailops'.
  const inner: Record<string, number[]> = { 'mailops backup-rsync': [], 'mailops --parallel 1': [] };
  const times: Record<string, number[]> = {
    'mailops backup-rsync': [],
    'mailops --parallel 1': [],
    'rsync --link-dest': [],
    rsnapshot: [],
  };
  const mailops = (dest: string, extra: string[]) => () =>
    time(process.execPath, [
      bin,
      'backup-rsync',
      '--source',
      `mail=${src}`,
      '--dest',
      dest,
      '--keep',
      String(NIGHTS),
      '--output',
      'json',
      ...extra,
    ]);
  for (let night = 0; night < NIGHTS; night++) {
    if (night > 0) churn();
    const runs: [string, () => { ms: number; stdout: string }][] = [
      ['mailops backup-rsync', mailops(mailopsDests['mailops backup-rsync'], [])],
      ['mailops --parallel 1', mailops(mailopsDests['mailops --parallel 1'], ['--parallel', '1'])],
      [
        'rsync --link-dest',
        () => {
          // The operator's layout, <dest>/<period>/<name>/, as mailops writes it: in this sandbox
          // rsync's cost grows with the depth of the --link-dest path, so both get the same depth.
          mkdirSync(join(rsyncDest, String(night)));
          const base = night > 0 ? [`--link-dest=${join(rsyncDest, String(night - 1), 'mail')}`] : [];
          return time('rsync', [
            '-aH',
            '--delete',
            '--numeric-ids',
            ...base,
            `${src}/`,
            `${join(rsyncDest, String(night), 'mail')}/`,
          ]);
        },
      ],
      ['rsnapshot', () => time('rsnapshot', ['-c', conf, 'weekly'])],
    ];
    // Rotate who goes first, so page-cache warmth does not favour one tool.
    for (let r = 0; r < runs.length; r++) {
      const [name, go] = runs[(night + r) % runs.length]!;
      // Each run starts with nothing left to write back, so none pays for the one before it.
      execFileSync('sync');
      const { ms, stdout } = go();
      times[name]!.push(ms);
      if (name in inner) {
        const report = JSON.parse(stdout) as { checks: { name: string; durationMs: number }[] };
        inner[name]!.push(report.checks.find((c) => c.name === 'rsync.mail')?.durationMs ?? NaN);
      }
    }
    const mailopsDest = mailopsDests['mailops backup-rsync'];
    if (night === KEPT - 1) {
      const snapshots = readdirSync(mailopsDest).filter((n) => /^\d{4}-\d{2}$/.test(n)).length;
      disk = { snapshots, used: diskBytes(mailopsDest) };
    }
    // Each night is a new period for mailops: give tonight's snapshot an earlier week's name.
    const older = `2000-${String(night + 1).padStart(2, '0')}`;
    for (const dest of Object.values(mailopsDests)) {
      renameSync(join(dest, current), join(dest, older));
      const marker = join(dest, older, '.mailops-snapshot.json');
      writeFileSync(marker, JSON.stringify({ ...JSON.parse(readFileSync(marker, 'utf8')), id: older }));
    }
  }
  const incremental = (name: string) => median(times[name]!.slice(1));
  const plain = incremental('rsync --link-dest');
  const rsnap = incremental('rsnapshot');
  console.log(
    `backup-rsync (${FILES} files, ${(full / 2 ** 20).toFixed(0)} MiB, ${CHURN * 100} % churn, ${NIGHTS} nights, median of the ${NIGHTS - 1} incremental nights; --parallel defaults to ${Math.min(4, availableParallelism())} here)`,
  );
  for (const name of Object.keys(times)) {
    console.log(
      `  ${name.padEnd(22)} first ${times[name]![0]!.toFixed(0).padStart(6)} ms   incremental ${incremental(name).toFixed(0).padStart(6)} ms`,
    );
  }
  for (const name of Object.keys(inner)) {
    const rest = times[name]!.slice(1).map((total, i) => total - inner[name]![i + 1]!);
    const ratio = incremental(name) / plain;
    // The same ratio night by night (each pair ran back to back): shows how much of the spread
    // between runs is the machine's, not the tools'.
    const paired = times[name]!.slice(1).map((ms, i) => ms / times['rsync --link-dest']![i + 1]!);
    const sorted = [...paired].sort((a, b) => a - b);
    const quartile = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(2);
    console.log(`  ${name}:`);
    console.log(
      `    rsync step ${median(inner[name]!.slice(1)).toFixed(0)} ms, the rest (start, lock, split, manifest, promotion, exit) ${median(rest).toFixed(0)} ms`,
    );
    console.log(
      `    ratio to plain rsync ${ratio.toFixed(2)}${name === 'mailops backup-rsync' ? ` (goal <= 1.10: ${ratio <= 1.1 ? 'met' : 'NOT met'})` : ''}; night by night: median ${median(paired).toFixed(2)}, quartiles ${quartile(0.25)} to ${quartile(0.75)}, range ${quartile(0)} to ${quartile(1)}`,
    );
  }
  const ours = incremental('mailops backup-rsync');
  console.log(
    `  ratio mailops / rsnapshot: ${(ours / rsnap).toFixed(2)} (goal < 1.00: ${ours < rsnap ? 'met' : 'NOT met'})`,
  );
  const { snapshots, used } = disk;
  console.log(
    `  disk: ${snapshots} snapshots use ${(used / 2 ** 20).toFixed(0)} MiB, one full copy ${(full / 2 ** 20).toFixed(0)} MiB, ratio ${(used / full).toFixed(2)} (goal <= 1.20: ${used / full <= 1.2 ? 'met' : 'NOT met'})`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
