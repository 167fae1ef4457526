import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { globalEntries } from './globals.js';
import { describeValue, formatIssue } from './issues.js';

export type ConfigSections = Record<string, v.GenericSchema>;
export type ConfigFile = Record<string, unknown>;

/** YAML text as data; a syntax error is one line with its position, exit 2. */
export function parseYaml(text: string, source: string): unknown {
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
  return doc.toJS() ?? {};
}

/** Data checked against a schema; every problem one line naming its field. */
export function validate<S extends v.GenericSchema>(
  schema: S,
  data: unknown,
  source: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, data, { abortEarly: false });
  if (!result.success) {
    throw new UsageError(result.issues.map((issue) => `${source}: ${formatIssue(issue)}`).join('\n'));
  }
  return result.output;
}

/** A file's text; unreadable is a usage error naming the flag that named it. */
export async function readText(path: string, flag: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`${flag}: expected ${what}, got ${JSON.stringify(path)} (${code})`);
  }
}

/** Parses YAML text against the global keys plus the command sections; throws UsageError with one line per problem. */
export function parseConfig(text: string, source: string, sections: ConfigSections = {}): ConfigFile {
  const data = parseYaml(text, source);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${source}: (root): expected a mapping of settings, got ${describeValue(data)}`);
  }
  return validate(v.strictObject({ ...globalEntries, ...sections }), data, source);
}

/** Reads and validates a --config file. */
export async function loadConfigFile(path: string, sections: ConfigSections = {}): Promise<ConfigFile> {
  return parseConfig(await readText(path, '--config', 'a readable YAML file'), path, sections);
}
