import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { BIN } from './cli.js';
import { parseReport, wantsJson } from './report-schema.js';

export interface TimedRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit: recorded for the README's fault table, never asserted. */
  seconds: number;
  pid: number;
}

/** A wrapper for runTimed writing to `trace` every rename, unlink, rmdir and fsync, with the file each names (-y). */
export const straceFs = (trace: string) => [
  'strace',
  '-f',
  '-qq',
  '-y',
  '-e',
  'trace=rename,renameat,renameat2,unlink,unlinkat,rmdir,fsync',
  '-o',
  trace,
];

/**
 * Runs the real bin (optionally under a wrapper such as `unshare --uts`), in a process group of
 * its own so a test can kill it whole. `started` gets the child as soon as it runs.
 */
export function runTimed(
  args: string[],
  options: {
    env?: Record<string, string>;
    wrap?: string[];
    started?: (pid: number) => void;
    /** Everything on stderr so far, each time more arrives. */
    onStderr?: (text: string) => void;
  } = {},
): Promise<TimedRun> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('MAILOPS_') && k !== 'NO_COLOR'),
  );
  const argv = [...(options.wrap ?? []), process.execPath, BIN, ...args];
  const began = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...clean, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  options.started?.(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    options.onStderr?.(stderr);
  });
  return new Promise((resolve, reject) => {
    child.once('close', (code, signal) => {
      // Every JSON report a test sees is checked against the shipped schema, failures and errors too.
      try {
        if (wantsJson(args, options.env) && stdout) parseReport(stdout);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      resolve({
        exitCode: code ?? (signal ? 128 : -1),
        stdout,
        stderr,
        seconds: (performance.now() - began) / 1000,
        pid: child.pid!,
      });
    });
  });
}

/** A command line run in a UTS namespace of its own under `host`: another pod, as a CronJob's next run is. */
export const onHost = (host: string, pidNamespace = false) => [
  'unshare',
  '--uts',
  ...(pidNamespace ? ['--pid', '--fork'] : []),
  'sh',
  '-c',
  `hostname ${host} && exec "$@"`,
  'sh',
];

export interface FaultRow {
  fault: string;
  command: string;
  seconds: number;
  exitCode: number;
  pushed: string;
  left: string;
}

/**
 * Adds a row to the README's table "Faults and what mailops does" when the suite runs with
 * MAILOPS_FAULT_TABLE set (scripts/fault-table.ts); otherwise does nothing.
 */
export function recordFault(row: FaultRow): void {
  const file = process.env.MAILOPS_FAULT_TABLE;
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}
