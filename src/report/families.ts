import type { MetricFamily, PushPolicy } from '../checks/types.js';

/**
 * Every label a family may carry, and where its values come from. Each comes from a set the
 * operator bounds (flags, the gate file, the mail path's servers) or from a fixed list: never a
 * message id, a tag or a time, which would make a new series every run.
 */
export const LABELS = {
  source: 'a `--source` name',
  check: 'a check name from the gate file',
  status: '`pass`, `fail` (a wrong answer) or `error` (no answer)',
  phase: '`send`, `connect`, `auth`, `wait`, `cleanup` or `none`',
  hop: "the hop's place on the path, `1` for the first server",
  by: "the host name in the hop's `Received` header: the servers of the mail path",
  method: 'an Authentication-Results method (`spf`, `dkim`, `dmarc`, ...)',
  result: "the method's result (`pass`, `fail`, `none`, ...)",
  domain: 'a domain given to spf-check',
  resolver: 'a `--resolver` address',
  expectation: '`include:<d>`, `all:<q>all`, `pass:<ip>`, `fail:<ip>` or `dmarc-policy:<p>`, from the flags',
} as const;

export type LabelName = keyof typeof LABELS;

/** One family as every output, the README and the deploy files see it. */
export interface FamilyDef<L extends LabelName = LabelName> {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  labels: readonly L[];
  policy: PushPolicy;
  /** The command line that emits it: `backup-rsync verify`. */
  command: string;
  /** Which of its command's runs emit it, when not all of them. */
  when?: string;
}

export interface FamilySample<L extends LabelName> {
  // A family without labels takes none: {} alone would accept any.
  labels: Readonly<[L] extends [never] ? Record<string, never> : Record<L, string>>;
  value: number;
}

/** A family of a definition with this run's samples; label names are checked by the compiler. */
export function family<L extends LabelName>(
  def: FamilyDef<L>,
  samples: readonly FamilySample<L>[],
): MetricFamily {
  const { name, help, type, policy } = def;
  return { name, help, type, policy, samples: [...samples] };
}

/** A value without labels. */
export const single = (value: number): FamilySample<never>[] => [{ labels: {}, value }];

const gauge =
  (command: string) =>
  <const N extends string, const L extends LabelName = never>(
    name: N,
    help: string,
    extra: { labels?: readonly L[]; when?: string } = {},
  ): FamilyDef<NoInfer<L>> & { name: N } => ({
    name,
    type: 'gauge',
    help,
    labels: extra.labels ?? [],
    policy: 'every-run',
    command,
    ...(extra.when ? { when: extra.when } : {}),
  });

/** Keyed by name, so code that emits a family names it as dashboards and alerts do. */
function byName<const T extends readonly FamilyDef[]>(defs: T): { [D in T[number] as D['name']]: D } {
  return Object.fromEntries(defs.map((d) => [d.name, d])) as { [D in T[number] as D['name']]: D };
}

const backup = gauge('backup-rsync');
const verify = gauge('backup-rsync verify');
const prune = gauge('backup-rsync prune');
const probe = gauge('probe-roundtrip');
const gate = gauge('readiness-gate');
const spf = gauge('spf-check');
const COPIED = 'sources rsync copied';
const BASED = 'sources with a base snapshot';
const SEEN = 'runs that saw the probe';

/** The commands' own families. The run-level ones (`runLevel`) come on top, per command. */
export const FAMILIES = byName([
  backup('backup_transferred_bytes', 'Bytes rsync sent as literal data in the last run.', {
    labels: ['source'],
    when: COPIED,
  }),
  backup('backup_transferred_files', 'Regular files rsync transferred in the last run.', {
    labels: ['source'],
    when: COPIED,
  }),
  backup(
    'backup_new_bytes',
    'Bytes the new snapshot added on disk: transferred files are new inodes, the rest are hard links.',
    { labels: ['source'], when: COPIED },
  ),
  backup('backup_source_bytes', 'Total size of the source tree.', { labels: ['source'], when: COPIED }),
  backup('backup_source_files', 'Files (all kinds) in the source tree.', {
    labels: ['source'],
    when: COPIED,
  }),
  backup('backup_deleted_files', "Files of the source's base snapshot that are gone from the new one.", {
    labels: ['source'],
    when: BASED,
  }),
  backup(
    'backup_changed_files_ratio',
    "Files of the base snapshot gone or rewritten in the new one, as a share of the base's files.",
    { labels: ['source'], when: BASED },
  ),
  backup('backup_snapshots', 'Complete snapshots on the destination after the run.'),
  verify(
    'backup_verify_checked_files',
    'Files of the snapshot the last verify run re-read and compared with its manifest.',
    { labels: ['source'] },
  ),
  verify(
    'backup_verify_mismatches',
    'Files differing from the manifest, missing or unreadable: found by the last verify run, or by an earlier one and not found right since.',
    { labels: ['source'], when: 'sources that could be verified' },
  ),
  verify(
    'backup_verify_coverage_ratio',
    "Share of the newest snapshot's files the current rolling-verification cycle has re-read (1: the run ended a cycle).",
    { when: 'rolling runs (`--sample`, `--budget`)' },
  ),
  verify(
    'backup_verify_last_full_cycle_timestamp_seconds',
    'Unix time the last rolling-verification cycle ended, every file of the newest snapshot re-read.',
    { when: 'rolling runs, once a cycle has ended' },
  ),
  prune('backup_prune_deleted_snapshots', 'Complete snapshots the last prune deleted.', {
    when: 'runs without `--dry-run`',
  }),
  prune('backup_prune_kept_snapshots', 'Complete snapshots on the destination after the prune.', {
    when: 'runs without `--dry-run`',
  }),
  probe(
    'email_roundtrip_duration_seconds',
    'Round trip of the last run: send accepted to probe seen over IMAP (NaN when it failed, so graphs show a gap).',
  ),
  probe(
    'email_roundtrip_submit_duration_seconds',
    'Time to get the probe accepted by the sending service (NaN when it was not).',
  ),
  probe('email_roundtrip_attempts', 'Wait windows used (the window the probe was seen in, or all of them).'),
  probe('email_roundtrip_failure_info', 'Phase that failed the last run, or none: 1 for that phase.', {
    labels: ['phase'],
  }),
  probe(
    'email_roundtrip_hop_delay_seconds',
    'Delay between consecutive Received headers of the delivered probe.',
    {
      labels: ['hop', 'by'],
      when: SEEN,
    },
  ),
  probe(
    'email_roundtrip_auth_result_info',
    'Authentication-Results verdicts the receiving server recorded on the probe: 1 per method and result.',
    { labels: ['method', 'result'], when: `${SEEN}, when it carries an Authentication-Results header` },
  ),
  probe(
    'email_roundtrip_deleted_stale_probes',
    'Earlier probes older than --stale-after deleted by this run.',
    {
      when: 'runs that reached cleanup',
    },
  ),
  probe(
    'email_roundtrip_late_arrivals',
    'Earlier probes in the mailbox that arrived after their wait window.',
    {
      when: 'runs that reached cleanup',
    },
  ),
  gate('readiness_gate_skipped', 'Whether the gate was overridden with --skip.'),
  gate('readiness_check_success', 'Whether the check was ready by the deadline.', { labels: ['check'] }),
  gate(
    'readiness_check_status_info',
    'The last verdict of each check, 1 per check: pass, fail (a wrong answer) or error (no answer).',
    { labels: ['check', 'status'] },
  ),
  gate(
    'readiness_check_time_to_ready_seconds',
    'Seconds from the gate start until the check was ready (ready checks only).',
    { labels: ['check'], when: 'checks that became ready' },
  ),
  gate('readiness_check_attempts', 'Attempts the check took.', { labels: ['check'] }),
  spf('spf_record_present', 'Whether the resolver serves exactly one v=spf1 record.', {
    labels: ['domain', 'resolver'],
  }),
  spf('spf_resolvers_agree', 'Whether every resolver serves the same record.', { labels: ['domain'] }),
  // The limits are RFC 7208's (section 4.6.4), the ones src/checks/spf/analyze.ts enforces.
  spf('spf_dns_lookups', 'DNS-mechanism lookups the record tree costs (limit 10).', {
    labels: ['domain', 'resolver'],
  }),
  spf('spf_void_lookups', 'Void lookups in the record tree (limit 2).', { labels: ['domain', 'resolver'] }),
  spf('spf_expectation_met', 'Whether an expectation holds on every resolver.', {
    labels: ['domain', 'expectation'],
    when: 'runs with expectations',
  }),
  spf(
    'spf_authoritative_agree',
    'Whether every name server of the zone, asked directly, serves the record the resolvers serve.',
    { labels: ['domain'], when: 'runs with `--authoritative`' },
  ),
]);

/**
 * The families every command gets under its metric prefix, so no command re-implements them
 * (blackbox_exporter's probe_success). The last success is pushed only by passing runs, so it
 * outlives later failures in the Pushgateway.
 */
export function runLevel(prefix: string, command: string) {
  const own = gauge(command);
  return {
    success: own(`${prefix}_success`, `1 if the last ${command} run passed, 0 otherwise.`),
    duration: own(`${prefix}_duration_seconds`, `Wall time of the last ${command} run.`),
    lastRun: own(`${prefix}_last_run_timestamp_seconds`, `Unix time of the last ${command} run.`),
    lastSuccess: {
      ...own(`${prefix}_last_success_timestamp_seconds`, `Unix time of the last passing ${command} run.`),
      policy: 'on-success' as const,
      when: 'passing runs',
    },
  };
}

/** A command as its spec declares it: the words typed, and its metric prefix. */
export interface PrefixedCommand {
  command: string;
  prefix: string;
}

/**
 * Every family any run can emit: each command's run-level families (unless a command defines
 * one of them itself, as the probe its round trip) and the commands' own.
 */
export function everyFamily(commands: readonly PrefixedCommand[]): FamilyDef[] {
  const own: FamilyDef[] = Object.values(FAMILIES);
  const names = new Set(own.map((d) => d.name));
  const runLevels = commands.flatMap(({ command, prefix }) =>
    Object.values(runLevel(prefix, command)).filter((d) => !names.has(d.name)),
  );
  return [...runLevels, ...own];
}
