import { clientTimeout, connectTimeout, serverTimeout } from './defaults.js';
import type { Backend, BootstrapSpec, Frontend } from './spec-file.js';
import { escapeXml } from './xml-spans.js';

/** pfSense-pkg-haproxy's check_type keys ($a_checktypes): "Basic" is a TCP connect, not "TCP". */
const CHECK_TYPE = { tcp: 'Basic', smtp: 'SMTP', esmtp: 'ESMTP', none: 'none' } as const;

/** Ids already used: kept for items that exist, so a re-run writes the same bytes. */
export interface Ids {
  pool(name: string): number | undefined;
  server(pool: string, server: string): number | undefined;
  next(): number;
}

/** An element: its name and its text, or its children in order. */
export type Node = [string, string | Node[]];
const field = (name: string, value: string | number): Node => [name, String(value)];

/** An <item> as lines, one tab per level, pfSense's own layout. */
export function lines([name, value]: Node, depth = 0): string[] {
  const pad = '\t'.repeat(depth);
  if (typeof value === 'string') return [`${pad}<${name}>${escapeXml(value)}</${name}>`];
  if (value.length === 0) return [`${pad}<${name}></${name}>`];
  return [`${pad}<${name}>`, ...value.flatMap((child) => lines(child, depth + 1)), `${pad}</${name}>`];
}

/** A server pool (ha_pools/item): check type and interval on the pool, send-proxy-v2 in each server's advanced field. */
export function poolNode(b: Backend, spec: BootstrapSpec, ids: Ids): Node {
  const id = ids.pool(b.name) ?? ids.next();
  const servers: Node[] = b.servers.map((s) => [
    'item',
    [
      field('status', s.backup ? 'backup' : 'active'),
      field('name', s.name),
      field('address', s.address),
      field('port', s.port),
      field('weight', s.weight ?? 1),
      field('advanced', b['send-proxy-v2'] ? 'send-proxy-v2' : ''),
      field('id', ids.server(b.name, s.name) ?? ids.next()),
    ],
  ]);
  return [
    'item',
    [
      field('name', b.name),
      field('balance', b.balance),
      field('check_type', CHECK_TYPE[b.check.type]),
      field('checkinter', b.check.interval),
      field('connection_timeout', connectTimeout(b)),
      field('server_timeout', serverTimeout(b, spec)),
      field('retries', 3),
      field('advanced', ''),
      field('advanced_backend', ''),
      ['ha_servers', servers],
      ['a_acl', []],
      ['a_actionitems', []],
      ['errorfiles', []],
      field('id', id),
    ],
  ];
}

export const renderPool = (b: Backend, spec: BootstrapSpec, ids: Ids) => lines(poolNode(b, spec, ids));

/** pfSense's bindable keys for the common addresses; anything else is "custom". */
function extaddr(address: string): Node[] {
  const key =
    address === '0.0.0.0' || address === '*'
      ? 'any_ipv4'
      : address === '::'
        ? 'any_ipv6'
        : address === '127.0.0.1'
          ? 'localhost_ipv4'
          : 'custom';
  return [field('extaddr', key), field('extaddr_custom', key === 'custom' ? address : '')];
}

/** A frontend (ha_backends/item: the package's historical name), with desc, not descr. */
export function frontendNode(f: Frontend): Node {
  return [
    'item',
    [
      field('name', f.name),
      field('desc', 'managed by mailops haproxy-bootstrap'),
      field('status', 'active'),
      field('type', 'tcp'),
      [
        'a_extaddr',
        [
          [
            'item',
            [
              ...extaddr(f.bind.address),
              field('extaddr_port', f.bind.port),
              field('extaddr_ssl', ''),
              field('extaddr_advanced', ''),
            ],
          ],
        ],
      ],
      field('backend_serverpool', f.backend),
      field('client_timeout', clientTimeout(f)),
      field('advanced', ''),
      ['ha_acls', []],
      ['a_actionitems', []],
      ['a_errorfiles', []],
    ],
  ];
}

export const renderFrontendItem = (f: Frontend) => lines(frontendNode(f));
