import { command } from '../../cli/command-spec.js';
import { LOCK_STALE_AFTER_MS } from './lease.js';

const dest = {
  name: 'dest',
  arg: '<dir>',
  description: 'backup destination holding the snapshots',
  kind: 'string',
  required: 'the backup destination',
} as const;
const snapshot = {
  name: 'snapshot',
  arg: '<id>',
  description: 'snapshot id: the period, e.g. 2026-47',
  kind: 'string',
} as const;
const HOUR = 3_600_000;
/** A backup-rsync command's code, loaded with V8 set for memory over speed (lean-v8.ts). */
const leanly =
  <M>(load: () => Promise<M>) =>
  async (): Promise<M> => {
    (await import('./lean-v8.js')).leanV8();
    return load();
  };

const count = (name: string) =>
  `keep the newest complete snapshot of each of the last <n> ${name} that have one`;
/** Retention: given together, a snapshot any of them keeps is kept (see retention.ts). */
export const retentionOptions = [
  {
    name: 'keep',
    arg: '<n>',
    description: 'keep the newest <n> complete snapshots (default: 8 when no --keep-<period> is given)',
    kind: 'count',
  },
  { name: 'keep-daily', arg: '<n>', description: count('days (--period day)'), kind: 'count' },
  { name: 'keep-weekly', arg: '<n>', description: count('ISO weeks'), kind: 'count' },
  { name: 'keep-monthly', arg: '<n>', description: count('months'), kind: 'count' },
  { name: 'keep-yearly', arg: '<n>', description: count('years'), kind: 'count' },
] as const;

const lockStaleAfter = {
  name: 'lock-stale-after',
  arg: '<duration>',
  description:
    "take over a destination's lock not renewed for this long (a run renews it every third of this)",
  kind: 'duration',
  default: LOCK_STALE_AFTER_MS,
} as const;

export const listOptions = [dest, ...retentionOptions] as const;

export const list = command({
  name: 'list',
  configKey: 'backup-rsync-list',
  summary: 'list snapshots with date, size, new bytes, status and the retention rules keeping each',
  defaultJob: 'backup',
  metricPrefix: 'backup_list',
  options: listOptions,
  defaultTimeoutMs: () => HOUR,
  load: leanly(() => import('./list.js')),
});

export const verifyOptions = [
  dest,
  snapshot,
  { name: 'against-source', description: 'also list what differs from the live source', kind: 'flag' },
  {
    name: 'sample',
    arg: '<percent>',
    description:
      "rolling: re-read the next <percent> of the newest snapshot's files (1-100), continuing where the last run stopped",
    kind: 'count',
  },
  {
    name: 'budget',
    arg: '<duration>',
    description: "rolling: re-read the newest snapshot's next files until this much time has passed",
    kind: 'duration',
  },
] as const;

export const verify = command({
  name: 'verify',
  configKey: 'backup-rsync-verify',
  summary: 're-hash a snapshot against the checksum manifest written at backup time',
  defaultJob: 'backup-verify',
  metricPrefix: 'backup_verify',
  options: verifyOptions,
  defaultTimeoutMs: () => 6 * HOUR,
  load: leanly(() => import('./verify.js')),
});

export const restoreOptions = [
  dest,
  snapshot,
  {
    name: 'name',
    arg: '<name>',
    description: 'which source of the snapshot',
    kind: 'string',
    required: 'a source of the snapshot',
  },
  {
    name: 'to',
    arg: '<dir>',
    description: 'directory to restore into',
    kind: 'string',
    required: 'the directory to restore into',
  },
  {
    name: 'path',
    arg: '<path>',
    description:
      "only this directory or file of the source, relative to its root (e.g. users/alice/Maildir): a directory's contents, or the file, go into --to",
    kind: 'string',
  },
  {
    name: 'force',
    description: 'overwrite a non-empty target (files not in the snapshot are deleted)',
    kind: 'flag',
  },
] as const;

export const restore = command({
  name: 'restore',
  configKey: 'backup-rsync-restore',
  summary: 'restore one source of a snapshot into a directory (preview first; --force to overwrite)',
  defaultJob: 'backup-restore',
  metricPrefix: 'backup_restore',
  options: restoreOptions,
  defaultTimeoutMs: () => 6 * HOUR,
  load: leanly(() => import('./restore.js')),
});

export const pruneOptions = [
  dest,
  ...retentionOptions,
  { name: 'dry-run', description: 'show what would be deleted and why each other is kept', kind: 'flag' },
  lockStaleAfter,
] as const;

export const prune = command({
  name: 'prune',
  configKey: 'backup-rsync-prune',
  summary: 'delete the snapshots no retention rule keeps (--dry-run: only show them)',
  defaultJob: 'backup-prune',
  metricPrefix: 'backup_prune',
  options: pruneOptions,
  defaultTimeoutMs: () => 6 * HOUR,
  load: leanly(() => import('./prune.js')),
});

export const backupOptions = [
  {
    name: 'source',
    arg: '<name=path>',
    description: 'a tree to back up, repeatable',
    kind: 'pairs',
    required: 'at least one name=path',
  },
  dest,
  ...retentionOptions,
  {
    name: 'period',
    arg: '<period>',
    description: 'one snapshot per ISO week (YYYY-WW) or day',
    kind: ['week', 'day'],
    default: 'week',
  },
  { name: 'acls', description: 'copy POSIX ACLs (rsync -A)', kind: 'flag' },
  { name: 'xattrs', description: 'copy extended attributes (rsync -X)', kind: 'flag' },
  {
    name: 'parallel',
    arg: '<n>',
    description:
      'rsyncs side by side on a large tree, each on its own subtrees (default: one per core, at most 4; 1: one rsync)',
    kind: 'count',
  },
  {
    name: 'max-deleted',
    arg: '<percent>',
    description:
      "fail before promotion when more than this share of a source's files in the base is gone (a source emptied)",
    kind: 'count',
  },
  {
    name: 'max-changed',
    arg: '<percent>',
    description:
      "fail before promotion when more than this share of a source's files in the base is gone or rewritten (encrypted)",
    kind: 'count',
  },
  lockStaleAfter,
  {
    name: 'pre-hook',
    arg: '<command>',
    description: 'shell command run first; failing fails the run',
    kind: 'string',
  },
  {
    name: 'post-hook',
    arg: '<command>',
    description: 'shell command run after the snapshot is in place',
    kind: 'string',
  },
] as const;

export const backupRsync = command({
  name: 'backup-rsync',
  summary: 'hardlinked rsync snapshots with rotation, checksums, list, verify, restore and prune',
  defaultJob: 'backup',
  metricPrefix: 'backup',
  options: backupOptions,
  defaultTimeoutMs: () => 12 * HOUR,
  load: leanly(() => import('./run.js')),
  subcommands: [list, prune, restore, verify],
});
