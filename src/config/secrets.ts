import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { registerSecret } from '../output/redact.js';

/**
 * A secret from a file (flag) or an env var, never from a flag value, so it
 * stays out of `ps` and shell history. Registered for redaction as soon as read.
 */
export async function readSecret(options: {
  env: NodeJS.ProcessEnv;
  envName: string;
  file: string | undefined;
  fileFlag: string;
}): Promise<string | undefined> {
  if (options.file) {
    let text: string;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UsageError(
        `${options.fileFlag}: expected a readable file, got ${JSON.stringify(options.file)} (${code})`,
      );
    }
    const secret = text.replace(/\r?\n$/, '');
    if (!secret) throw new UsageError(`${options.fileFlag}: expected a non-empty secret, got an empty file`);
    registerSecret(secret);
    return secret;
  }
  const fromEnv = options.env[options.envName];
  if (fromEnv) registerSecret(fromEnv);
  return fromEnv || undefined;
}

/** A PEM CA bundle named by a flag or config field; unreadable is a usage error naming the field. */
export async function readCaFile(file: unknown, field: string): Promise<string | undefined> {
  if (typeof file !== 'string') return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${field}: expected a readable PEM file, got ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}
