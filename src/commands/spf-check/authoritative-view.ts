import type { ServerLookup } from '../../checks/dns-client.js';
import {
  askAuthoritative,
  type AuthoritativeAgreement,
  authoritativeAgreement,
  type AuthoritativeAnswer,
  authoritativeServers,
} from '../../checks/spf/authoritative.js';
import type { CheckInput } from '../../report/builder.js';
import type { MetricFamily } from '../../checks/types.js';
import { FAMILIES as F, family } from '../../report/families.js';
import type { SpfCheckOptions } from './expectations.js';
import type { ResolverView } from './view.js';

/** What the zone's own name servers say about a domain's record, each asked directly. */
export interface AuthoritativeView {
  zone?: string;
  answers: AuthoritativeAnswer[];
  /** What kept the zone or one of its servers from being found. */
  problems: string[];
  agreement: AuthoritativeAgreement;
  durationMs: number;
}

/**
 * The zone's NS and their addresses found through the first resolver (its cache is shared by
 * every domain of the poll, so a zone's servers are looked up once), then every server asked.
 */
export async function authoritativeView(
  domain: string,
  resolver: ServerLookup,
  opts: SpfCheckOptions,
  signal: AbortSignal,
): Promise<AuthoritativeView> {
  const started = Date.now();
  const found = await authoritativeServers(domain, resolver.lookup);
  const zone = found.zone;
  const answers = zone
    ? await Promise.all(
        found.servers.map((server) =>
          askAuthoritative(zone, domain, server, {
            port: opts.authoritativePort,
            timeoutMs: opts.queryTimeoutMs,
            signal,
          }),
        ),
      )
    : [];
  return {
    ...(zone ? { zone } : {}),
    answers,
    problems: found.problems,
    agreement: authoritativeAgreement(answers),
    durationMs: Date.now() - started,
  };
}

/** Why the authoritative servers are not in step with each other and with the resolvers; undefined when they are. */
export function authoritativeProblem(
  view: AuthoritativeView,
  records: readonly (string | undefined)[],
): string | undefined {
  const named = (a: AuthoritativeAnswer) => `${a.ns} (${a.server})`;
  if (!view.zone || view.answers.length === 0)
    return `authoritative: ${view.problems[0] ?? 'no name server found'}`;
  const silent = view.answers.find((a) => a.serial === undefined || a.spf.kind === 'error');
  if (silent) return `authoritative ${named(silent)}: ${silent.problems[0] ?? 'no answer'}`;
  if (!view.agreement.sameRecord)
    return `authoritative servers of ${view.zone} serve different records: ${view.answers.map((a) => `${named(a)}: ${a.record}`).join(' | ')}`;
  const record = view.answers[0]?.record;
  if (records.some((r) => r !== undefined && r !== record))
    return `a resolver serves a record the authoritative servers of ${view.zone} no longer serve (they serve ${record ?? '-'})`;
  return undefined;
}

/** The zone's servers as one check: in step with each other and with the resolvers, each server's answer as data. */
export function authoritativeCheck(view: AuthoritativeView, views: readonly ResolverView[]): CheckInput {
  const problem = authoritativeProblem(
    view,
    views.map((v) => v.analysis.record),
  );
  const serials = [...new Set(view.answers.map((a) => a.serial ?? '-'))].join(', ');
  return {
    name: 'authoritative',
    status: problem ? 'fail' : 'pass',
    summary:
      problem ??
      `${view.answers.length} servers of ${view.zone ?? '-'} serve the resolvers' record (serial ${serials})`,
    durationMs: view.durationMs,
    details: {
      kind: 'spf-authoritative',
      ...(view.zone ? { zone: view.zone } : {}),
      sameSerial: view.agreement.sameSerial,
      sameRecord: view.agreement.sameRecord,
      servers: view.answers.map((a) => ({
        ns: a.ns,
        server: a.server,
        ...(a.serial === undefined ? {} : { serial: a.serial }),
        ...(a.spf.kind === 'records' && a.spf.records.length === 1 ? { record: a.spf.records[0]! } : {}),
        served: a.record,
        problems: a.problems,
      })),
      problems: view.problems,
    },
  };
}

/** Serials that differ while the record is the same: the zone changed elsewhere and is still on its way. */
export function serialWarnings(view: AuthoritativeView): string[] {
  if (view.agreement.sameSerial || !view.agreement.sameRecord || view.answers.length === 0) return [];
  const serials = view.answers.map((a) => `${a.ns} (${a.server}) ${a.serial ?? '-'}`).join(', ');
  return [
    `the name servers of ${view.zone ?? '-'} serve the same record but different SOA serials: ${serials}`,
  ];
}

export function authoritativeFamily(domain: string, view: AuthoritativeView): MetricFamily {
  return family(F.spf_authoritative_agree, [
    { labels: { domain }, value: view.agreement.sameRecord && view.agreement.answered ? 1 : 0 },
  ]);
}
