// The JSON Schema (draft 2020-12) of the report document, generated from its one definition in
// src/report/schema.ts. The build writes it to schema/report.schema.json, which the package
// ships; a test checks the committed file is what this generates.
import { toJsonSchema } from '@valibot/to-json-schema';
import { reportSchema, SCHEMA_VERSION } from '../src/report/schema.ts';

export const REPORT_SCHEMA_FILE = 'schema/report.schema.json';

/** The schema document, as text: stable key order, two-space indent, a final newline. */
export function reportJsonSchema(): string {
  const schema = toJsonSchema(reportSchema, { target: 'draft-2020-12', errorMode: 'throw' });
  return `${JSON.stringify(
    {
      $schema: schema.$schema,
      $id: `urn:mailops:schema:report:${SCHEMA_VERSION}`,
      title: `mailops report, schemaVersion ${SCHEMA_VERSION}`,
      description:
        'What `mailops <command> --output json` prints. Additive within a schemaVersion (new optional fields, new kinds of details); anything else bumps it.',
      ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
    },
    null,
    2,
  )}\n`;
}
