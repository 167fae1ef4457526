import { connect } from 'node:net';
import type { KindOf } from '../schema.js';
import { type Attempt, describeError, destroyOnAbort, failed, passed, type Probe } from './types.js';

/** A TCP connection is accepted. */
export function tcpProbe(spec: KindOf<'tcp'>): Probe {
  return ({ signal, timeoutMs }) =>
    new Promise<Attempt>((resolve) => {
      const socket = connect({ host: spec.host, port: spec.port });
      destroyOnAbort(signal, socket, timeoutMs);
      socket.once('connect', () => {
        socket.destroy();
        resolve(passed(`connected to ${spec.host}:${spec.port}`));
      });
      socket.once('error', (error) => resolve(failed(`${spec.host}:${spec.port}: ${describeError(error)}`)));
    });
}
