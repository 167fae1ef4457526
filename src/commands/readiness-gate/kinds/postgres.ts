import { durationText } from '../../../config/duration.js';
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
    const stop = () => void client.end().catch(() => undefined);
    signal.addEventListener('abort', stop, { once: true });
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
      signal.removeEventListener('abort', stop);
      await client.end().catch(() => undefined);
    }
  };
}
