import { connect } from 'node:net';
import {
  type CheckContext,
  describeError,
  destroyOnAbort,
  errored,
  type Outcome,
  passed,
} from './outcome.js';

export interface TcpOptions {
  host: string;
  port: number;
}

/** A TCP connection is accepted. */
export function tcpCheck(options: TcpOptions, { signal, timeoutMs }: CheckContext): Promise<Outcome> {
  const where = `${options.host}:${options.port}`;
  return new Promise((resolve) => {
    const socket = connect({ host: options.host, port: options.port });
    destroyOnAbort(signal, socket, timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve(passed(`connected to ${where}`));
    });
    socket.once('error', (error) => resolve(errored(`${where}: ${describeError(error)}`)));
  });
}
