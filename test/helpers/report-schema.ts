import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ReportDocument } from '../../src/checks/types.js';

/** The shipped contract, as committed: every JSON report of the test suite must satisfy it. */
const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../schema/report.schema.json'), 'utf8'),
) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** Parses a JSON report and checks it against schema/report.schema.json; throws naming every violation. */
export function parseReport(json: string): ReportDocument {
  const document = JSON.parse(json) as unknown;
  if (!validate(document)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
    throw new Error(`the JSON report does not satisfy schema/report.schema.json:\n${problems.join('\n')}`);
  }
  return document as ReportDocument;
}

/** The arguments ask for a JSON report: the last --output says json, or MAILOPS_OUTPUT=json without one. */
export function wantsJson(args: readonly string[], env: Record<string, string> = {}): boolean {
  const flag = args.lastIndexOf('--output');
  return flag >= 0 ? args[flag + 1] === 'json' : env.MAILOPS_OUTPUT === 'json';
}
