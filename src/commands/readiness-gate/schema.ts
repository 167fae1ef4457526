import * as v from 'valibot';
import { issuePath, port, uniqueNames } from '../../config/section.js';
import { common, envName, host, secret, text, texts, tlsMode, tlsOptions } from './fields.js';
import { haproxyFrontends, mailKindProblem, mailRoundtrip, spf } from './mail-kinds.js';

/** The DNS name asked ("query", since "name" is the check's). */
const dnsQuestion = {
  query: text,
  type: v.optional(v.picklist(['A', 'AAAA', 'MX', 'TXT', 'NS', 'CNAME', 'SOA', 'SRV', 'PTR', 'CAA']), 'A'),
};
const podSelector = v.strictObject({
  namespace: text,
  selector: text,
  port: v.optional(port),
  scheme: v.optional(v.picklist(['http', 'https']), 'http'),
});
const kubernetes = {
  kubeconfig: v.optional(text),
  context: v.optional(text),
};

const http = v.strictObject({
  ...common,
  kind: v.literal('http'),
  url: v.pipe(v.string(), v.url('an http(s) URL')),
  method: v.optional(v.picklist(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']), 'GET'),
  'expect-status': v.optional(v.union([v.number(), v.array(v.number())]), 200),
  'body-contains': v.optional(v.string()),
  json: v.optional(v.array(v.strictObject({ path: text, equals: v.unknown() }))),
  headers: v.optional(v.record(text, v.string())),
  'headers-from-env': v.optional(v.record(text, envName)),
  body: v.optional(v.string()),
  'per-pod': v.optional(v.strictObject({ ...podSelector.entries, ...kubernetes })),
  ...tlsOptions,
});

const tcp = v.strictObject({ ...common, kind: v.literal('tcp'), host, port });

const tls = v.strictObject({
  ...common,
  kind: v.literal('tls'),
  host,
  port,
  servername: v.optional(text),
  'min-days': v.optional(v.pipe(v.number(), v.minValue(0, 'zero or more days')), 14),
  ...tlsOptions,
});

const dns = v.strictObject({
  ...common,
  kind: v.literal('dns'),
  servers: texts,
  ...dnsQuestion,
  /** The answer set, exactly (order does not matter); absent: any answer. */
  expect: v.optional(v.array(v.string())),
});

const smtp = v.strictObject({
  ...common,
  kind: v.literal('smtp'),
  host,
  port,
  tls: v.optional(tlsMode, 'starttls'),
  ehlo: v.optional(text, 'mailops-gate'),
  user: v.optional(text),
  ...secret,
  ...tlsOptions,
});

const imap = v.strictObject({
  ...common,
  kind: v.literal('imap'),
  host,
  port,
  tls: v.optional(tlsMode, 'implicit'),
  user: v.optional(text),
  ...secret,
  ...tlsOptions,
});

const redis = v.strictObject({
  ...common,
  kind: v.literal('redis'),
  host,
  port: v.optional(port, 6379),
  user: v.optional(text),
  tls: v.optional(v.boolean(), false),
  ...secret,
  ...tlsOptions,
});

const postgres = v.strictObject({
  ...common,
  kind: v.literal('postgres'),
  host,
  port: v.optional(port, 5432),
  database: v.optional(text, 'postgres'),
  user: text,
  query: v.optional(text, 'SELECT 1'),
  /** The first column of the first row, as text. */
  expect: v.optional(v.string()),
  ...secret,
});

/** A JavaScript regular expression that compiles, so a typo is a config error, not a failed check. */
const regex = v.pipe(
  text,
  v.check((pattern) => {
    try {
      new RegExp(pattern, 'm');
      return true;
    } catch {
      return false;
    }
  }, 'a valid regular expression'),
);

const command = v.strictObject({
  ...common,
  kind: v.literal('command'),
  run: v.union([text, texts]),
  'expect-exit': v.optional(v.number(), 0),
  'output-matches': v.optional(regex),
});

const parity = v.strictObject({
  ...common,
  kind: v.literal('parity'),
  /** N JSON documents over HTTP, compared at one JSONPath. */
  http: v.optional(v.strictObject({ urls: texts, path: text, ...tlsOptions })),
  /** One question asked of N DNS servers; SOA compares the serial. */
  dns: v.optional(v.strictObject({ servers: texts, ...dnsQuestion })),
});

const rollout = v.strictObject({
  ...common,
  kind: v.literal('kubernetes-rollout'),
  namespace: text,
  resource: v.picklist(['deployment', 'statefulset', 'daemonset']),
  'object-name': v.optional(text),
  selector: v.optional(text),
  /** OOM kills of a container of the new revision past which the rollout fails at once. */
  'max-restarts': v.optional(
    v.pipe(v.number(), v.integer('a whole number'), v.minValue(0, 'zero or more')),
    3,
  ),
  ...kubernetes,
});

/** Any object, custom resources included, judged by kstatus rules. */
const kubernetesStatus = v.strictObject({
  ...common,
  kind: v.literal('kubernetes-status'),
  'api-version': v.pipe(
    v.string(),
    v.regex(/^([a-z0-9.-]+\/)?v[0-9]+[a-z0-9]*$/, 'an apiVersion (v1, apps/v1, cert-manager.io/v1)'),
  ),
  'object-kind': v.pipe(v.string(), v.regex(/^[A-Z][A-Za-z0-9]*$/, 'a kind (Job, Certificate)')),
  /** Absent for a cluster-scoped kind. */
  namespace: v.optional(text),
  'object-name': v.optional(text),
  selector: v.optional(text),
  ...kubernetes,
});

export const checkSchema = v.variant('kind', [
  http,
  tcp,
  tls,
  dns,
  smtp,
  imap,
  redis,
  postgres,
  command,
  parity,
  rollout,
  kubernetesStatus,
  mailRoundtrip,
  spf,
  haproxyFrontends,
]);

export type CheckSpec = v.InferOutput<typeof checkSchema>;
export type KindOf<K extends CheckSpec['kind']> = Extract<CheckSpec, { kind: K }>;

/** The gate's checks: at least one, names unique, each kind's own rules. */
export const checksSchema = v.pipe(
  v.array(checkSchema),
  v.minLength(1, 'at least one check'),
  uniqueNames('check'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const [index, c] of dataset.value.entries()) {
      const problem =
        c.kind === 'parity' && Boolean(c.http) === Boolean(c.dns)
          ? 'exactly one of http or dns'
          : (c.kind === 'kubernetes-rollout' || c.kind === 'kubernetes-status') &&
              Boolean(c['object-name']) === Boolean(c.selector)
            ? 'exactly one of object-name or selector'
            : c.kind === 'parity' && (c.http?.urls.length ?? c.dns?.servers.length ?? 0) < 2
              ? 'at least two targets to compare'
              : 'password-env' in c && c['password-env'] && c['password-file']
                ? 'at most one of password-env or password-file'
                : undefined;
      if (problem)
        addIssue({
          message: problem,
          input: c,
          path: issuePath(dataset.value, [index]),
        });
    }
  }),
  // The kinds made of other subcommands say where in the check their problem is.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const [index, c] of dataset.value.entries()) {
      const problem =
        c.kind === 'mail-roundtrip' || c.kind === 'haproxy-frontends' ? mailKindProblem(c) : undefined;
      if (problem)
        addIssue({
          message: problem.message,
          input: 'input' in problem ? problem.input : c,
          path: issuePath(dataset.value, [index, ...problem.at]),
        });
    }
  }),
);
