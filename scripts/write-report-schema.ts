// Writes schema/report.schema.json from src/report/schema.ts (`npm run schema`). The generator is
// bundled first: its imports name .js files that are .ts here. A unit test fails while the
// committed file is not what this writes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const generator = join(mkdtempSync(join(tmpdir(), 'mailops-schema-')), 'report-schema.mjs');
await build({
  entryPoints: [join(root, 'scripts/report-schema.ts')],
  outfile: generator,
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
});
const { REPORT_SCHEMA_FILE, reportJsonSchema } = (await import(generator)) as {
  REPORT_SCHEMA_FILE: string;
  reportJsonSchema: () => string;
};
writeFileSync(join(root, REPORT_SCHEMA_FILE), reportJsonSchema());
console.log(`wrote ${REPORT_SCHEMA_FILE}`);
