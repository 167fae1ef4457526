import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { BoundedOutput } from './bounded-output.js';
import { dyingWithParent } from './die-with-parent.js';

/** From SIGTERM to SIGKILL: time to clean up, short enough that a run still ends near its deadline. */
export const KILL_GRACE_MS = 1000;
/**
 * After the program exits, how long its pipes may stay open: what it wrote before exiting is read
 * within this, and a background grandchild that holds them (`sleep 30 &`) cannot hold the run.
 */
const DRAIN_MS = 200;

export interface ProcessOptions {
  /** The run's (or the attempt's) signal: on abort the whole process group is stopped. */
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; without it stdin is empty. */
  input?: string;
  /** Streams stdout here instead of keeping it in `output`. */
  onStdout?: (chunk: Buffer) => void;
  /** Drop stderr instead of keeping it in `output`. */
  ignoreStderr?: boolean;
}

export interface ProcessResult {
  /** The exit code; 128 + n when killed by signal n; 127 when the program could not be started. */
  code: number;
  /** The start and end of what it printed (stdout unless streamed, and stderr), bounded, trimmed. */
  output: string;
  /** It was stopped by the signal (a deadline, SIGTERM) rather than ending on its own. */
  stopped: boolean;
  /** Why it could not be started (ENOENT: not found), when it could not. */
  spawnError?: string;
}

/** Process groups still running, killed when mailops exits so that none outlives it. */
const live = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    // ESRCH: every member has exited.
    return false;
  }
}

/** SIGTERM now, SIGKILL after the grace, to every process of the group. */
function stopGroup(pgid: number): void {
  if (!signalGroup(pgid, 'SIGTERM')) {
    live.delete(pgid);
    return;
  }
  setTimeout(() => {
    signalGroup(pgid, 'SIGKILL');
    live.delete(pgid);
  }, KILL_GRACE_MS).unref();
}

/**
 * The one way mailops runs a program. It gets a process group of its own; when `signal` aborts,
 * the whole group gets SIGTERM, then SIGKILL after KILL_GRACE_MS. The call returns when the
 * program exits, not when every pipe closes: a grandchild left running keeps them open, and is
 * stopped with the rest of its group. On Linux it also dies with mailops (die-with-parent.ts), so a
 * mailops killed outright leaves no program running on. Output is kept bounded.
 */
export async function runProcess(argv: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const pgid of live) signalGroup(pgid, 'SIGKILL');
    });
  }
  const stoppedBefore = { code: 128 + constants.signals.SIGTERM, output: '', stopped: true };
  if (options.signal.aborted) return stoppedBefore;
  const env = options.env ?? process.env;
  const command = await dyingWithParent(argv, env);
  if (!command) return { code: 127, output: `spawn ${argv[0]} ENOENT`, stopped: false, spawnError: 'ENOENT' };
  if (options.signal.aborted) return stoppedBefore;
  const [file = 'sh', ...args] = command;
  return new Promise((resolve) => {
    const output = new BoundedOutput();
    const child = spawn(file, args, {
      detached: true,
      env,
      stdio: [
        options.input === undefined ? 'ignore' : 'pipe',
        'pipe',
        options.ignoreStderr ? 'ignore' : 'pipe',
      ],
    });
    const pgid = child.pid;
    if (pgid !== undefined) live.add(pgid);
    let stopped = false;
    const onAbort = () => {
      if (pgid === undefined) return;
      stopped = true;
      stopGroup(pgid);
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    // A program that exits before reading all its input has said why elsewhere: the EPIPE adds nothing.
    child.stdin?.on('error', () => undefined).end(options.input);
    child.stdout?.on('data', options.onStdout ?? ((chunk: Buffer) => output.push(chunk)));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));

    let settled = false;
    const finish = (result: ProcessResult) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (pgid !== undefined) live.delete(pgid);
      finish({ code: 127, output: error.message, stopped: false, spawnError: error.code ?? error.message });
    });
    child.once('exit', (code, signal) => {
      const result = () => ({
        code: code ?? 128 + (signal ? constants.signals[signal] : 0),
        output: output.text(),
        stopped,
      });
      const drained = () => {
        clearTimeout(timer);
        child.stdout?.destroy();
        child.stderr?.destroy();
        // What it left running in its group does not outlive it.
        if (pgid !== undefined) stopGroup(pgid);
        finish(result());
      };
      const timer = setTimeout(drained, DRAIN_MS);
      child.once('close', drained);
    });
  });
}

/** Runs an operator's command line with `sh -c`. */
export function runShell(command: string, options: ProcessOptions): Promise<ProcessResult> {
  return runProcess(['sh', '-c', command], options);
}
