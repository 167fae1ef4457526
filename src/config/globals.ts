import * as v from 'valibot';
import { globalOptions } from '../cli/global-options.js';
import type { Format } from './names.js';
import { optionEntries } from './section.js';

export { FORMATS, type Format } from './names.js';

/** The global settings as a config file spells them: the global options' keys, and color. */
export const globalEntries = { ...optionEntries(globalOptions), color: v.optional(v.boolean()) };

/** The global settings a run uses, resolved from flag, env, config file and default. */
export interface GlobalOptions {
  output: Format;
  pushgateway: string | undefined;
  job: string;
  labels: Readonly<Record<string, string>>;
  timeoutMs: number | undefined;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}
