import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** V8's optimization status bit: the function runs optimized code (Maglev's or TurboFan's). */
const OPTIMIZED = 1 << 4;
const leanV8 = join(import.meta.dirname, '../../src/commands/backup-rsync/lean-v8.ts');

/** A hot function's V8 optimization status after four million calls, with or without leanV8(). */
function statusOfHotFunction(lean: boolean): number {
  const dir = mkdtempSync(join(tmpdir(), 'mailops-lean-v8-'));
  const script = join(dir, 'hot.mjs');
  writeFileSync(
    script,
    `${lean ? `(await import(${JSON.stringify(leanV8)})).leanV8();` : ''}
function hot(x) { return x * 2 + 1; }
let sum = 0;
for (let i = 0; i < 2e6; i++) sum += hot(i);
await new Promise((resolve) => setTimeout(resolve, 100));
for (let i = 0; i < 2e6; i++) sum += hot(i);
process.stdout.write(String(%GetOptimizationStatus(hot)));`,
  );
  try {
    return Number(execFileSync(process.execPath, ['--allow-natives-syntax', script], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('leanV8', () => {
  // The flags are set at run time: a Node that froze V8's flags after start would ignore them.
  it('keeps hot code out of the optimizing compilers, which V8 otherwise uses', () => {
    expect(statusOfHotFunction(false) & OPTIMIZED).toBe(OPTIMIZED);
    expect(statusOfHotFunction(true) & OPTIMIZED).toBe(0);
  });
});
