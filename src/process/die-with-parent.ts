import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * util-linux's setpriv sets PR_SET_PDEATHSIG before it execs the program: the program gets
 * SIGKILL when mailops dies, even by SIGKILL or the OOM killer, when no exit hook of ours runs.
 * Without it an orphaned rsync goes on writing into a staging directory that the next run,
 * finding the lock's holder dead, removes under it.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];

let support: Promise<string | undefined> | undefined;

/**
 * setpriv's path when it takes --pdeathsig (util-linux 2.33 and later), asked once per run. The
 * one program not started by runProcess, which needs the answer first: `true`, killed after 2 s.
 */
function setpriv(): Promise<string | undefined> {
  support ??= (async () => {
    if (process.platform !== 'linux') return undefined;
    const path = SETPRIV.find(executable);
    if (!path) return undefined;
    const ok = await new Promise<boolean>((resolve) => {
      const probe = spawn(path, ['--pdeathsig', 'KILL', '--', 'true'], {
        stdio: 'ignore',
        timeout: 2000,
        killSignal: 'SIGKILL',
      });
      probe.once('error', () => resolve(false));
      probe.once('exit', (code) => resolve(code === 0));
    });
    return ok ? path : undefined;
  })();
  return support;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Where `file` is found, as execvp would find it, or undefined when it is not. */
export function findProgram(file: string, env: NodeJS.ProcessEnv): string | undefined {
  if (file.includes('/')) return executable(file) ? file : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const path = join(dir || '.', file);
    if (executable(path)) return path;
  }
  return undefined;
}

/**
 * The argv that runs `argv` so that it dies with mailops, or undefined when its program is not
 * found (the caller reports ENOENT as if spawn had: setpriv would only say so on stderr).
 */
export async function dyingWithParent(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string[] | undefined> {
  const [file = 'sh', ...args] = argv;
  const wrapper = await setpriv();
  if (!wrapper) return [file, ...args];
  const program = findProgram(file, env);
  return program ? [wrapper, '--pdeathsig', 'KILL', '--', program, ...args] : undefined;
}
