import type { RunContext } from '../../cli/command-spec.js';
import { sleep } from '../../checks/deadline.js';
import { serverLookup } from '../../checks/dns-client.js';
import { mapPool } from '../../checks/map-pool.js';
import type { Report } from '../../checks/types.js';
import { parseOptions, type SpfCheckOptions, type SpfValues } from './expectations.js';
import { domainsReport } from './domains-report.js';
import { type DomainViews, domainReport } from './report.js';
import { authoritativeView } from './authoritative-view.js';
import { verdict } from './verdict.js';
import { resolverView } from './view.js';

/**
 * Every domain on every resolver, --concurrency domains at a time, each resolver with one
 * answer cache for the whole poll; with --wait-for-propagation, the domains not yet meeting
 * the expectations again, with fresh caches, until all do or the deadline. With --authoritative,
 * each domain's zone servers are asked directly too, and waited for like the resolvers.
 */
export async function run(values: SpfValues, ctx: RunContext): Promise<Report> {
  const opts = parseOptions(values);
  const startedAt = Date.now();
  const views = new Map<string, DomainViews>();
  let pending = opts.domains;
  let polls = 0;
  for (;;) {
    polls++;
    const what = pending.length === 1 ? pending[0] : `${pending.length} domains`;
    ctx.progress.begin(
      'resolvers',
      `asking ${opts.resolvers.map((r) => r ?? 'system').join(', ')} about ${what}`,
    );
    await poll(pending, opts, ctx.signal, views);
    pending = pending.filter((domain) => !verdict(opts, views.get(domain) ?? { domain, views: [] }).ok);
    ctx.progress.end('resolvers', pending.length ? 'fail' : 'pass', `poll ${polls}`);
    if (!pending.length || !opts.wait || ctx.signal.aborted) break;
    if (!(await sleep(opts.intervalMs, ctx.signal))) break;
  }
  const byDomain = opts.domains.map((domain) => views.get(domain) ?? { domain, views: [] });
  const run = { startedAt, polls };
  return byDomain.length === 1 ? domainReport(opts, byDomain[0]!, run) : domainsReport(opts, byDomain, run);
}

/** One poll: every domain asked of every resolver (and its zone's servers), into `into` by domain; fresh caches. */
export async function poll(
  domains: readonly string[],
  opts: SpfCheckOptions,
  signal: AbortSignal,
  into: Map<string, DomainViews>,
): Promise<void> {
  const resolvers = opts.resolvers.map((server) =>
    serverLookup(server, { timeoutMs: opts.queryTimeoutMs, signal }),
  );
  await mapPool(domains, opts.concurrency, async (domain) => {
    const [views, authoritative] = await Promise.all([
      Promise.all(resolvers.map((dns) => resolverView(domain, dns, opts))),
      opts.authoritative && resolvers[0] ? authoritativeView(domain, resolvers[0], opts, signal) : undefined,
    ]);
    into.set(domain, { domain, views, ...(authoritative ? { authoritative } : {}) });
  });
}
