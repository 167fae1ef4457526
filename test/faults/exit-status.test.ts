import { execFileSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { recordFault } from '../helpers/faults.js';
import { ownJob } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';

const lab = inject('lab');

describe('the exit status survives a closed stdout', () => {
  it.each(['text', 'json', 'prom'])(
    '`mailops ... | true` still exits 1 for a failing run (--output %s)',
    (format) => {
      // A failing run that pushes after printing: the push is still under way when the closed pipe (EPIPE) is found.
      const args = [
        'backup-rsync',
        '--source',
        'mail=/nonexistent',
        '--dest',
        tempDir('epipe'),
        '--pushgateway',
        lab.pushgateway.url,
        '--job',
        ownJob('epipe'),
        '--output',
        format,
      ];
      // `true` exits at once: the report meets a closed pipe.
      const status = execFileSync(
        'bash',
        ['-c', `"$@" | true; echo "\${PIPESTATUS[0]}"`, 'bash', process.execPath, BIN, ...args],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      expect(status.trim()).toBe('1');
      if (format === 'text')
        recordFault({
          fault: 'stdout closed early (`mailops ... | head`)',
          command: 'backup-rsync (a failing run)',
          seconds: NaN,
          exitCode: 1,
          pushed: '`backup_success 0`, as usual',
          left: 'nothing',
        });
    },
  );
});
