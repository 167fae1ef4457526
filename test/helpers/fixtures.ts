import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../src/checks/types.js';

export const FIXTURES = join(import.meta.dirname, '../../fixtures');

/** A fixture Report from fixtures/results. */
export function loadReport(name: string): Report {
  return JSON.parse(readFileSync(join(FIXTURES, 'results', `${name}.json`), 'utf8')) as Report;
}

/** Fixed "now" for golden outputs: 2026-11-22T09:00:20Z. */
export const NOW_MS = 1_795_338_020_000;
