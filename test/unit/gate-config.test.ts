import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../src/commands/readiness-gate/schema.js';
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
    // Every kind the schema knows, so that a new kind cannot miss its example.
    const kinds = checkSchema.options.map((option) => option.entries.kind.literal);
    expect(kinds.length).toBeGreaterThan(10);
    expect(new Set(checks.map((c) => c.kind))).toEqual(new Set(kinds));
  });
});
