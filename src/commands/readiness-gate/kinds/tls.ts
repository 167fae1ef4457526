import { readCaFile } from '../../../config/secrets.js';
import { connect } from 'node:tls';
import { serverName, verification } from '../../../checks/tls-options.js';
import type { KindOf } from '../schema.js';
import { type Attempt, describeError, destroyOnAbort, failed, passed, type Probe } from './types.js';

const DAY = 86_400_000;

/** A verified TLS handshake, and a certificate that is not about to expire. */
export async function tlsProbe(spec: KindOf<'tls'>): Promise<Probe> {
  const ca = await readCaFile(spec['ca-file'], `checks.${spec.name}.ca-file`);
  return ({ signal, timeoutMs }) =>
    new Promise<Attempt>((resolve) => {
      const socket = connect({
        host: spec.host,
        port: spec.port,
        servername: spec.servername ?? serverName(spec.host),
        ...verification({ insecure: spec.insecure === true, ...(ca ? { ca } : {}) }),
      });
      destroyOnAbort(signal, socket, timeoutMs);
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        const protocol = socket.getProtocol() ?? 'TLS';
        socket.destroy();
        const days = Math.floor((Date.parse(cert.valid_to) - Date.now()) / DAY);
        const summary = `${protocol}, certificate for ${[cert.subject?.CN ?? '?'].flat().join(', ')} expires in ${days} days`;
        resolve(
          days >= spec['min-days'] ? passed(summary) : failed(`${summary} (fewer than ${spec['min-days']})`),
        );
      });
      socket.once('error', (error) => resolve(failed(`${spec.host}:${spec.port}: ${describeError(error)}`)));
    });
}
