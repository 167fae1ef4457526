// The pieces of the gate file's check kinds that more than one kind is made of.
import * as v from 'valibot';
import { count, duration } from '../../config/section.js';

export const text = v.pipe(v.string(), v.minLength(1, 'a non-empty string'));
const name = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'a check name (letters, digits, _ . : -)'),
);
export const host = text;
export const envName = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
);
export const texts = v.pipe(v.array(text), v.minLength(1, 'at least one entry'));
export const tlsMode = v.picklist(['implicit', 'starttls', 'none']);

/**
 * Every kind: its name, an optional budget for one attempt, and how many passing attempts in a
 * row make it ready (a flapping service passes once by luck).
 */
export const common = { name, 'attempt-timeout': v.optional(duration), successes: v.optional(count, 1) };
/** A password from an env var or a file, never inline in the file. */
export const secret = { 'password-env': v.optional(envName), 'password-file': v.optional(text) };
export const tlsOptions = { 'ca-file': v.optional(text), insecure: v.optional(v.boolean()) };
