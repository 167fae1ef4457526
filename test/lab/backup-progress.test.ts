import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, mailops } from '../helpers/cli.js';
import { tempDir } from '../helpers/scratch.js';

/** A tree big enough that rsync reports progress while it copies. */
function sourceTree(): string {
  const src = tempDir('progress-src');
  mkdirSync(join(src, 'cur'));
  writeFileSync(join(src, 'big'), randomBytes(48 * 2 ** 20));
  for (let i = 0; i < 200; i++) writeFileSync(join(src, 'cur', `m${i}`), randomBytes(16 * 1024));
  return src;
}

const BAR = /\[#*-*\] \d{1,3}%/;

describe('backup-rsync progress', () => {
  it("draws rsync's --info=progress2 as a bar on a terminal", async () => {
    const src = sourceTree();
    const dest = tempDir('progress-dest');
    const typescript = join(dest, '..', 'progress.typescript');
    // util-linux script(1) gives the run a real pseudo-terminal and records every byte it draws.
    const command = [process.execPath, BIN, 'backup-rsync', '--source', `mail=${src}`, '--dest', dest]
      .map((arg) => `'${arg}'`)
      .join(' ');
    const run = await execa('script', ['-q', '-e', '-c', command, typescript], {
      reject: false,
      stdin: 'ignore',
      env: { TERM: 'xterm-256color', COLUMNS: '100' },
      timeout: 60_000,
    });
    expect(run.exitCode).toBe(0);
    const drawn = readFileSync(typescript, 'utf8');
    expect(drawn).toMatch(BAR);
    expect(drawn).toContain('Backup SUCCESS');
  });

  it('writes plain lines, and no bar, when not on a terminal', async () => {
    const src = sourceTree();
    const dest = tempDir('progress-dest');
    const run = await mailops(['backup-rsync', '--source', `mail=${src}`, '--dest', dest]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/^\S+Z info rsync\.mail: pass: /m);
    expect(run.stderr).not.toMatch(BAR);
    expect(run.stdout).not.toMatch(BAR);
  });
});
