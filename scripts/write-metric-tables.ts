// Writes the README's tables of metric families from their definitions (`npm run metrics-table`),
// between the markers; a unit test fails while the README holds anything else there.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importBundled } from './import-bundled.ts';
import type * as MetricTables from './metric-tables.ts';

const root = join(import.meta.dirname, '..');
const readme = join(root, 'README.md');
const { generatedPart, metricTables } = await importBundled<typeof MetricTables>(
  root,
  'scripts/metric-tables.ts',
);
const text = readFileSync(readme, 'utf8');
const part = generatedPart(text);
if (part === undefined) throw new Error('README.md: the metric families markers are missing');
writeFileSync(readme, text.replace(part, (await metricTables(readme)).trimEnd()));
console.log('wrote the metric families into README.md');
