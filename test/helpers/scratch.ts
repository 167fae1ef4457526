import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/** A scratch directory inside the lab's, so the lab's teardown removes it with everything else. */
export function tempDir(prefix: string): string {
  const scratch = join(inject('lab').dir, 'scratch');
  mkdirSync(scratch, { recursive: true });
  return mkdtempSync(join(scratch, `${prefix}-`));
}
