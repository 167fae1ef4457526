import { isIP } from 'node:net';
import type { ValuesOf } from '../../cli/command-spec.js';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';
import type { spfArgs, spfOptions } from './spec.js';

export type SpfValues = ValuesOf<typeof spfOptions, typeof spfArgs>;

export interface Expectations {
  includes: string[];
  all?: '~all' | '-all';
  pass: string[];
  fail: string[];
  dmarcPolicy?: 'none' | 'quarantine' | 'reject';
}

export interface SpfCheckOptions {
  domain: string;
  resolvers: (string | undefined)[];
  expect: Expectations;
  client?: { ip: string; helo: string; sender: string };
  dmarc: boolean;
  wait: boolean;
  intervalMs: number;
  queryTimeoutMs: number;
}

function address(value: string, flag: string): string {
  if (!isIP(value))
    throw new UsageError(`--${flag}: expected an IPv4 or IPv6 address, got ${describeValue(value)}`);
  return value;
}

/** ip, ip:port, [ipv6] or [ipv6]:port: what node:dns setServers takes. */
function resolverAddress(value: string): string {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const plain = /^([^:]+):(\d+)$/.exec(value);
  const host = bracketed?.[1] ?? plain?.[1] ?? value;
  const port = Number(bracketed?.[2] ?? plain?.[2] ?? 53);
  if (!isIP(host) || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--resolver: expected ip, ip:port or [ipv6]:port, got ${describeValue(value)}`);
  return value;
}

const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.?$/i;

export function parseOptions(values: SpfValues): SpfCheckOptions {
  const domain = values.domain;
  if (!DOMAIN.test(domain)) throw new UsageError(`domain: expected a DNS name, got ${describeValue(domain)}`);
  const includes = (values['expect-include'] ?? []).map((d) => {
    if (!DOMAIN.test(d))
      throw new UsageError(`--expect-include: expected a DNS name, got ${describeValue(d)}`);
    return d.toLowerCase().replace(/\.$/, '');
  });
  const resolvers = (values.resolver ?? []).map(resolverAddress);
  const ip = values.ip;
  const dmarcPolicy = values['expect-dmarc-policy'];
  return {
    domain: domain.toLowerCase().replace(/\.$/, ''),
    resolvers: resolvers.length ? resolvers : [undefined],
    expect: {
      includes,
      ...(values['expect-all'] ? { all: values['expect-all'] } : {}),
      pass: (values['expect-pass'] ?? []).map((v) => address(v, 'expect-pass')),
      fail: (values['expect-fail'] ?? []).map((v) => address(v, 'expect-fail')),
      ...(dmarcPolicy ? { dmarcPolicy } : {}),
    },
    ...(ip
      ? {
          client: {
            ip: address(ip, 'ip'),
            helo: values.helo ?? domain,
            sender: values.sender ?? `postmaster@${domain}`,
          },
        }
      : {}),
    dmarc: values.dmarc || dmarcPolicy !== undefined,
    wait: values['wait-for-propagation'],
    intervalMs: values.interval,
    queryTimeoutMs: values['query-timeout'],
  };
}
