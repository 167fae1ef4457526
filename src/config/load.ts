import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { globalEntries } from './globals.js';
import { formatIssue } from './issues.js';

export type ConfigSections = Record<string, v.GenericSchema>;
export type ConfigFile = Record<string, unknown>;

/** Parses YAML text against the global keys plus the command sections; throws UsageError with one line per problem. */
export function parseConfig(text: string, source: string, sections: ConfigSections = {}): ConfigFile {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UsageError(
      doc.errors
        .map((error) => {
          const where = error.linePos?.[0] ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
          return `${source}${where}: expected valid YAML, got ${error.message.split('\n')[0] ?? 'a syntax error'}`;
        })
        .join('\n'),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const schema = v.strictObject({ ...globalEntries, ...sections });
  const result = v.safeParse(schema, data, { abortEarly: false });
  if (!result.success) {
    throw new UsageError(result.issues.map((issue) => `${source}: ${formatIssue(issue)}`).join('\n'));
  }
  return result.output as ConfigFile;
}

/** Reads and validates a --config file. */
export async function loadConfigFile(path: string, sections: ConfigSections = {}): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`--config: expected a readable YAML file, got ${JSON.stringify(path)} (${code})`);
  }
  return parseConfig(text, path, sections);
}
