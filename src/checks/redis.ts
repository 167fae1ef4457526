import { durationText } from '../config/duration.js';
import { StepTimeoutError, withDeadline } from './deadline.js';
import { type CheckContext, describeError, errored, failed, type Outcome, passed } from './outcome.js';

export interface RedisOptions {
  host: string;
  port: number;
  user?: string;
  password?: string;
  /** TLS with verification against `ca` (else the system store), unless insecure. */
  tls?: { ca?: string; insecure: boolean };
}

/** AUTH (when a password is given) and PING answered by PONG, through node-redis (loaded on first use). */
export async function redisCheck(
  options: RedisOptions,
  { signal, timeoutMs }: CheckContext,
): Promise<Outcome> {
  const { createClient } = await import('redis');
  const { host, port, tls } = options;
  const client = createClient({
    socket: {
      host,
      port,
      connectTimeout: timeoutMs,
      // Attempts are retried on their caller's schedule: node-redis must not reconnect behind it.
      reconnectStrategy: false,
      ...(tls
        ? { tls: true as const, rejectUnauthorized: !tls.insecure, ...(tls.ca ? { ca: tls.ca } : {}) }
        : {}),
    },
    ...(options.user ? { username: options.user } : {}),
    ...(options.password ? { password: options.password } : {}),
  });
  client.on('error', () => undefined);
  // Only an open client has a socket to close (destroying a closed one throws).
  const hangUp = () => {
    if (client.isOpen) client.destroy();
  };
  const details = { kind: 'redis-ping' as const, host, port };
  try {
    // Bounded by the budget and the signal together, aborted already or not: a silent server
    // never answers PING, and node-redis has no timeout of its own for it.
    const reply = await withDeadline(
      'PING',
      timeoutMs,
      client.connect().then(() => client.ping()),
      { signal, onExpire: hangUp },
    );
    return reply === 'PONG'
      ? passed('PING answered PONG', { details: { ...details, reply } })
      : failed(`PING answered ${reply}`, { details: { ...details, reply } });
  } catch (error) {
    const silent = signal.aborted || error instanceof StepTimeoutError;
    const why = silent ? `no answer within ${durationText(timeoutMs)}` : describeError(error);
    // A refused AUTH is Redis's answer; anything else is no answer.
    const refused = /WRONGPASS|NOAUTH|NOPERM/.test(String((error as Error).message));
    return (refused ? failed : errored)(`${host}:${port}: ${why}`, { details });
  } finally {
    hangUp();
  }
}
