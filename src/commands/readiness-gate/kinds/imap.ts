import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { openMailbox } from '../../../checks/imap.js';
import { serverName, verification } from '../../../checks/tls-options.js';
import type { KindOf } from '../schema.js';
import { checkSecret } from './secret.js';
import { type Attempt, describeError, destroyOnAbort, failed, passed, type Probe } from './types.js';

/** The "* OK" greeting; with a user, a login and INBOX opened (imapflow). */
export async function imapProbe(spec: KindOf<'imap'>, env: NodeJS.ProcessEnv): Promise<Probe> {
  const password = await checkSecret(spec, env);
  const ca = spec['ca-file'] ? await readFile(spec['ca-file'], 'utf8') : undefined;
  const tls = verification({ insecure: spec.insecure === true, ...(ca ? { ca } : {}) });
  return async ({ signal, timeoutMs }) => {
    if (!spec.user) return greeting(spec, tls, signal, timeoutMs);
    try {
      const endpoint = {
        host: spec.host,
        port: spec.port,
        tls: spec.tls,
        user: spec.user,
        password: password ?? '',
        insecure: spec.insecure === true,
        ...(ca ? { ca } : {}),
      };
      const { client } = await openMailbox(endpoint, 'INBOX', { timeoutMs, signal });
      await client.logout().catch(() => client.close());
      return passed(`logged in as ${spec.user}, INBOX opened`);
    } catch (error) {
      return failed(`${spec.host}:${spec.port}: ${describeError(error)}`);
    }
  };
}

function greeting(
  spec: KindOf<'imap'>,
  tls: ReturnType<typeof verification>,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket =
      spec.tls === 'implicit'
        ? tlsConnect({ host: spec.host, port: spec.port, servername: serverName(spec.host), ...tls })
        : netConnect({ host: spec.host, port: spec.port });
    destroyOnAbort(signal, socket, timeoutMs);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      const line = buffer.slice(0, end).trim();
      socket.destroy();
      resolve(/^\* (OK|PREAUTH)\b/i.test(line) ? passed(line) : failed(`greeting: ${line}`));
    });
    socket.once('error', (error) => resolve(failed(`${spec.host}:${spec.port}: ${describeError(error)}`)));
    socket.once('close', () => resolve(failed(`${spec.host}:${spec.port}: closed before a greeting`)));
  });
}
