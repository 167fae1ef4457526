import { spawn } from 'node:child_process';

/** Runs an operator's hook with `sh -c`; output is kept (last 2 KiB) for the report. */
export function runShell(
  command: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-2048));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ code: 127, output: error.message }));
    child.once('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), output: output.trim() }),
    );
  });
}
