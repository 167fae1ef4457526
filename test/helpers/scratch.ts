import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

/**
 * A scratch directory: inside the lab's, so the lab's teardown removes it with everything else;
 * in unit tests, which run without a lab, under the system's temporary directory.
 */
export function tempDir(prefix: string): string {
  const lab = inject('lab') as { dir: string } | undefined;
  if (!lab) return mkdtempSync(join(tmpdir(), `mailops-unit-${prefix}-`));
  const scratch = join(lab.dir, 'scratch');
  mkdirSync(scratch, { recursive: true });
  return mkdtempSync(join(scratch, `${prefix}-`));
}
