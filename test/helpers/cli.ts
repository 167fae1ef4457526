import { join } from 'node:path';
import { execa } from 'execa';
import { parseReport, wantsJson } from './report-schema.js';

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
  // Every JSON report a test sees is checked against the shipped schema, failures and errors too.
  if (wantsJson(args, env) && result.stdout) parseReport(result.stdout);
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Resolves once a line of the stream matches: for acting on a running process at a known point. */
export function waitForLine(stream: NodeJS.ReadableStream | null, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!stream) return reject(new Error('no stream'));
    let seen = '';
    const onData = (chunk: Buffer | string) => {
      seen += String(chunk);
      if (pattern.test(seen)) {
        stream.off('data', onData);
        resolve();
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended before ${String(pattern)}`)));
  });
}

/** Resolves once `ready()` holds, polling; throws naming `what` after `ms`. */
export async function until(what: string, ready: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
