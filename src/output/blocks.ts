import type { Details, DetailsOf, Report, Status } from '../checks/types.js';

/** The details of one kind, in the order of the checks. */
function detailsOf<K extends Details['kind']>(report: Report, kind: K): DetailsOf<K>[] {
  return report.checks.flatMap((c) => (c.details?.kind === kind ? [c.details as DetailsOf<K>] : []));
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A table with left-aligned words (the first column, and any named) and right-aligned figures. */
function table(header: string[], rows: string[][], words: readonly number[] = [0]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => (words.includes(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()}`;
  return [line(header), ...rows.map(line)];
}

/**
 * spf-check over several domains: a row per domain instead of a line per check, the reason
 * last; `mark` paints the status as the check lines do.
 */
export function domainTable(report: Report, mark: (status: Status) => string): string[] | undefined {
  const domains = report.checks.filter((c) => c.details?.kind === 'spf-domain');
  if (domains.length === 0 || domains.length !== report.checks.length) return undefined;
  const rows = domains.map((c) => {
    const d = c.details as DetailsOf<'spf-domain'>;
    const expected = d.expectations.total ? `${d.expectations.met}/${d.expectations.total}` : '-';
    return [
      d.domain,
      d.agree ? 'yes' : 'NO',
      `${d.lookups}/10`,
      String(d.voidLookups),
      d.all ? `${d.all}all` : '-',
      expected,
      c.status === 'pass' ? '' : c.summary,
    ];
  });
  const [head = '', ...lines] = table(
    ['domain', 'agree', 'lookups', 'void', 'all', 'expected', 'reason'],
    rows,
    [0, 6],
  );
  return [
    `  ${'     '} ${head.trimStart()}`,
    ...lines.map((line, i) => `  ${mark(domains[i]!.status)} ${line.trimStart()}`),
  ];
}

/** backup-rsync: per source what rsync saw and wrote, and the snapshots kept. */
function ioStats(report: Report): string[] {
  const sources = detailsOf(report, 'backup-source').filter((d) => d.stats);
  if (sources.length === 0) return [];
  const rows = sources.map(({ source, stats }) => [
    source,
    String(stats!.files),
    String(stats!.regularFilesTransferred),
    bytes(stats!.totalFileSize),
    bytes(stats!.transferredFileSize),
    String(stats!.deletedFiles),
  ]);
  const total = sources.reduce((sum, d) => sum + d.stats!.transferredFileSize, 0);
  const rate = report.durationMs > 0 ? bytes((total / report.durationMs) * 1000) : '0 B';
  const kept = detailsOf(report, 'retention')[0]?.kept;
  const snapshots = kept
    ? `${kept.length} complete snapshots (${kept[0] ?? '-'} .. ${kept.at(-1) ?? '-'}); `
    : '';
  return [
    'IO stats',
    ...table(['source', 'files', 'transferred', 'size', 'new on disk', 'deleted'], rows),
    `  ${snapshots}wrote ${bytes(total)} in ${(report.durationMs / 1000).toFixed(1)}s (${rate}/s)`,
  ];
}

/** spf-check: the lookup budget term by term (first resolver), and check_host()'s trace. */
function spfBlocks(report: Report): string[] {
  const first = detailsOf(report, 'spf-record').find((d) => d.record !== undefined);
  if (!first) return [];
  const lines = [
    'Lookups',
    ...first.terms.map((t, i) => {
      const flags = [
        t.void ? 'void' : t.voidFamily ? `void for ${t.voidFamily === 'ipv4' ? 'IPv4' : 'IPv6'} clients` : '',
        t.note ?? '',
      ]
        .filter(Boolean)
        .join(', ');
      return `  ${String(i + 1).padStart(2)}  ${t.term.padEnd(40)} in ${t.path.join(' > ')}${flags ? ` (${flags})` : ''}`;
    }),
  ];
  if (first.terms.length === 0) lines.push('  none: the record costs no DNS lookups');
  for (const c of detailsOf(report, 'spf-check-host')) {
    lines.push(
      `check_host(${c.ip}) on ${c.resolver}: ${c.result}`,
      ...(c.match ? [`  decided by: ${decidedBy(c.match)}`] : []),
      ...termLines(c.terms ?? []),
      '  DNS questions, in order:',
      ...c.trace.map((t) => `    ${question(t)}`),
    );
    if (c.explanation) lines.push(`  exp: ${c.explanation}`);
  }
  return lines;
}

/** The path to the deciding term: "include:a.example in example.org -> ip4:192.0.2.1 in a.example". */
type DnsQuestion = DetailsOf<'spf-check-host'>['trace'][number];
const question = (t: DnsQuestion) =>
  `${t.type} ${t.name} -> ${t.error ?? t.answer?.map((a) => (t.type === 'TXT' ? `"${a}"` : a)).join(', ') ?? ''}`;

/** The terms as check_host() met them, includes indented under the include. */
function termLines(terms: NonNullable<DetailsOf<'spf-check-host'>['terms']>): string[] {
  if (terms.length === 0) return [];
  const OUTCOME = { match: 'MATCH', 'no-match': 'no match', error: 'ERROR', limit: 'LIMIT' } as const;
  const rows = terms.map((t) => [
    `${'  '.repeat(t.depth)}${t.term}`,
    t.domain,
    OUTCOME[t.outcome],
    t.lookups ? `${t.lookups} lookup` : '',
    t.questions.map(question).join('; '),
  ]);
  return [
    '  terms evaluated, in order:',
    ...table(['term', 'in', 'outcome', 'cost', 'questions'], rows, [0, 1, 2, 4]).map((l) => `  ${l}`),
  ];
}

function decidedBy(match: NonNullable<DetailsOf<'spf-check-host'>['match']>): string {
  const steps = [...match.via, ...(match.term ? [match.term] : [])].map((s) => `${s.term} in ${s.domain}`);
  if (!match.term) steps.push('no term matched (default neutral)');
  return steps.join(' -> ');
}

/** spf-check --dmarc: where reports go (first resolver), and whether receivers may send them there. */
function dmarcBlocks(report: Report): string[] {
  const record = detailsOf(report, 'dmarc').find((d) => d.record?.destinations?.length)?.record;
  if (!record?.destinations) return [];
  const width = Math.max(...record.destinations.map((d) => d.uri.length));
  return [
    `DMARC report destinations (policy at ${record.at})`,
    ...record.destinations.map((d) => `  ${d.tag}  ${d.uri.padEnd(width)}  ${destinationState(d)}`),
  ];
}

type Destination = NonNullable<NonNullable<DetailsOf<'dmarc'>['record']>['destinations']>[number];

function destinationState(d: Destination): string {
  switch (d.problem?.kind) {
    case 'unauthorized':
      return `NOT authorized: no v=DMARC1 at ${d.authorization ?? '-'}`;
    case 'temperror':
      return `unknown: TXT ${d.authorization ?? '-'} failed (temperror)`;
    case 'unsupported':
      return 'not checked: not a mailto: URI';
    case 'invalid':
      return d.scheme ? 'invalid: no domain in the address' : 'invalid: not a URI';
    default:
      return d.authorized ? `authorized at ${d.authorization ?? '-'}` : 'internal';
  }
}

/** A file's change as a unified diff (the unified format's quirk: an empty side starts one line lower). */
function diffs(report: Report): string[] {
  return detailsOf(report, 'file-diff').flatMap(({ file, source, hunks }) => [
    `--- ${file}`,
    `+++ ${file} (from ${source})`,
    ...hunks.flatMap((h) => [
      `@@ -${h.oldLines === 0 ? h.oldStart - 1 : h.oldStart},${h.oldLines} +${h.newLines === 0 ? h.newStart - 1 : h.newStart},${h.newLines} @@`,
      ...h.lines,
    ]),
  ]);
}

/** What the text format prints after the verdict, made from the checks' details. */
export function detailBlocks(report: Report): string[] {
  return [...ioStats(report), ...spfBlocks(report), ...dmarcBlocks(report), ...diffs(report)];
}
