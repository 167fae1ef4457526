import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { parseDocument } from 'yaml';
import { duration } from '../../config/globals.js';
import { describeValue, formatIssue } from '../../config/issues.js';
import { port } from '../../config/section.js';
import { UsageError } from '../../errors.js';

/** HAProxy and pfSense both take these names: letters, digits and _ . : - */
const name = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'a name of letters, digits, _ . : -'),
);
const address = v.pipe(v.string(), v.minLength(1, 'an address'));

export const PROTOCOLS = [
  'smtp',
  'submission',
  'smtps',
  'imap',
  'imaps',
  'pop3',
  'pop3s',
  'sieve',
  'other',
] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const server = v.strictObject({
  name,
  address,
  port,
  weight: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(0, 'a weight from 0 to 256'),
      v.maxValue(256, 'a weight from 0 to 256'),
    ),
  ),
  backup: v.optional(v.boolean(), false),
});

const backend = v.strictObject({
  name,
  balance: v.optional(v.picklist(['roundrobin', 'leastconn', 'source', 'static-rr', 'first']), 'roundrobin'),
  'send-proxy-v2': v.optional(v.boolean(), true),
  /** tcp: connect only; smtp/esmtp: HELO/EHLO and a 2xx; none: no health check (linted). */
  check: v.optional(
    v.strictObject({
      type: v.optional(v.picklist(['tcp', 'smtp', 'esmtp', 'none']), 'tcp'),
      interval: v.optional(duration, '2m'),
    }),
    {},
  ),
  timeouts: v.optional(v.strictObject({ connect: v.optional(duration), server: v.optional(duration) }), {}),
  servers: v.pipe(v.array(server), v.minLength(1, 'at least one server')),
});

const frontend = v.strictObject({
  name,
  bind: v.strictObject({ address, port }),
  mode: v.optional(v.literal('tcp'), 'tcp'),
  /** What the listener carries: decides the mail defaults (IMAP IDLE, slow SMTP). Default: by port. */
  protocol: v.optional(v.picklist(PROTOCOLS)),
  backend: name,
  timeouts: v.optional(v.strictObject({ client: v.optional(duration) }), {}),
});

const uniqueNames = <T extends { name: string }>(what: string) =>
  v.check<T[], string>(
    (items) => new Set(items.map((i) => i.name)).size === items.length,
    `${what} names that are unique`,
  );

export const bootstrapSpecSchema = v.pipe(
  v.strictObject({
    backends: v.pipe(v.array(backend), uniqueNames('backend')),
    frontends: v.pipe(v.array(frontend), uniqueNames('frontend')),
  }),
  v.forward(
    v.check(
      (spec) => spec.frontends.every((f) => spec.backends.some((b) => b.name === f.backend)),
      'the name of a declared backend',
    ),
    ['frontends'],
  ),
);

export type BootstrapSpec = v.InferOutput<typeof bootstrapSpecSchema>;
export type Backend = BootstrapSpec['backends'][number];
export type Frontend = BootstrapSpec['frontends'][number];

/** Reads and validates a spec file: one line per problem, exit 2. */
export async function loadSpec(file: string): Promise<BootstrapSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--spec: expected a readable YAML file, got ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  const [first] = doc.errors;
  if (first)
    throw new UsageError(
      `${file}: expected valid YAML, got ${first.message.split('\n')[0] ?? 'a syntax error'}`,
    );
  const data: unknown = doc.toJS();
  const result = v.safeParse(bootstrapSpecSchema, data, { abortEarly: false });
  if (!result.success) {
    // A frontend's missing backend is reported at the frontend that names it.
    throw new UsageError(
      result.issues
        .map((issue) => {
          const line = `${file}: ${formatIssue(issue)}`;
          if (issue.message !== 'the name of a declared backend') return line;
          const spec = data as { frontends: { name: string; backend: string }[] };
          const bad = spec.frontends.findIndex(
            (f) => !(data as BootstrapSpec).backends.some((b) => b.name === f.backend),
          );
          return `${file}: frontends[${bad}].backend: expected the name of a declared backend, got ${describeValue(spec.frontends[bad]?.backend)}`;
        })
        .join('\n'),
    );
  }
  return result.output;
}

const BY_PORT: Record<number, Protocol> = {
  25: 'smtp',
  587: 'submission',
  465: 'smtps',
  143: 'imap',
  993: 'imaps',
  110: 'pop3',
  995: 'pop3s',
  4190: 'sieve',
};
export const protocolOf = (f: Frontend): Protocol => f.protocol ?? BY_PORT[f.bind.port] ?? 'other';
export const isImap = (p: Protocol) => p === 'imap' || p === 'imaps';
export const isSmtp = (p: Protocol) => p === 'smtp' || p === 'submission' || p === 'smtps';
