import { type Command, Option } from 'commander';
import { durationText } from '../config/duration.js';
import { durationArg, labelsArg, listArg, pairsArg, portArg, positiveIntArg, urlArg } from './parsers.js';

/**
 * What a flag takes; the same kind drives the flag parser, the config-file schema and the type
 * of the parsed value. list: a repeatable string (several in the env var, comma-separated);
 * pairs: repeatable name=value; labels: pairs named as Prometheus labels; url: http(s) only;
 * a list of words: one of them.
 */
export type OptionKind =
  'string' | 'url' | 'duration' | 'port' | 'count' | 'flag' | 'pairs' | 'labels' | 'list' | readonly string[];

export interface OptionDef {
  /** Long flag without dashes; also the config-file key and, upper-cased, the env var suffix. */
  name: string;
  /** Placeholder in help, e.g. "<host>". */
  arg?: string;
  description: string;
  kind: OptionKind;
  default?: string | number | boolean;
  /** A run cannot do without it: what it expects, for "--dest: expected <this>, got nothing". */
  required?: string;
  /** One-letter alias, e.g. "v" for -v. */
  short?: string;
  /** Given only as a flag or env var, never as a config-file key (--config itself). */
  cliOnly?: true;
}

/** The value an option of a kind parses to. */
type KindValue<K> = K extends 'string' | 'url'
  ? string
  : K extends 'duration' | 'port' | 'count'
    ? number
    : K extends 'flag'
      ? boolean
      : K extends 'pairs' | 'labels'
        ? Readonly<Record<string, string>>
        : K extends 'list'
          ? readonly string[]
          : K extends readonly (infer Choice)[]
            ? Choice
            : never;

/**
 * A command's option values by long flag name, typed from their declaration: always there when
 * required, defaulted or a flag; possibly undefined otherwise.
 */
export type OptionValuesOf<Defs extends readonly OptionDef[]> = {
  readonly [D in Defs[number] as D['name']]: D extends
    { kind: 'flag' } | { required: string } | { default: unknown }
    ? KindValue<D['kind']>
    : KindValue<D['kind']> | undefined;
};

export function envName(name: string): string {
  return `MAILOPS_${name.toUpperCase().replace(/-/g, '_')}`;
}

const PARSERS: Partial<Record<string, (value: string, previous: unknown) => unknown>> = {
  pairs: pairsArg,
  labels: labelsArg,
  url: urlArg,
  list: listArg,
  duration: durationArg,
  port: portArg,
  count: positiveIntArg,
};

/**
 * Declares the options on a commander command. Value options read
 * MAILOPS_<NAME> through commander; boolean flags are read strictly by
 * optionValues, since commander would take MAILOPS_INSECURE=false as "on".
 */
export function addOptions(command: Command, defs: readonly OptionDef[]): void {
  for (const def of defs) {
    const flags = `${def.short ? `-${def.short}, ` : ''}--${def.name}`;
    if (def.kind === 'flag') {
      command.addOption(new Option(flags, `${def.description} (env: ${envName(def.name)}=true)`));
      continue;
    }
    // A default already fills a required option; only one without a default must be given.
    const needed = def.required !== undefined && def.default === undefined ? ' (required)' : '';
    const option = new Option(`${flags} ${def.arg ?? '<value>'}`, def.description + needed).env(
      envName(def.name),
    );
    if (Array.isArray(def.kind)) option.choices(def.kind as readonly string[]);
    else {
      const parse = PARSERS[def.kind as string];
      if (parse) option.argParser(parse);
    }
    // Durations are kept in milliseconds, and shown as the operator writes them (20s, not 20000).
    if (def.kind === 'duration' && typeof def.default === 'number')
      option.default(def.default, durationText(def.default));
    else if (def.default !== undefined) option.default(def.default);
    command.addOption(option);
  }
}
