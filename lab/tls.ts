import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A throwaway CA and a server certificate for localhost / 127.0.0.1 / mail.<domain>, so clients can verify TLS. */
export function makeTls(dir: string, domain: string): LabTls {
  mkdirSync(dir, { recursive: true });
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=mailops lab CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
  );
  issueCertificate(dir, dir, 'server', '/CN=localhost', [
    `subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:mail.${domain}`,
    'extendedKeyUsage=serverAuth',
  ]);
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

/**
 * A key and a certificate `<name>.key`/`<name>.crt` in dir, signed by the CA makeTls left in
 * `ca`: a server's (with its subjectAltName) or a client's (CN and O as Kubernetes reads
 * them: user name and group).
 */
export function issueCertificate(
  ca: string,
  dir: string,
  name: string,
  subject: string,
  extensions: string[],
): LabTls {
  const f = (file: string) => join(dir, file);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    subject,
    '-keyout',
    f(`${name}.key`),
    '-out',
    f(`${name}.csr`),
  );
  writeFileSync(f(`${name}.ext`), `${extensions.join('\n')}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    f(`${name}.csr`),
    '-CA',
    join(ca, 'ca.crt'),
    '-CAkey',
    join(ca, 'ca.key'),
    '-CAserial',
    f(`${name}.srl`),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f(`${name}.ext`),
    '-out',
    f(`${name}.crt`),
  );
  return { caFile: join(ca, 'ca.crt'), certFile: f(`${name}.crt`), keyFile: f(`${name}.key`) };
}
