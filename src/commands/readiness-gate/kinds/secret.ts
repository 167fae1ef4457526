import { readSecret } from '../../../config/secrets.js';

/** A check's password from its password-env variable or password-file, registered for redaction. */
export function checkSecret(
  spec: { name: string; 'password-env'?: string | undefined; 'password-file'?: string | undefined },
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  return readSecret({
    env,
    envName: spec['password-env'] ?? '',
    file: spec['password-file'],
    fileFlag: `checks.${spec.name}.password-file`,
  });
}
