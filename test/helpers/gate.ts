import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Report } from '../../src/checks/types.js';
import { mailops } from './cli.js';
import { tempDir } from './scratch.js';

/** Writes the checks as a gate file and runs `readiness-gate` on it, JSON out. */
export async function gate(checks: object[], args: string[] = [], env: Record<string, string> = {}) {
  const dir = tempDir('gate');
  const file = join(dir, 'gate.yaml');
  writeFileSync(file, stringify({ 'readiness-gate': { interval: '200ms', checks } }));
  const result = await mailops(['readiness-gate', '--config', file, '--output', 'json', ...args], env);
  const report = result.stdout.startsWith('{') ? (JSON.parse(result.stdout) as Report) : undefined;
  const check = (name: string) => report?.checks.find((c) => c.name === name);
  const metric = (name: string, check?: string) =>
    report?.metrics.find((m) => m.name === name)?.samples.find((s) => !check || s.labels.check === check)
      ?.value;
  return { ...result, report, check, metric, dir, file };
}
