// The report document every subcommand produces: the contract of `--output json` for CI. Its
// JSON Schema (schema/report.schema.json) is generated from this definition by the build, and
// the TypeScript types of src/report/types.ts are inferred from it, so the three cannot drift.
// Rule for changes: within a schemaVersion only additions (a new optional field, a new kind of
// details); anything else (a removed or renamed field, a changed type or meaning) bumps it.
import * as v from 'valibot';
import { SCHEMA_VERSION } from './version.js';

export { SCHEMA_VERSION };

const text = v.string();
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const milliseconds = v.pipe(v.number(), v.minValue(0));
const timestamp = v.pipe(v.string(), v.isoTimestamp());
const texts = v.array(v.string());
const described = <T extends v.GenericSchema>(schema: T, description: string) =>
  v.pipe(schema, v.description(description));

/** pass: evaluated and right; fail: evaluated and wrong; error: could not be evaluated; skipped: not run. */
export const statusSchema = described(
  v.picklist(['pass', 'fail', 'error', 'skipped']),
  'pass: evaluated and right; fail: evaluated and wrong; error: could not be evaluated; skipped: not run',
);

const rsyncStats = v.strictObject({
  files: count,
  regularFiles: count,
  regularFilesTransferred: count,
  createdFiles: count,
  deletedFiles: count,
  totalFileSize: count,
  transferredFileSize: count,
  literalData: count,
  bytesSent: count,
  bytesReceived: count,
});

/** A child process's end: what a hook, a validate or reload command, a command check did. */
const commandRun = {
  command: text,
  exitCode: v.number(),
  /** Stopped by the deadline or a signal rather than ending on its own. */
  stopped: v.boolean(),
  /** The start and end of what it printed, bounded. */
  output: text,
};

const lockHolder = v.strictObject({
  host: text,
  pid: v.number(),
  startedAt: text,
  renewedAt: text,
});

const itemized = v.strictObject({
  /** rsync's --itemize-changes code, e.g. >f.st...... or *deleting. */
  change: text,
  path: text,
});

/**
 * Why retention keeps a snapshot: newest (always kept), written (the one this run wrote), or a
 * rule (last: --keep; daily ... yearly: --keep-<period>) and its n-th slot of `of`, newest
 * first. oldest: kept as the oldest snapshot while the rule had slots left (restic's "oldest").
 */
const keepReason = v.strictObject({
  rule: v.picklist(['newest', 'written', 'last', 'daily', 'weekly', 'monthly', 'yearly']),
  n: v.optional(count),
  of: v.optional(count),
  oldest: v.optional(v.boolean()),
});

const hop = v.strictObject({
  index: count,
  by: text,
  from: text,
  with: text,
  at: timestamp,
  delaySeconds: v.number(),
});

const spfTerm = v.strictObject({
  term: text,
  /** The records it is in, outermost first: the include/redirect path. */
  path: texts,
  void: v.boolean(),
  /** Void only for clients of this family (an `a` target with A but no AAAA, or the reverse). */
  voidFamily: v.optional(v.picklist(['ipv4', 'ipv6'])),
  note: v.optional(text),
});

/** A term of a domain's SPF record, as published: include:_spf.example.net, ip4:192.0.2.0/24, -all. */
const recordTerm = v.strictObject({ domain: text, term: text });

const dnsStep = v.strictObject({
  type: text,
  name: text,
  answer: v.optional(texts),
  /** node:dns's code when the question had no answer (ENOTFOUND, ENODATA, ETIMEOUT ...). */
  error: v.optional(text),
});

const spfResult = v.picklist(['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror']);

const banner = v.strictObject({
  kind: v.literal('banner'),
  host: text,
  port: count,
  protocol: text,
  tls: v.boolean(),
  line: v.optional(text),
  error: v.optional(text),
});

/** What a protocol check found on its last attempt: the evidence a gate check keeps too. */
/** A container of a rollout's new revision that will not heal, and what the cluster said about it. */
const podProblem = v.strictObject({
  pod: text,
  container: text,
  /** CrashLoopBackOff, ImagePullBackOff, ErrImagePull, InvalidImageName, CreateContainerConfigError, CreateContainerError, OOMKilled. */
  reason: text,
  message: v.optional(text),
  restarts: count,
  lastTermination: v.optional(v.strictObject({ exitCode: v.number(), reason: text })),
  /** The pod's most recent Warning events, newest first. */
  events: v.array(v.strictObject({ reason: text, message: text, count })),
});

const protocolDetails = [
  v.strictObject({ kind: v.literal('command'), ...commandRun }),
  banner,
  v.strictObject({
    kind: v.literal('mailbox'),
    host: text,
    port: count,
    tls: text,
    mailbox: text,
    uidNext: v.optional(count),
  }),
  v.strictObject({
    kind: v.literal('tls-certificate'),
    host: text,
    port: count,
    protocol: text,
    subject: text,
    validTo: timestamp,
    daysLeft: v.number(),
  }),
  v.strictObject({
    kind: v.literal('dns-answers'),
    query: text,
    type: text,
    answers: v.array(
      v.union([
        v.strictObject({ server: text, answer: texts }),
        v.strictObject({ server: text, error: text }),
      ]),
    ),
  }),
  v.strictObject({
    kind: v.literal('smtp-session'),
    host: text,
    port: count,
    tls: text,
    greeting: text,
    /** The EHLO keywords (after STARTTLS when it was used): STARTTLS, AUTH, SIZE ... */
    capabilities: texts,
    authenticated: v.boolean(),
    /** The RCPT TO reply, when the envelope was checked. */
    rcpt: v.optional(text),
  }),
  v.strictObject({
    kind: v.literal('http-responses'),
    responses: v.array(
      v.strictObject({
        url: text,
        status: v.optional(count),
        /** The first line of the body, up to 120 characters. */
        body: v.optional(text),
        error: v.optional(text),
      }),
    ),
  }),
  v.strictObject({ kind: v.literal('redis-ping'), host: text, port: count, reply: v.optional(text) }),
  v.strictObject({
    kind: v.literal('postgres-query'),
    host: text,
    port: count,
    query: text,
    value: v.optional(text),
  }),
  v.strictObject({
    kind: v.literal('parity'),
    values: v.array(
      v.union([v.strictObject({ target: text, value: text }), v.strictObject({ target: text, error: text })]),
    ),
  }),
  v.strictObject({
    kind: v.literal('rollout'),
    objects: v.array(
      v.strictObject({
        name: text,
        done: v.boolean(),
        terminal: v.boolean(),
        message: text,
        /** Containers of the new revision that will not heal: the reason the rollout failed at once. */
        problems: v.optional(v.array(podProblem)),
      }),
    ),
  }),
  v.strictObject({
    kind: v.literal('kubernetes-status'),
    objects: v.array(
      v.strictObject({
        apiVersion: text,
        kind: text,
        namespace: v.optional(text),
        name: text,
        /** kstatus: Current (ready), InProgress, Failed (will not heal), NotFound. */
        status: v.picklist(['Current', 'InProgress', 'Failed', 'NotFound']),
        message: text,
        /** The condition reason or the Job's failure reason (BackoffLimitExceeded). */
        reason: v.optional(text),
      }),
    ),
  }),
] as const;

/** The typed data of a check, by kind: what the text format renders and CI reads. */
/** A DMARC report destination, and whether receivers may send reports there (RFC 7489 7.1). */
const dmarcDestination = v.strictObject({
  tag: v.picklist(['rua', 'ruf']),
  /** As the record writes it, with any !size suffix. */
  uri: text,
  /** Lower case; absent when the URI has none. Only mailto: destinations are checked. */
  scheme: v.optional(text),
  /** The !size limit, e.g. 10m. */
  size: v.optional(text),
  /** The destination host: the address's domain for mailto:. */
  domain: v.optional(text),
  /** Its organisational domain (Public Suffix List) differs from the policy domain's. */
  external: v.optional(v.boolean()),
  /** <policy domain>._report._dmarc.<domain>: the name asked for an external mailto: destination. */
  authorization: v.optional(text),
  /** A v=DMARC1 record is at that name; absent when the query failed (temperror). */
  authorized: v.optional(v.boolean()),
  /**
   * unauthorized and temperror fail the check (error for temperror); unsupported (not
   * mailto:) and invalid (not a URI, no domain) are warnings.
   */
  problem: v.optional(
    v.strictObject({
      kind: v.picklist(['unauthorized', 'temperror', 'unsupported', 'invalid']),
      message: text,
    }),
  ),
});

/** What spf-check reports of one domain: checks of their own in a run of one domain, nested in spf-domain otherwise. */
const spfDetails = [
  v.strictObject({
    kind: v.literal('spf-record'),
    resolver: text,
    domain: text,
    record: v.optional(text),
    /** No usable record at the top: none, a DNS failure (temporary), or several records. */
    problem: v.optional(
      v.strictObject({ kind: v.picklist(['none', 'temporary', 'multiple']), message: text }),
    ),
    lookups: count,
    voidLookups: count,
    /** Void lookups an IPv4 and an IPv6 client would spend; voidLookups counts those void for both. */
    voidByFamily: v.optional(v.strictObject({ ipv4: count, ipv6: count })),
    /** Every DNS-costing term of the record tree, in evaluation order. */
    terms: v.array(spfTerm),
    /** The qualifier of the all that ends evaluation; absent: none (neutral). */
    all: v.optional(text),
    /**
     * Every RFC 7208 §12 grammar rule a record of the tree breaks (error: permerror for every
     * client reaching it) and every term that never takes effect (warning), with where it is.
     */
    syntax: v.optional(
      v.array(
        v.strictObject({
          path: v.array(text),
          term: text,
          /** 1-based, counting the terms after v=spf1. */
          position: count,
          rule: text,
          message: text,
          severity: v.picklist(['error', 'warning']),
        }),
      ),
    ),
    errors: texts,
    warnings: texts,
  }),
  v.strictObject({
    kind: v.literal('spf-agreement'),
    agree: v.boolean(),
    served: v.array(v.strictObject({ resolver: text, record: v.optional(text), problem: v.optional(text) })),
  }),
  v.strictObject({
    kind: v.literal('spf-authoritative'),
    /** The zone the domain is in: the closest name at or above it with an SOA. */
    zone: v.optional(text),
    sameSerial: v.boolean(),
    sameRecord: v.boolean(),
    /** Each address of each NS, asked directly. */
    servers: v.array(
      v.strictObject({
        ns: text,
        /** ip:port as asked. */
        server: text,
        serial: v.optional(v.number()),
        /** The one v=spf1 record it serves. */
        record: v.optional(text),
        /** What is compared: the record, or in parentheses why there is none. */
        served: text,
        problems: texts,
      }),
    ),
    /** What kept the zone or one of its servers from being found. */
    problems: texts,
  }),
  v.strictObject({
    kind: v.literal('spf-expectation'),
    /** include:<domain>, all:-all, pass:<ip>, fail:<ip>, dmarc-policy:<p>. */
    label: text,
    results: v.array(v.strictObject({ resolver: text, met: v.boolean(), found: v.optional(text) })),
  }),
  v.strictObject({
    kind: v.literal('spf-check-host'),
    resolver: text,
    ip: text,
    sender: text,
    helo: text,
    result: spfResult,
    /** Why, in the evaluator's words. */
    comment: text,
    explanation: v.optional(text),
    lookups: count,
    voidLookups: count,
    /**
     * The term that decided the result, and the includes and redirects followed to reach it;
     * without `term`, none matched and the default (neutral) applied. Absent for an error result.
     */
    match: v.optional(
      v.strictObject({
        via: v.array(recordTerm),
        term: v.optional(recordTerm),
      }),
    ),
    /**
     * The terms evaluated, in order, each alone: match (ends the evaluation, or enters the
     * include), no-match, error (ends it), limit (the 11th lookup or 3rd void one, §4.6.4).
     */
    terms: v.optional(
      v.array(
        v.strictObject({
          domain: text,
          term: text,
          /** 1-based, counting the terms after v=spf1. */
          position: count,
          /** Includes and redirects entered to reach it: 0 for the sender domain's record. */
          depth: count,
          outcome: v.picklist(['match', 'no-match', 'error', 'limit']),
          lookups: count,
          questions: v.array(dnsStep),
        }),
      ),
    ),
    /** Every DNS question of the evaluation, in order, with its answer. */
    trace: v.array(dnsStep),
  }),
  v.strictObject({
    kind: v.literal('dmarc'),
    resolver: text,
    record: v.optional(
      v.strictObject({
        p: text,
        sp: v.optional(text),
        /** The policy for non-existent subdomains (RFC 9989). */
        np: v.optional(text),
        pct: v.optional(v.number()),
        rua: v.optional(text),
        ruf: v.optional(text),
        adkim: v.picklist(['r', 's']),
        aspf: v.picklist(['r', 's']),
        at: text,
        text,
        /** Every rua= and ruf= URI in the record's order, rua first. */
        destinations: v.optional(v.array(dmarcDestination)),
      }),
    ),
    problem: v.optional(text),
  }),
] as const;

/** The steps of a mail round trip: probe-roundtrip's checks, and a gate mail-roundtrip check's evidence. */
const probeDetails = [
  v.strictObject({
    kind: v.literal('probe-send'),
    via: v.picklist(['smtp', 'brevo', 'ses']),
    target: text,
    tag: text,
    response: v.optional(text),
    submitMs: v.optional(milliseconds),
  }),
  v.strictObject({
    kind: v.literal('probe-wait'),
    tag: text,
    windows: count,
    searches: count,
    acceptedAt: timestamp,
    seenAt: v.optional(timestamp),
    uid: v.optional(count),
    internalDate: v.optional(timestamp),
    roundtripMs: v.optional(milliseconds),
    hops: v.array(hop),
    /** The receiving server's Authentication-Results verdicts, method -> result. */
    auth: v.nullable(v.strictObject({ authservId: text, results: v.record(v.string(), v.string()) })),
  }),
  v.strictObject({
    kind: v.literal('probe-cleanup'),
    probeDeleted: v.boolean(),
    staleDeleted: count,
    lateArrivals: count,
    expunged: v.boolean(),
  }),
] as const;

/** One domain of spf-check as one check: a run of several domains, a gate spf check's evidence. */
const spfDomain = v.strictObject({
  kind: v.literal('spf-domain'),
  domain: text,
  /** Whether every resolver serves the same record (true with one resolver). */
  agree: v.boolean(),
  /** The most any resolver's view of the tree costs. */
  lookups: count,
  voidLookups: count,
  /** The qualifier of the all that ends evaluation; absent: none (neutral) or no record. */
  all: v.optional(text),
  expectations: v.strictObject({ met: count, total: count }),
  /** The checks a run of this domain alone reports (record@<resolver>, agreement, expect ...). */
  checks: v.array(
    v.strictObject({
      name: text,
      status: statusSchema,
      summary: text,
      durationMs: milliseconds,
      details: v.variant('kind', spfDetails),
    }),
  ),
});

/** haproxy-bootstrap verify as one check: every frontend's banner, the gate's haproxy-frontends evidence. */
const haproxyFrontends = v.strictObject({
  kind: v.literal('haproxy-frontends'),
  frontends: v.array(
    v.strictObject({
      frontend: text,
      backend: text,
      status: statusSchema,
      summary: text,
      banner: v.optional(banner),
    }),
  ),
});

export const detailsSchema = v.variant('kind', [
  ...protocolDetails,
  v.strictObject({ kind: v.literal('hook'), ...commandRun }),
  v.strictObject({
    kind: v.literal('lock'),
    file: text,
    /** The stale lock this run took over, or the live one that refused it. */
    holder: v.optional(lockHolder),
    tookOver: v.optional(text),
  }),
  v.strictObject({
    kind: v.literal('backup-source'),
    source: text,
    path: text,
    /** The snapshots it was linked against (--link-dest), newest first. */
    bases: texts,
    /** rsyncs side by side on this source (1: one rsync). */
    rsyncs: count,
    rsyncExit: v.number(),
    /** rsync's --stats figures; absent when rsync failed before printing them. */
    stats: v.optional(rsyncStats),
    /** Source paths rsync could not read (rsync exit 23), with owner and mode where known. */
    unreadable: v.optional(
      v.array(v.strictObject({ path: text, uid: v.optional(count), mode: v.optional(text) })),
    ),
  }),
  v.strictObject({
    kind: v.literal('backup-guard'),
    source: text,
    /** The snapshot the new one is compared with: the newest complete one holding the source. */
    base: text,
    baseFiles: count,
    deleted: count,
    changed: count,
    added: count,
    /** (deleted + changed) / baseFiles. */
    changedRatio: v.number(),
    /** The limits given, in percent. */
    maxDeleted: v.optional(count),
    maxChanged: v.optional(count),
  }),
  v.strictObject({ kind: v.literal('snapshot'), id: text, replaced: v.boolean() }),
  v.strictObject({
    kind: v.literal('retention'),
    /** Oldest first. */
    kept: texts,
    /** Oldest first; with dryRun, what would have been deleted. */
    deleted: texts,
    /** Every rule keeping each kept snapshot, by snapshot id. */
    reasons: v.optional(v.record(v.string(), v.array(keepReason))),
    /** prune --dry-run: nothing was deleted. */
    dryRun: v.optional(v.boolean()),
  }),
  v.strictObject({
    kind: v.literal('snapshot-entry'),
    dir: text,
    complete: v.boolean(),
    completedAt: v.nullable(timestamp),
    sources: texts,
    sizeBytes: count,
    newBytes: count,
    /** The rules that keep it under the retention flags given (empty: a prune would delete it); absent when incomplete. */
    keptBy: v.optional(v.array(keepReason)),
  }),
  v.strictObject({
    kind: v.literal('manifest-check'),
    files: count,
    changed: texts,
    missing: texts,
    extra: texts,
    /** restore --path: only the manifest's files under this path (relative to the source) were checked. */
    path: v.optional(text),
  }),
  v.strictObject({
    /** One source's share of a rolling verify (--sample, --budget): the files read, in manifest order. */
    kind: v.literal('manifest-slice'),
    manifest: text,
    /** Entries of the manifest. */
    files: count,
    checked: count,
    /** The first and the last file read; absent when none was. */
    first: v.optional(text),
    last: v.optional(text),
    /** Files that differ, are missing or cannot be read, found now or by an earlier run and still so. */
    mismatches: count,
    /** The first 100 of them. */
    mismatched: v.array(
      v.strictObject({
        path: text,
        problem: v.picklist(['changed', 'missing', 'unreadable']),
        earlier: v.boolean(),
      }),
    ),
  }),
  v.strictObject({
    /** Where a rolling verify stands: a cycle is one pass over the newest snapshot's files. */
    kind: v.literal('verify-cycle'),
    /** The state file in the destination. */
    state: text,
    snapshot: text,
    /** Files of the snapshot, and those the cycle has passed; absent when the run stopped before counting. */
    files: v.optional(count),
    position: v.optional(count),
    coverage: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    /** This run ended the cycle. */
    completed: v.boolean(),
    /** When the cycle this run read in began. */
    cycleStartedAt: timestamp,
    lastFullCycleAt: v.optional(timestamp),
    stoppedBy: v.optional(v.picklist(['sample', 'budget', 'signal', 'replaced'])),
  }),
  v.strictObject({
    kind: v.literal('itemized-changes'),
    /** Where the changes would be made (restore) or what was compared (verify --against-source). */
    target: text,
    writes: count,
    deletes: count,
    /** The first 200 changes. */
    changes: v.array(itemized),
    /** restore --path: the directory or file restored, relative to the source's root. */
    path: v.optional(text),
  }),
  v.strictObject({
    kind: v.literal('file-diff'),
    file: text,
    /** Where the new content comes from (the spec file). */
    source: text,
    /** Unified-diff hunks of the change, as jsdiff's structuredPatch gives them. */
    hunks: v.array(
      v.strictObject({
        oldStart: count,
        oldLines: count,
        newStart: count,
        newLines: count,
        /** Each line starts with " ", "-", "+" (or "\\" for "No newline at end of file"). */
        lines: texts,
      }),
    ),
  }),
  ...probeDetails,
  v.strictObject({
    kind: v.literal('gate-check'),
    /** The check's kind in the gate file: http, smtp, kubernetes-rollout ... */
    check: text,
    ready: v.boolean(),
    /** Failed for good: retrying could not help (a TLS mismatch, 401/403, ProgressDeadlineExceeded). */
    terminal: v.boolean(),
    attempts: count,
    timeToReadyMs: v.optional(milliseconds),
    /** The passing attempt's words, or the last failure's. */
    last: text,
    /** Passing attempts in a row at the end, and how many the check needs (its successes) to be ready. */
    consecutive: v.optional(v.strictObject({ reached: count, required: count })),
    /** The last attempt's data, when its kind of check gives any. */
    evidence: v.optional(
      v.variant('kind', [...protocolDetails, ...probeDetails, spfDomain, haproxyFrontends]),
    ),
  }),
  ...spfDetails,
  spfDomain,
  haproxyFrontends,
]);

export const checkSchema = v.strictObject({
  name: text,
  status: statusSchema,
  /** One line for people; data is in details. */
  summary: text,
  durationMs: milliseconds,
  attempts: v.optional(count),
  details: v.optional(detailsSchema),
  error: v.optional(v.strictObject({ code: text, message: text })),
});

const familySchema = v.strictObject({
  name: text,
  help: text,
  type: v.picklist(['gauge', 'counter']),
  /** every-run: pushed by each run; on-success: only by passing runs, so it outlives failures. */
  policy: v.picklist(['every-run', 'on-success']),
  samples: v.array(
    v.strictObject({
      labels: v.record(v.string(), v.string()),
      /** null stands for NaN: no figure (a failed run's round trip), so graphs show a gap. */
      value: v.nullable(v.number()),
    }),
  ),
});

export const reportSchema = v.strictObject({
  schemaVersion: v.literal(SCHEMA_VERSION),
  /** The subcommand: backup-rsync, backup-rsync list, readiness-gate ... */
  command: text,
  /** Prefix of the run-level metric families: <prefix>_success, <prefix>_duration_seconds. */
  metricPrefix: text,
  status: statusSchema,
  summary: text,
  startedAt: timestamp,
  durationMs: milliseconds,
  checks: v.array(checkSchema),
  metrics: v.array(familySchema),
  warnings: texts,
  /** False for runs that check one side only (dry runs): shown, never pushed. */
  pushable: v.optional(v.boolean()),
  /** A document the run produces (a completion script, pfSense PHP): the text format prints only it. */
  document: v.optional(v.strictObject({ name: text, mediaType: text, text })),
});
