import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_FILE, reportJsonSchema } from '../../scripts/report-schema.ts';
import { parseReport } from '../helpers/report-schema.js';

const minimal = {
  schemaVersion: 1,
  command: 'spf-check',
  metricPrefix: 'spf_check',
  status: 'fail',
  summary: 'SPF of example.org FAILED',
  startedAt: '2026-12-02T10:00:00.000Z',
  durationMs: 12,
  checks: [
    {
      name: 'check_host 192.0.2.9@1.1.1.1',
      status: 'pass',
      summary: 'softfail: ...',
      durationMs: 3,
      details: {
        kind: 'spf-check-host',
        resolver: '1.1.1.1',
        ip: '192.0.2.9',
        sender: 'postmaster@example.org',
        helo: 'example.org',
        result: 'softfail',
        comment: 'example.org: domain of ... does not designate ...',
        lookups: 1,
        voidLookups: 0,
        trace: [{ type: 'TXT', name: 'example.org', answer: ['v=spf1 ~all'] }],
      },
    },
  ],
  metrics: [
    {
      name: 'spf_check_success',
      help: 'x',
      type: 'gauge',
      policy: 'every-run',
      samples: [{ labels: {}, value: 0 }],
    },
  ],
  warnings: [],
};

describe('schema/report.schema.json: the JSON contract', () => {
  it('is what src/report/schema.ts generates (npm run schema rewrites it)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../..', REPORT_SCHEMA_FILE), 'utf8');
    expect(committed).toBe(reportJsonSchema());
  });

  it('accepts a report with typed details, and a NaN figure as null', () => {
    const document = structuredClone(minimal);
    document.metrics[0]!.samples[0]!.value = null as unknown as number;
    expect(parseReport(JSON.stringify(document)).checks[0]?.details?.kind).toBe('spf-check-host');
  });

  it.each([
    ['no schemaVersion', (d: typeof minimal) => Reflect.deleteProperty(d, 'schemaVersion')],
    ['another schemaVersion', (d: typeof minimal) => Object.assign(d, { schemaVersion: 2 })],
    ['a status outside the four', (d: typeof minimal) => Object.assign(d, { status: 'skip' })],
    [
      'details of no known kind',
      (d: typeof minimal) => Object.assign(d.checks[0]!.details, { kind: 'prose' }),
    ],
    [
      'an SPF result outside RFC 7208',
      (d: typeof minimal) => Object.assign(d.checks[0]!.details, { result: 'ok' }),
    ],
    ['a field no version defines', (d: typeof minimal) => Object.assign(d, { footer: ['IO stats'] })],
    ['a timestamp that is not one', (d: typeof minimal) => Object.assign(d, { startedAt: 'yesterday' })],
  ])('rejects %s', (_, spoil) => {
    const document = structuredClone(minimal);
    spoil(document);
    expect(() => parseReport(JSON.stringify(document))).toThrow(
      /does not satisfy schema\/report\.schema\.json/,
    );
  });
});
