import * as v from 'valibot';
import { duration } from '../../config/section.js';
import { parseYaml, readText, validate } from '../../config/load.js';
import { issuePath, port, uniqueNames } from '../../config/section.js';

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

export const bootstrapSpecSchema = v.pipe(
  v.strictObject({
    backends: v.pipe(v.array(backend), uniqueNames('backend')),
    frontends: v.pipe(v.array(frontend), uniqueNames('frontend')),
  }),
  // Reported at the frontend that names the missing backend.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const [index, f] of dataset.value.frontends.entries()) {
      if (dataset.value.backends.some((b) => b.name === f.backend)) continue;
      addIssue({
        message: 'the name of a declared backend',
        input: f.backend,
        path: issuePath(dataset.value, ['frontends', index, 'backend']),
      });
    }
  }),
);

export type BootstrapSpec = v.InferOutput<typeof bootstrapSpecSchema>;
export type Backend = BootstrapSpec['backends'][number];
export type Frontend = BootstrapSpec['frontends'][number];

/** Reads and validates a spec file: one line per problem, exit 2; `field` is where it was named. */
export async function loadSpec(file: string, field = '--spec'): Promise<BootstrapSpec> {
  const text = await readText(file, field, 'a readable YAML file');
  return validate(bootstrapSpecSchema, parseYaml(text, file), file);
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

/** A bind on every address: linted on a firewall, reached through loopback by verify. */
export const isWildcard = (address: string) => ['*', '0.0.0.0', '::', '[::]', ''].includes(address);
