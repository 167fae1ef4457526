import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/commands/backup-rsync/lock.js';
import { recordFault } from '../helpers/faults.js';
import { tempDir } from '../helpers/scratch.js';

let dir = '';

/** One contender: waits for the common start, takes the lock, says whether it won, holds it a while. */
const CONTENDER = `
import { acquireLock } from './lock.mjs';
const [dest, at] = process.argv.slice(2);
const start = Number(at);
// Asleep until just before the start, then spinning: the contenders call acquireLock within microseconds.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, start - Date.now() - 5));
while (Date.now() < start) {}
try {
  const lease = await acquireLock(dest, 60000);
  console.log('won');
  await new Promise((resolve) => setTimeout(resolve, 400));
  await lease.release();
} catch (error) {
  console.log('lost: ' + error.message);
}
`;

function contend(dest: string, at: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, 'contender.mjs'), dest, String(at)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('close', () => resolve(out.trim()));
  });
}

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const stale = (host: string, token: string) =>
  `${JSON.stringify({ host, pid: 4242, startedAt: hourAgo(), renewedAt: hourAgo(), token })}\n`;

async function race(dest: string, contenders: number): Promise<string[]> {
  const at = Date.now() + 600;
  return Promise.all(Array.from({ length: contenders }, () => contend(dest, at)));
}

describe('taking over a stale backup lock: racing processes, one winner', () => {
  beforeAll(async () => {
    dir = tempDir('lock-race');
    await build({
      entryPoints: [join(import.meta.dirname, '../../src/commands/backup-rsync/lock.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(dir, 'lock.mjs'),
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'contender.mjs'), CONTENDER);
  });

  it('of three processes that find the same stale lock at the same moment, exactly one wins', async () => {
    for (let round = 0; round < 6; round++) {
      const dest = tempDir('race');
      writeFileSync(join(dest, LOCK_FILE), stale('gone-pod', `gone-${round}`));
      const said = await race(dest, 3);
      expect(
        said.filter((s) => s === 'won'),
        said.join('\n'),
      ).toHaveLength(1);
      for (const lost of said.filter((s) => s !== 'won'))
        expect(lost).toMatch(/^lost: .*(got one holding it|got another run taking it)/);
      expect(readdirSync(dest), 'no claim or temporary file is left').toEqual([]);
    }
    recordFault({
      fault: 'three runs find the same stale lock at the same moment (6 rounds)',
      command: 'backup-rsync',
      seconds: NaN,
      exitCode: 0,
      pushed: 'one run goes on; the others fail at `lock` and push `backup_success 0`',
      left: 'no claim or temporary file',
    });
  });

  it('a claim left by a run that died while taking over is itself taken over, by one of them', async () => {
    for (let round = 0; round < 3; round++) {
      const dest = tempDir('race-claim');
      writeFileSync(join(dest, LOCK_FILE), stale('gone-pod', `gone-${round}`));
      writeFileSync(
        join(dest, `${LOCK_FILE}.takeover-gone-${round}`),
        stale('died-claiming', `died-${round}`),
      );
      const said = await race(dest, 3);
      expect(
        said.filter((s) => s === 'won'),
        said.join('\n'),
      ).toHaveLength(1);
      expect(readdirSync(dest)).toEqual([]);
    }
  });
});
