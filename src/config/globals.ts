import * as v from 'valibot';
import { DURATION_EXPECTED, parseDuration } from './duration.js';

import { FORMATS, type Format, isHttpUrl, LABEL_NAME } from './names.js';

export { FORMATS, type Format };

export const labelName = v.pipe(
  v.string(),
  v.regex(LABEL_NAME, 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)'),
  v.check((name) => !name.startsWith('__'), 'a label name not starting with "__" (reserved)'),
);

const httpUrl = v.pipe(v.string(), v.check(isHttpUrl, 'an http:// or https:// URL'));

export const duration = v.pipe(
  v.union([v.string(), v.number()], DURATION_EXPECTED),
  v.check((value) => typeof value === 'string' && parseDuration(value) !== undefined, DURATION_EXPECTED),
  v.transform((value) => parseDuration(String(value)) ?? 0),
);

const jobName = v.pipe(v.string(), v.minLength(1, 'a non-empty job name'));

/** The global settings as a config file spells them; the same keys as the long flags. */
export const globalEntries = {
  output: v.optional(v.picklist(FORMATS)),
  pushgateway: v.optional(httpUrl),
  job: v.optional(jobName),
  label: v.optional(v.record(labelName, v.string())),
  timeout: v.optional(duration),
  verbose: v.optional(v.boolean()),
  quiet: v.optional(v.boolean()),
  color: v.optional(v.boolean()),
};

export interface GlobalOptions {
  output: Format;
  pushgateway: string | undefined;
  job: string;
  labels: Record<string, string>;
  timeoutMs: number | undefined;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}
