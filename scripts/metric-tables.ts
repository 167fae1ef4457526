// The README's tables of metric families, made from their one definition (src/report/families.ts)
// and the commands' specs. `npm run metrics-table` writes them into README.md; a unit test fails
// while the README holds anything else.
import { format, resolveConfig } from 'prettier';
import type { CommandSpec } from '../src/cli/command-spec.ts';
import { commandSpecs } from '../src/commands/index.ts';
import { everyFamily, FAMILIES, type FamilyDef, LABELS, runLevel } from '../src/report/families.ts';

export const BEGIN =
  '<!-- metric families: generated from src/report/families.ts by `npm run metrics-table` -->';
export const END = '<!-- end of metric families -->';

/** Every command line with its spec: `backup-rsync`, `backup-rsync verify`, ... */
export function prefixedCommands(specs: readonly CommandSpec[] = commandSpecs) {
  return specs.flatMap((spec) => [
    { command: spec.name, prefix: spec.metricPrefix, job: spec.defaultJob },
    ...(spec.subcommands ?? []).map((sub) => ({
      command: `${spec.name} ${sub.name}`,
      prefix: sub.metricPrefix,
      job: sub.defaultJob,
    })),
  ]);
}

/** Every family any run emits, run-level ones included. */
export const allFamilies = (): FamilyDef[] => everyFamily(prefixedCommands());

const code = (text: string) => `\`${text}\``;
const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
const table = (head: string[], rows: string[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const emitted = (def: FamilyDef) => def.when ?? (def.policy === 'on-success' ? 'passing runs' : 'every run');

function markdown(): string {
  const template = Object.values(runLevel('<prefix>', '`<command>`'));
  const all = allFamilies();
  const own = Object.values(FAMILIES) as FamilyDef[];
  return [
    BEGIN,
    "The run-level families, under each command's prefix:",
    table(
      ['family', 'type', 'pushed', 'meaning'],
      template.map((d) => [code(d.name), d.type, emitted(d), d.help]),
    ),
    'The run-level families of each command:',
    table(
      ['command', 'default job', 'families'],
      prefixedCommands().map(({ command, job }) => [
        code(command),
        code(job),
        all
          .filter((d) => d.command === command && !own.includes(d))
          .map((d) => code(d.name))
          .join(', '),
      ]),
    ),
    "The commands' own families:",
    table(
      ['family', 'type', 'labels', 'emitted by', 'meaning'],
      own.map((d) => [
        code(d.name),
        d.type,
        d.labels.map(code).join(', '),
        `${code(d.command)}: ${emitted(d)}`,
        d.help,
      ]),
    ),
    'Their labels, each from a bounded set:',
    table(
      ['label', 'values'],
      Object.entries(LABELS).map(([name, values]) => [code(name), values]),
    ),
    END,
  ].join('\n\n');
}

/** The tables as the README at `readme` holds them: formatted as the rest of it is. */
export async function metricTables(readme: string): Promise<string> {
  const options = await resolveConfig(readme);
  return format(markdown(), { ...options, parser: 'markdown' });
}

/** The generated part of a README text, markers included; undefined when they are missing. */
export function generatedPart(readme: string): string | undefined {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  return begin < 0 || end < begin ? undefined : readme.slice(begin, end + END.length);
}
