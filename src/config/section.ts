import * as v from 'valibot';
import type { CommandSpec } from '../cli/command-spec.js';
import type { OptionDef } from '../cli/option-defs.js';
import { DURATION_EXPECTED, parseDuration } from './duration.js';
import { isHttpUrl, LABEL_NAME } from './names.js';

/** A duration as a config file spells it ("300s", not 300), kept in milliseconds. */
export const duration = v.pipe(
  v.union([v.string(), v.number()], DURATION_EXPECTED),
  v.check((value) => typeof value === 'string' && parseDuration(value) !== undefined, DURATION_EXPECTED),
  v.transform((value) => parseDuration(String(value)) ?? 0),
);

const labelName = v.pipe(
  v.string(),
  v.regex(LABEL_NAME, 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)'),
  v.check((name) => !name.startsWith('__'), 'a label name not starting with "__" (reserved)'),
);

export const port = v.pipe(
  v.number('a port from 1 to 65535'),
  v.integer('a port from 1 to 65535'),
  v.minValue(1, 'a port from 1 to 65535'),
  v.maxValue(65535, 'a port from 1 to 65535'),
);
/** A positive whole number: a flag of kind count, a gate check's successes. */
export const count = v.pipe(
  v.number('a whole number >= 1'),
  v.integer('a whole number >= 1'),
  v.minValue(1, 'a whole number >= 1'),
);

function schemaFor(def: OptionDef): v.GenericSchema {
  if (Array.isArray(def.kind)) return v.picklist(def.kind as string[]);
  switch (def.kind) {
    case 'duration':
      return duration;
    case 'port':
      return port;
    case 'count':
      return count;
    case 'flag':
      return v.boolean();
    case 'url':
      return v.pipe(v.string(), v.check(isHttpUrl, 'an http:// or https:// URL'));
    case 'labels':
      return v.record(labelName, v.string());
    case 'list':
      return v.array(v.pipe(v.string(), v.minLength(1, 'a non-empty string')));
    case 'pairs':
      return v.record(
        v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a plain name')),
        v.string(),
      );
    default:
      return v.pipe(v.string(), v.minLength(1, 'a non-empty string'));
  }
}

/** Options as config-file keys: their long flag names, values typed like the flags. */
export function optionEntries(defs: readonly OptionDef[]): Record<string, v.GenericSchema> {
  return Object.fromEntries(
    defs.filter((def) => !def.cliOnly).map((def) => [def.name, v.optional(schemaFor(def))]),
  );
}

/** The config-file section of a subcommand: its options, plus keys only a file can hold (the gate's checks). */
export function sectionSchema(
  defs: readonly OptionDef[],
  extra: Record<string, v.GenericSchema> = {},
): v.GenericSchema {
  return v.optional(v.strictObject({ ...optionEntries(defs), ...extra }));
}

/** Every subcommand's config-file key, subcommands of subcommands included. */
const configKeys = (specs: readonly CommandSpec[]): string[] =>
  specs.flatMap((spec) => [spec.configKey ?? spec.name, ...configKeys(spec.subcommands ?? [])]);

/**
 * The sections of the other subcommands a shared file holds (one ConfigMap for every job): taken
 * as they are, each is checked when its own command runs; any other unknown key is still refused.
 */
export function otherSections(specs: readonly CommandSpec[], own: string): Record<string, v.GenericSchema> {
  const others = configKeys(specs).filter((key) => key !== own);
  return Object.fromEntries(others.map((key) => [key, v.optional(v.unknown())]));
}

/** A list whose items' names must differ: "<what> names that are unique". */
export const uniqueNames = <T extends { name: string }>(what: string) =>
  v.check<T[], string>(
    (items) => new Set(items.map((i) => i.name)).size === items.length,
    `${what} names that are unique`,
  );

/** The path of a value inside input, as valibot reports it, for issues raised by a cross-field check. */
export function issuePath(
  input: unknown,
  keys: (string | number)[],
): [v.IssuePathItem, ...v.IssuePathItem[]] {
  let current = input as Record<string | number, unknown>;
  const items = keys.map((key) => {
    const value = current[key];
    const item = {
      type: typeof key === 'number' ? 'array' : 'object',
      origin: 'value',
      input: current,
      key,
      value,
    } as v.IssuePathItem;
    current = value as Record<string | number, unknown>;
    return item;
  });
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}
