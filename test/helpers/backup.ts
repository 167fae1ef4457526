import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
