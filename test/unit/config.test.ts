import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseConfig } from '../../src/config/load.js';

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
