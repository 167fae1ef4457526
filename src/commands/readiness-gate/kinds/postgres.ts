import { durationText } from '../../../config/duration.js';
import type { Socket } from 'node:net';
import { goodbye } from '../../../checks/deadline.js';
import type { KindOf } from '../schema.js';
import { checkSecret } from './secret.js';
import { describeError, failed, passed, type Probe } from './types.js';

/** Connects (node-postgres), runs the query, and compares the first column of the first row. */
export async function postgresProbe(spec: KindOf<'postgres'>, env: NodeJS.ProcessEnv): Promise<Probe> {
  const password = await checkSecret(spec, env);
  const { default: pg } = await import('pg');
  return async ({ signal, timeoutMs }) => {
    const client = new pg.Client({
      host: spec.host,
      port: spec.port,
      database: spec.database,
      user: spec.user,
      ...(password ? { password } : {}),
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    client.on('error', () => undefined);
    // node-postgres' end() waits for the server to close: a silent server would hold it for good.
    const hangUp = () =>
      (client as unknown as { connection?: { stream?: Socket } }).connection?.stream?.destroy();
    signal.addEventListener('abort', hangUp, { once: true });
    try {
      await client.connect();
      const result = await client.query({ text: spec.query, rowMode: 'array' });
      const first = (result.rows[0] as unknown[] | undefined)?.[0];
      // node-postgres gives text, numbers, booleans, dates, JSON; int8 and numeric come as text.
      const got =
        first === undefined || first === null
          ? 'no value'
          : typeof first === 'string'
            ? first
            : JSON.stringify(first);
      if (spec.expect !== undefined && got !== spec.expect)
        return failed(`${spec.query}: got ${got}, expected ${spec.expect}`);
      return passed(`${spec.query}: ${got}`);
    } catch (error) {
      return failed(
        `${spec.host}:${spec.port}: ${signal.aborted ? `no answer within ${durationText(timeoutMs)}` : describeError(error)}`,
      );
    } finally {
      signal.removeEventListener('abort', hangUp);
      if (signal.aborted) hangUp();
      else await goodbye('postgres terminate', client.end(), hangUp, timeoutMs);
    }
  };
}
