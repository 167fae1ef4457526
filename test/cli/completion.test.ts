import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailops } from '../helpers/cli.js';
import { tempDir } from '../helpers/scratch.js';

/** What bash offers after the given words (the last one is being typed). */
function bashComplete(script: string, words: string[]): string[] {
  const file = join(tempDir('completion'), 'mailops.bash');
  writeFileSync(file, script);
  const line = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source '${file}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _mailops; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('mailops completion', () => {
  it('bash: subcommands, nested subcommands, flags of the command being typed, and flag choices', async () => {
    const { stdout, exitCode } = await mailops(['completion', 'bash']);
    expect(exitCode).toBe(0);
    expect(bashComplete(stdout, ['mailops', 'sp'])).toEqual(['spf-check']);
    expect(bashComplete(stdout, ['mailops', 'backup-rsync', 'l'])).toEqual(['list']);
    expect(bashComplete(stdout, ['mailops', 'backup-rsync', 'verify', '--sn'])).toEqual(['--snapshot']);
    expect(bashComplete(stdout, ['mailops', 'spf-check', 'example.org', '--expect-d'])).toEqual([
      '--expect-dmarc-policy',
    ]);
    expect(bashComplete(stdout, ['mailops', 'readiness-gate', '--output', ''])).toEqual([
      'text',
      'json',
      'prom',
    ]);
    expect(bashComplete(stdout, ['mailops', 'haproxy-bootstrap', '--target', 'pf'])).toEqual(['pfsense-xml']);
  });

  it('zsh: a script zsh accepts; an unknown shell is a usage error', async () => {
    const { stdout, exitCode } = await mailops(['completion', 'zsh']);
    expect(exitCode).toBe(0);
    expect(stdout.startsWith('#compdef mailops\n')).toBe(true);
    const file = join(tempDir('completion'), '_mailops');
    writeFileSync(file, stdout);
    execFileSync('zsh', ['-n', file]);
    const fish = await mailops(['completion', 'fish']);
    expect(fish.exitCode).toBe(2);
    expect(fish.stderr.trim()).toBe('mailops: shell: expected bash or zsh, got "fish"');
  });
});
