import { join } from 'node:path';
import { execa } from 'execa';

export const BIN = join(import.meta.dirname, '../../bin/mailops.js');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real built bin, never on a TTY, with a clean MAILOPS_* environment. */
export async function mailops(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('MAILOPS_') && k !== 'NO_COLOR'),
  );
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { ...clean, ...env },
    extendEnv: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}
