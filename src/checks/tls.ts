import { connect } from 'node:tls';
import {
  type CheckContext,
  describeError,
  destroyOnAbort,
  errored,
  failed,
  type Outcome,
  passed,
} from './outcome.js';
import { serverName, verification } from './tls-options.js';

const DAY = 86_400_000;

export interface TlsOptions {
  host: string;
  port: number;
  servername?: string;
  /** Fewer days than this before the certificate expires fails the check. */
  minDays: number;
  ca?: string;
  insecure: boolean;
}

/** A verified TLS handshake, and a certificate that is not about to expire. */
export function tlsCheck(options: TlsOptions, { signal, timeoutMs }: CheckContext): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({
      host: options.host,
      port: options.port,
      servername: options.servername ?? serverName(options.host),
      ...verification(options),
    });
    destroyOnAbort(signal, socket, timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const protocol = socket.getProtocol() ?? 'TLS';
      socket.destroy();
      const daysLeft = Math.floor((Date.parse(cert.valid_to) - Date.now()) / DAY);
      const subject = [cert.subject?.CN ?? '?'].flat().join(', ');
      const details = {
        kind: 'tls-certificate' as const,
        host: options.host,
        port: options.port,
        protocol,
        subject,
        validTo: new Date(Date.parse(cert.valid_to)).toISOString(),
        daysLeft,
      };
      const summary = `${protocol}, certificate for ${subject} expires in ${daysLeft} days`;
      resolve(
        daysLeft >= options.minDays
          ? passed(summary, { details })
          : failed(`${summary} (fewer than ${options.minDays})`, { details }),
      );
    });
    socket.once('error', (error) =>
      resolve(errored(`${options.host}:${options.port}: ${describeError(error)}`)),
    );
  });
}
