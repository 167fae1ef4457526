import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { periodId } from '../../src/checks/period.js';
import type { Report } from '../../src/checks/types.js';
import { mailops } from './cli.js';

/** Runs `backup-rsync` and returns the JSON report with the exit code. */
export async function backup(args: string[], env: Record<string, string> = {}) {
  const result = await mailops(['backup-rsync', ...args, '--output', 'json'], env);
  const report = result.stdout ? (JSON.parse(result.stdout) as Report) : undefined;
  return { ...result, report };
}

/** Makes a snapshot look as if an earlier period had written it (the clock cannot be turned back). */
export function backdate(dest: string, from: string, to: string): void {
  renameSync(join(dest, from), join(dest, to));
  const marker = join(dest, to, '.mailops-snapshot.json');
  const manifest = JSON.parse(readFileSync(marker, 'utf8')) as { id: string };
  writeFileSync(marker, JSON.stringify({ ...manifest, id: to }));
}

export const week = () => periodId(new Date(), 'week');

export const ino = (path: string) => statSync(path).ino;

/**
 * GNU md5sum's line for every regular file under root (not under a link to a directory), in
 * order of the path (md5sum escapes some: its line starts with a backslash).
 */
export function md5Lines(root: string): string[] {
  const lines = execFileSync('sh', ['-c', "find -P . -type f -printf '%P\\0' | xargs -0r md5sum"], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  const path = (line: string) =>
    line.startsWith('\\')
      ? line.slice(35).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c))
      : line.slice(34);
  return lines.sort((a, b) => (path(a) < path(b) ? -1 : 1));
}

/**
 * Backs up and checks the manifest line for line against the snapshot's files; returns how many
 * files the run hashed and where its file list came from.
 */
export async function backupAndCompare(
  src: string,
  dest: string,
  args: string[] = [],
): Promise<{ hashed: number; from: string; report: Report | undefined }> {
  const result = await backup(['--source', `mail=${src}`, '--dest', dest, '--verbose', ...args]);
  expect(result.exitCode, result.stderr).toBe(0);
  const manifest = readFileSync(join(dest, week(), '.mailops', 'mail.md5'), 'utf8')
    .trimEnd()
    .split('\n');
  expect(manifest).toEqual(md5Lines(join(dest, week(), 'mail')));
  const said = /mail: (\d+) of \d+ files hashed.*; file list from (.*)/.exec(result.stderr);
  return { hashed: Number(said?.[1]), from: said?.[2] ?? '', report: result.report };
}

/** `backup-rsync verify` of this week's snapshot passes. */
export async function expectVerified(dest: string): Promise<void> {
  const verified = await backup(['verify', '--dest', dest, '--snapshot', week()]);
  expect(verified.report?.summary).toBe(`Verify SUCCESS: snapshot ${week()} matches its manifest`);
}
