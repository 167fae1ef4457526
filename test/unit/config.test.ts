import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { otherSections, sectionSchema } from '../../src/config/section.js';
import { commandSpecs } from '../../src/commands/index.js';
import { spfCheck } from '../../src/commands/spf-check/spec.js';

const dir = join(import.meta.dirname, '../../fixtures/config');

describe('config files', () => {
  it('accepts every global setting', () => {
    const text = readFileSync(join(dir, 'valid/globals.yaml'), 'utf8');
    expect(parseConfig(text, 'globals.yaml')).toEqual({
      output: 'prom',
      pushgateway: 'http://pushgateway.monitoring:9091',
      job: 'email-roundtrip',
      label: { instance: 'mx1', env: 'prod' },
      timeout: 300_000,
      verbose: false,
      quiet: true,
      color: false,
    });
  });

  it("one file for every job: other subcommands' sections pass, its own and unknown keys are checked", () => {
    const sections = {
      ...otherSections(commandSpecs, 'spf-check'),
      'spf-check': sectionSchema(spfCheck.options),
    };
    const shared =
      'probe-roundtrip: { attempts: 15 }\nbackup-rsync-verify: { sample: 10 }\nspf-check: { dmarc: true }\n';
    expect(parseConfig(shared, 'shared.yaml', sections)).toMatchObject({ 'spf-check': { dmarc: true } });
    const fail = (text: string) => () => parseConfig(text, 'shared.yaml', sections);
    expect(fail(`${shared}probe-roundtrp: {}\n`)).toThrow(
      'shared.yaml: probe-roundtrp: expected no such key (unknown keys are rejected), got "probe-roundtrp"',
    );
    expect(fail('spf-check: { dmarcc: true }\n')).toThrow(
      'shared.yaml: spf-check.dmarcc: expected no such key',
    );
  });

  it('treats an empty file as no settings', () => {
    expect(parseConfig('', 'empty.yaml')).toEqual({});
  });

  const invalid = readdirSync(join(dir, 'invalid')).filter((f) => f.endsWith('.yaml'));
  it.each(invalid)('%s fails with its one-line message', (file) => {
    const text = readFileSync(join(dir, 'invalid', file), 'utf8');
    const expected = /^# expect: (.*)$/m.exec(text)?.[1];
    expect(expected).toBeDefined();
    let caught: unknown;
    try {
      parseConfig(text, file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(2);
    expect((caught as UsageError).message).toBe(expected);
  });
});
