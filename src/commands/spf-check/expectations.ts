import { readFileSync } from 'node:fs';
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
  /** Lower-case, without the trailing dot, each once, in the order given. */
  domains: string[];
  resolvers: (string | undefined)[];
  expect: Expectations;
  /** --ip's client; helo and sender default to the domain checked when not given. */
  client?: { ip: string; helo?: string; sender?: string };
  concurrency: number;
  /** Ask every name server of each domain's zone directly, on this port. */
  authoritative: boolean;
  authoritativePort: number;
  dmarc: boolean;
  wait: boolean;
  intervalMs: number;
  queryTimeoutMs: number;
}

/** Where a value was given, for its error: the flag (--resolver) or, in a gate file, the field. */
export type FieldName = (key: string) => string;

const flagName: FieldName = (key) => (key === 'domain' ? key : `--${key}`);

function address(value: string, field: string): string {
  if (!isIP(value))
    throw new UsageError(`${field}: expected an IPv4 or IPv6 address, got ${describeValue(value)}`);
  return value;
}

/** ip, ip:port, [ipv6] or [ipv6]:port: what node:dns setServers takes. */
function resolverAddress(value: string, field: string): string {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const plain = /^([^:]+):(\d+)$/.exec(value);
  const host = bracketed?.[1] ?? plain?.[1] ?? value;
  const port = Number(bracketed?.[2] ?? plain?.[2] ?? 53);
  if (!isIP(host) || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`${field}: expected ip, ip:port or [ipv6]:port, got ${describeValue(value)}`);
  return value;
}

const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.?$/i;

const domainKey = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** One domain a line; blank lines and # comments (whole-line or trailing) are skipped. */
function domainsFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new UsageError(`--domains-file: expected a readable file, got ${describeValue(path)} (${code})`);
  }
  return text.split('\n').flatMap((line, i) => {
    const name = line.replace(/#.*/, '').trim();
    if (!name) return [];
    if (!DOMAIN.test(name))
      throw new UsageError(`--domains-file line ${i + 1}: expected a DNS name, got ${describeValue(name)}`);
    return [name];
  });
}

function domainList(values: SpfValues, field: FieldName): string[] {
  for (const name of values.domains)
    if (!DOMAIN.test(name))
      throw new UsageError(`${field('domain')}: expected a DNS name, got ${describeValue(name)}`);
  const file = values['domains-file'];
  const all = [...values.domains, ...(file ? domainsFile(file) : [])].map(domainKey);
  if (!all.length)
    throw new UsageError('domain: expected a domain argument or --domains-file with one, got none');
  return [...new Set(all)];
}

/** spf-check's values checked and normalised; also a gate's spf check, whose fields are the flags' names. */
export function parseOptions(values: SpfValues, field: FieldName = flagName): SpfCheckOptions {
  const includes = (values['expect-include'] ?? []).map((d) => {
    if (!DOMAIN.test(d))
      throw new UsageError(`${field('expect-include')}: expected a DNS name, got ${describeValue(d)}`);
    return domainKey(d);
  });
  const resolvers = (values.resolver ?? []).map((r) => resolverAddress(r, field('resolver')));
  const ip = values.ip;
  const dmarcPolicy = values['expect-dmarc-policy'];
  return {
    domains: domainList(values, field),
    resolvers: resolvers.length ? resolvers : [undefined],
    expect: {
      includes,
      ...(values['expect-all'] ? { all: values['expect-all'] } : {}),
      pass: (values['expect-pass'] ?? []).map((v) => address(v, field('expect-pass'))),
      fail: (values['expect-fail'] ?? []).map((v) => address(v, field('expect-fail'))),
      ...(dmarcPolicy ? { dmarcPolicy } : {}),
    },
    ...(ip
      ? {
          client: {
            ip: address(ip, field('ip')),
            ...(values.helo ? { helo: values.helo } : {}),
            ...(values.sender === undefined ? {} : { sender: values.sender }),
          },
        }
      : {}),
    dmarc: values.dmarc || dmarcPolicy !== undefined,
    wait: values['wait-for-propagation'],
    concurrency: values.concurrency,
    authoritative: values.authoritative,
    authoritativePort: values['authoritative-port'],
    intervalMs: values.interval,
    queryTimeoutMs: values['query-timeout'],
  };
}
