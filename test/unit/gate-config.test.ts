import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readinessGate } from '../../src/commands/readiness-gate/spec.js';
import { parseConfig } from '../../src/config/load.js';
import { sectionSchema } from '../../src/config/section.js';

const file = join(import.meta.dirname, '../../fixtures/config/gate.example.yaml');

describe('the example gate file in the README', () => {
  it('is a valid readiness-gate config with one check of every kind', async () => {
    const extra = await readinessGate.sectionEntries!();
    const config = parseConfig(readFileSync(file, 'utf8'), file, {
      'readiness-gate': sectionSchema(readinessGate.options, extra),
    });
    const checks = (config['readiness-gate'] as { checks: { kind: string }[] }).checks;
    expect(new Set(checks.map((c) => c.kind))).toEqual(
      new Set([
        'kubernetes-rollout',
        'http',
        'parity',
        'redis',
        'postgres',
        'smtp',
        'imap',
        'tls',
        'dns',
        'tcp',
        'command',
      ]),
    );
  });
});
