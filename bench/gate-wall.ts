import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const bin = join(import.meta.dirname, '../bin/mailops.js');
const run = promisify(execFile);

/** CLI wall time of one readiness-gate run of `file`, in ms. */
export async function gateWall(file: string, args: string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, [bin, 'readiness-gate', '--config', file, '-q', ...args]);
  return performance.now() - started;
}

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
