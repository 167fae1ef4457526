import { durationText } from '../../../config/duration.js';
import { readCaFile } from '../../../config/secrets.js';
import type { KindOf } from '../schema.js';
import { checkSecret } from './secret.js';
import { describeError, failed, passed, type Probe } from './types.js';

/** AUTH (when a password is given) and PING answered by PONG, through node-redis. */
export async function redisProbe(spec: KindOf<'redis'>, env: NodeJS.ProcessEnv): Promise<Probe> {
  const password = await checkSecret(spec, env);
  const ca = await readCaFile(spec['ca-file'], `checks.${spec.name}.ca-file`);
  const { createClient } = await import('redis');
  return async ({ signal, timeoutMs }) => {
    const client = createClient({
      socket: {
        host: spec.host,
        port: spec.port,
        connectTimeout: timeoutMs,
        // The gate retries on its own schedule: node-redis must not reconnect behind it.
        reconnectStrategy: false,
        ...(spec.tls
          ? { tls: true as const, rejectUnauthorized: spec.insecure !== true, ...(ca ? { ca } : {}) }
          : {}),
      },
      ...(spec.user ? { username: spec.user } : {}),
      ...(password ? { password } : {}),
    });
    client.on('error', () => undefined);
    const stop = () => client.destroy();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await client.connect();
      const pong = await client.ping();
      return pong === 'PONG' ? passed(`PING answered PONG`) : failed(`PING answered ${pong}`);
    } catch (error) {
      return failed(
        `${spec.host}:${spec.port}: ${signal.aborted ? `no answer within ${durationText(timeoutMs)}` : describeError(error)}`,
      );
    } finally {
      signal.removeEventListener('abort', stop);
      if (client.isOpen) client.destroy();
    }
  };
}
