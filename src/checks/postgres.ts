import type { Socket } from 'node:net';
import { durationText } from '../config/duration.js';
import { goodbye, withDeadline } from './deadline.js';
import { type CheckContext, describeError, errored, failed, type Outcome, passed } from './outcome.js';

export interface PostgresOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  query: string;
  /** The first column of the first row, as text; absent: any answer. */
  expect?: string;
}

/** Connects (node-postgres, loaded on first use), runs the query, and compares the first column of the first row. */
export async function postgresCheck(
  options: PostgresOptions,
  { signal, timeoutMs }: CheckContext,
): Promise<Outcome> {
  const { default: pg } = await import('pg');
  const { host, port, query } = options;
  const client = new pg.Client({
    host,
    port,
    database: options.database,
    user: options.user,
    ...(options.password ? { password: options.password } : {}),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  // node-postgres' end() waits for the server to close: a silent server would hold it for good.
  const hangUp = () =>
    (client as unknown as { connection?: { stream?: Socket } }).connection?.stream?.destroy();
  const details = { kind: 'postgres-query' as const, host, port, query };
  let silent = false;
  try {
    // One budget for connect and query, ended by the signal too, aborted already or not.
    const result = await withDeadline(
      'query',
      timeoutMs,
      client.connect().then(() => client.query({ text: query, rowMode: 'array' })),
      {
        signal,
        onExpire: () => {
          silent = true;
          hangUp();
        },
      },
    );
    const first = (result.rows[0] as unknown[] | undefined)?.[0];
    // node-postgres gives text, numbers, booleans, dates, JSON; int8 and numeric come as text.
    const value =
      first === undefined || first === null
        ? 'no value'
        : typeof first === 'string'
          ? first
          : JSON.stringify(first);
    if (options.expect !== undefined && value !== options.expect)
      return failed(`${query}: got ${value}, expected ${options.expect}`, { details: { ...details, value } });
    return passed(`${query}: ${value}`, { details: { ...details, value } });
  } catch (error) {
    const why = silent ? `no answer within ${durationText(timeoutMs)}` : describeError(error);
    // PostgreSQL's own errors (auth refused, a bad query) carry a SQLSTATE; anything else is no answer.
    const answered =
      typeof (error as { code?: unknown }).code === 'string' &&
      /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
    return (answered ? failed : errored)(`${host}:${port}: ${why}`, { details });
  } finally {
    if (silent) hangUp();
    else await goodbye('postgres terminate', client.end(), hangUp, timeoutMs);
  }
}
