import { readCaFile } from '../../../config/secrets.js';
import { logout, openMailbox } from '../../../checks/imap.js';
import { readBanner } from '../../../checks/banner.js';
import type { KindOf } from '../schema.js';
import { checkSecret } from './secret.js';
import {
  type Attempt,
  describeError,
  failed,
  GATE_TLS_FIX,
  isTlsMismatch,
  passed,
  type Probe,
} from './types.js';

/** The "* OK" greeting; with a user, a login and INBOX opened (imapflow). */
export async function imapProbe(spec: KindOf<'imap'>, env: NodeJS.ProcessEnv): Promise<Probe> {
  const password = await checkSecret(spec, env);
  const ca = await readCaFile(spec['ca-file'], `checks.${spec.name}.ca-file`);
  return async ({ signal, timeoutMs }) => {
    if (!spec.user) return greeting(spec, ca, signal, timeoutMs);
    try {
      const endpoint = {
        host: spec.host,
        port: spec.port,
        tls: spec.tls,
        user: spec.user,
        password: password ?? '',
        insecure: spec.insecure === true,
        tlsFix: GATE_TLS_FIX,
        ...(ca ? { ca } : {}),
      };
      const { client } = await openMailbox(endpoint, 'INBOX', { timeoutMs, signal });
      await logout(client, timeoutMs);
      return passed(`logged in as ${spec.user}, INBOX opened`);
    } catch (error) {
      // A TLS mismatch is the check's own setting: retrying cannot help.
      return failed(`${spec.host}:${spec.port}: ${describeError(error)}`, isTlsMismatch(error));
    }
  };
}

async function greeting(
  spec: KindOf<'imap'>,
  ca: string | undefined,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Attempt> {
  const target = {
    host: spec.host,
    port: spec.port,
    tls: spec.tls === 'implicit',
    insecure: spec.insecure === true,
    tlsFix: GATE_TLS_FIX,
  };
  const banner = await readBanner(ca ? { ...target, ca } : target, { timeoutMs, signal });
  if ('error' in banner)
    return failed(`${spec.host}:${spec.port}: ${banner.error}`, banner.tlsMismatch === true);
  return /^\* (OK|PREAUTH)\b/i.test(banner.line) ? passed(banner.line) : failed(`greeting: ${banner.line}`);
}
