import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess, runShell } from '../../src/process/run-process.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'mailops-run-'));
/** Running, not a zombie: an orphan is reparented to a PID 1 that may never reap it. */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};
const never = () => new AbortController().signal;

describe('runProcess: the one way mailops runs a program', () => {
  it('returns on the program exit while a background grandchild holds its pipes, and stops that grandchild', async () => {
    const dir = scratch();
    // The grandchild would touch `done` after 5 s if it ran to its end.
    const result = await runShell(`(sleep 5; touch ${dir}/done) & echo $!; echo 2026`, { signal: never() });
    expect(result.code).toBe(0);
    expect(result.stopped).toBe(false);
    const [pid, year] = result.output.split('\n');
    expect(year).toBe('2026');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(alive(Number(pid)), 'the background subshell was stopped with its group').toBe(false);
    expect(existsSync(join(dir, 'done')), 'the grandchild never finished').toBe(false);
  });

  it('on abort stops the whole group: SIGTERM, then SIGKILL for what ignores it', async () => {
    const dir = scratch();
    const stop = new AbortController();
    const pids: number[] = [];
    const pending = runShell(
      `trap '' TERM; (sleep 5; touch ${dir}/done) & echo $!; sleep 5; touch ${dir}/done`,
      {
        signal: stop.signal,
        onStdout: (chunk) => {
          pids.push(Number(chunk.toString().trim()));
          stop.abort();
        },
      },
    );
    const result = await pending;
    expect(result.stopped).toBe(true);
    // Killed by SIGKILL (9): the shell ignored SIGTERM.
    expect(result.code).toBe(128 + 9);
    expect(pids).toHaveLength(1);
    expect(alive(pids[0]!)).toBe(false);
    expect(existsSync(join(dir, 'done'))).toBe(false);
  });

  it('keeps only the start and the end of a large output', async () => {
    const result = await runProcess(
      ['sh', '-c', 'echo first; head -c 1000000 /dev/zero | tr "\\0" x; echo; echo last'],
      {
        signal: never(),
      },
    );
    expect(result.code).toBe(0);
    expect(result.output.length).toBeLessThan(9000);
    expect(result.output.startsWith('first\n')).toBe(true);
    expect(result.output.endsWith('\nlast')).toBe(true);
    expect(result.output).toMatch(/\[\.\.\. \d+ bytes left out \.\.\.\]/);
  });

  it('streams stdout to onStdout and keeps stderr, and feeds input on stdin', async () => {
    const chunks: Buffer[] = [];
    const result = await runProcess(['sh', '-c', 'cat; echo oops >&2; exit 3'], {
      signal: never(),
      input: 'a\nb\n',
      onStdout: (chunk) => chunks.push(chunk),
    });
    expect(Buffer.concat(chunks).toString()).toBe('a\nb\n');
    expect(result).toMatchObject({ code: 3, output: 'oops', stopped: false });
  });

  it('says why a program could not be started, and starts nothing once the signal has aborted', async () => {
    const missing = await runProcess(['mailops-no-such-program'], { signal: never() });
    expect(missing).toMatchObject({ code: 127, spawnError: 'ENOENT' });
    const stop = new AbortController();
    stop.abort();
    const dir = scratch();
    const skipped = await runShell(`touch ${dir}/ran`, { signal: stop.signal });
    expect(skipped.stopped).toBe(true);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});
