import { readCaFile } from '../../../config/secrets.js';
import { openSmtpSession } from '../../../checks/smtp-session.js';
import type { KindOf } from '../schema.js';
import { checkSecret } from './secret.js';
import { describeError, failed, GATE_TLS_FIX, isTlsMismatch, passed, type Probe } from './types.js';

/** Greeting, EHLO, STARTTLS (required when asked for), AUTH when a user is given, QUIT. */
export async function smtpProbe(spec: KindOf<'smtp'>, env: NodeJS.ProcessEnv): Promise<Probe> {
  const password = await checkSecret(spec, env);
  const ca = await readCaFile(spec['ca-file'], `checks.${spec.name}.ca-file`);
  const endpoint = {
    host: spec.host,
    port: spec.port,
    tls: spec.tls,
    insecure: spec.insecure === true,
    tlsFix: GATE_TLS_FIX,
    ...(spec.user ? { user: spec.user } : {}),
    ...(password ? { password } : {}),
    ...(ca ? { ca } : {}),
  };
  return async ({ signal, timeoutMs }) => {
    try {
      const { dialogue, greeting } = await openSmtpSession(endpoint, {
        timeoutMs,
        signal,
        ehloName: spec.ehlo,
      });
      await dialogue.quit();
      const steps = [spec.tls === 'starttls' ? 'STARTTLS' : '', spec.user ? 'AUTH' : ''].filter(Boolean);
      return passed(`${greeting}${steps.length ? `; ${steps.join(' and ')} ok` : ''}`);
    } catch (error) {
      // A TLS mismatch is the check's own setting: retrying cannot help.
      return failed(`${spec.host}:${spec.port}: ${describeError(error)}`, isTlsMismatch(error));
    }
  };
}
