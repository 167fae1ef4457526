import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { envName, type OptionDef, type OptionValuesOf } from './option-defs.js';

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/** Boolean env vars: an unknown spelling is a usage error, not a silent "true". */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (TRUE.test(raw)) return true;
  if (FALSE.test(raw)) return false;
  throw new UsageError(`${name}: expected true or false, got ${JSON.stringify(raw)}`);
}

/**
 * Declared options' values by long flag name: flag, then env (strict for booleans), then the
 * config file's keys, then default; a required one left empty is a usage error. `holders` are
 * the commands that declare them, the first also holding the defaults: a parent that declares
 * the same flag (backup-rsync and backup-rsync list both take --dest) receives it when it follows
 * the subcommand's name.
 */
export function optionValues<const Defs extends readonly OptionDef[]>(
  defs: Defs,
  holders: readonly [Command, ...Command[]],
  file: Readonly<Record<string, unknown>> | undefined,
  env: NodeJS.ProcessEnv,
): OptionValuesOf<Defs> {
  const values: Record<string, unknown> = {};
  for (const def of defs) {
    const key = camelCase(def.name);
    const given = (c: Command) => ['cli', 'env'].includes(c.getOptionValueSource(key) ?? '');
    const holder = holders.find(given) ?? holders[0];
    const value = holder.opts<Record<string, unknown>>()[key];
    const source = holder.getOptionValueSource(key);
    const fromFlagEnv = def.kind === 'flag' && source !== 'cli' ? envFlag(env, envName(def.name)) : undefined;
    const fromFile = def.cliOnly ? undefined : file?.[def.name];
    if (source === 'cli' || source === 'env') values[def.name] = value;
    else if (fromFlagEnv !== undefined) values[def.name] = fromFlagEnv;
    else if (fromFile !== undefined) values[def.name] = fromFile;
    else values[def.name] = value ?? (def.kind === 'flag' ? false : undefined);
    if (def.required && isEmpty(values[def.name]))
      throw new UsageError(`--${def.name}: expected ${def.required}, got nothing`);
  }
  // The resolution above follows the declaration its type is read from.
  return values as OptionValuesOf<Defs>;
}

/** Nothing given: no value, an empty string, list or mapping (a config file's `source: {}`). */
const isEmpty = (value: unknown) =>
  value === undefined ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
