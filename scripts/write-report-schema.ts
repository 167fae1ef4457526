// Writes schema/report.schema.json from src/report/schema.ts (`npm run schema`). A unit test
// fails while the committed file is not what this writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importBundled } from './import-bundled.ts';
import type * as ReportSchema from './report-schema.ts';

const root = join(import.meta.dirname, '..');
const { REPORT_SCHEMA_FILE, reportJsonSchema } = await importBundled<typeof ReportSchema>(
  root,
  'scripts/report-schema.ts',
);
writeFileSync(join(root, REPORT_SCHEMA_FILE), reportJsonSchema());
console.log(`wrote ${REPORT_SCHEMA_FILE}`);
