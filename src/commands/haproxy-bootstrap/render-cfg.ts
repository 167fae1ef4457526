import { clientTimeout, connectTimeout, haproxyTime, serverTimeout } from './defaults.js';
import type { Backend, BootstrapSpec, Frontend } from './spec-file.js';

const MANAGED = '    # managed by mailops haproxy-bootstrap: edits here are replaced on the next run';

const CHECK_OPTION = {
  smtp: 'option smtpchk HELO mailops.invalid',
  esmtp: 'option smtpchk EHLO mailops.invalid',
};

function renderFrontend(f: Frontend): string[] {
  return [
    `frontend ${f.name}`,
    MANAGED,
    `    mode ${f.mode}`,
    `    bind ${f.bind.address}:${f.bind.port}`,
    '    option tcplog',
    `    timeout client ${haproxyTime(clientTimeout(f))}`,
    `    default_backend ${f.backend}`,
  ];
}

function renderBackend(b: Backend, spec: BootstrapSpec): string[] {
  const check = b.check.type === 'none' ? '' : ` check inter ${haproxyTime(b.check.interval)}`;
  const option =
    b.check.type === 'smtp' || b.check.type === 'esmtp' ? [`    ${CHECK_OPTION[b.check.type]}`] : [];
  return [
    `backend ${b.name}`,
    MANAGED,
    '    mode tcp',
    `    balance ${b.balance}`,
    `    timeout connect ${haproxyTime(connectTimeout(b))}`,
    `    timeout server ${haproxyTime(serverTimeout(b, spec))}`,
    ...option,
    ...b.servers.map(
      (s) =>
        `    server ${s.name} ${s.address}:${s.port}${check}${s.weight === undefined ? '' : ` weight ${s.weight}`}${b['send-proxy-v2'] ? ' send-proxy-v2' : ''}${s.backup ? ' backup' : ''}`,
    ),
  ];
}

/** Every declared section, keyed "frontend <name>" / "backend <name>", in spec order. */
export function renderSections(spec: BootstrapSpec): Map<string, string[]> {
  return new Map([
    ...spec.frontends.map((f): [string, string[]] => [`frontend ${f.name}`, renderFrontend(f)]),
    ...spec.backends.map((b): [string, string[]] => [`backend ${b.name}`, renderBackend(b, spec)]),
  ]);
}
