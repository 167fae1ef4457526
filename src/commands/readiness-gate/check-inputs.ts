// What a check of the gate file names outside the file, read once before the first attempt:
// secrets from env vars or files, CA bundles.
import { readCaFile, readSecret } from '../../config/secrets.js';
import { UsageError } from '../../errors.js';
import { registerCredentials } from '../../output/redact.js';

/**
 * A secret from the variable a field names or the file another names, registered for redaction.
 * A variable that is not set is a config error: the check would otherwise try without the secret
 * and fail only at the deadline. `fields` are the two fields' paths, for the error.
 */
export async function secretFrom(
  given: { variable: string | undefined; file: string | undefined },
  fields: { variable: string; file: string },
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const { variable, file } = given;
  if (variable && !file && !env[variable])
    throw new UsageError(`${fields.variable}: expected ${variable} to be set, got nothing`);
  return readSecret({ env, envName: variable ?? '', file, fileFlag: fields.file });
}

/**
 * A password from password-env or password-file, registered for redaction with the tokens a server
 * could quote back. `at` is where the fields are: the check's name, or a part of it ("roundtrip.imap").
 */
export async function password(
  spec: {
    name: string;
    user?: string | undefined;
    'password-env'?: string | undefined;
    'password-file'?: string | undefined;
  },
  env: NodeJS.ProcessEnv,
  at = spec.name,
): Promise<string | undefined> {
  const value = await secretFrom(
    { variable: spec['password-env'], file: spec['password-file'] },
    { variable: `checks.${at}.password-env`, file: `checks.${at}.password-file` },
    env,
  );
  registerCredentials(spec.user ?? '', value);
  return value;
}

export const ca = (spec: { name: string; 'ca-file'?: string | undefined }, field = 'ca-file') =>
  readCaFile(spec['ca-file'], `checks.${spec.name}.${field}`);
