import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { globalEntries } from './globals.js';
import { describeValue, formatIssue } from './issues.js';

export type ConfigSections = Record<string, v.GenericSchema>;
export type ConfigFile = Record<string, unknown>;

/** Parses YAML text against the global keys plus the command sections; throws UsageError with one line per problem. */
export function parseConfig(text: string, source: string, sections: ConfigSections = {}): ConfigFile {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    // Only the first: later YAML errors are usually echoes of it.
    const where = first.linePos?.[0] ? `:${first.linePos[0].line}:${first.linePos[0].col}` : '';
    const reason = (first.message.split('\n')[0] ?? 'a syntax error').replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    throw new UsageError(`${source}${where}: expected valid YAML, got ${reason}`);
  }
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${source}: (root): expected a mapping of settings, got ${describeValue(data)}`);
  }
  const schema = v.strictObject({ ...globalEntries, ...sections });
  const result = v.safeParse(schema, data, { abortEarly: false });
  if (!result.success) {
    throw new UsageError(result.issues.map((issue) => `${source}: ${formatIssue(issue)}`).join('\n'));
  }
  return result.output;
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
