import { readSecret } from '../../../config/secrets.js';
import { UsageError } from '../../../errors.js';
import { registerCredentials } from '../../../output/redact.js';

/**
 * A check's password from its password-env variable or password-file, registered for
 * redaction. A password-env naming a variable that is not set is a config error: the check
 * would otherwise try without a password and fail only at the deadline.
 */
export async function checkSecret(
  spec: {
    name: string;
    user?: string | undefined;
    'password-env'?: string | undefined;
    'password-file'?: string | undefined;
  },
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const variable = spec['password-env'];
  if (variable && !spec['password-file'] && !env[variable])
    throw new UsageError(`checks.${spec.name}.password-env: expected ${variable} to be set, got nothing`);
  const password = await readSecret({
    env,
    envName: variable ?? '',
    file: spec['password-file'],
    fileFlag: `checks.${spec.name}.password-file`,
  });
  // The tokens made of user and password (SASL PLAIN, Basic) are what a server would quote back.
  registerCredentials(spec.user ?? '', password);
  return password;
}
