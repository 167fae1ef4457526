import { execFileSync } from 'node:child_process';

/** `promtool check metrics` (Debian's prometheus package) on an exposition: its verdict and what it said. */
export function promtoolCheck(text: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync('/usr/bin/promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { ok: true, output };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
