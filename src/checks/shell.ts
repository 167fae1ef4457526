import { spawn } from 'node:child_process';

/** Runs a program; output (stdout and stderr, last 4 KiB) is kept for the report. Killed on abort. */
export function runProgram(
  argv: readonly string[],
  options: { signal?: AbortSignal } = {},
): Promise<{ code: number; output: string; aborted: boolean }> {
  const [file = 'sh', ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4096));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const aborted = () => options.signal?.aborted === true;
    child.once('error', (error) => resolve({ code: 127, output: error.message, aborted: aborted() }));
    child.once('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), output: output.trim(), aborted: aborted() }),
    );
  });
}

/** Runs an operator's hook with `sh -c`. */
export function runShell(
  command: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ code: number; output: string }> {
  return runProgram(['sh', '-c', command], options);
}
