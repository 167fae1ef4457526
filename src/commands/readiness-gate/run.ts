import type { RunContext } from '../../cli/command-spec.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { Report } from '../../checks/types.js';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../output/atomic-write.js';
import { attemptFor, sharedClients } from './checks.js';
import { junitXml } from './junit.js';
import { gateReport } from './report.js';
import { runChecks } from './runner.js';
import type { CheckSpec } from './schema.js';
import type { gateOptions } from './spec.js';

/** The gate: every declared check (or --only's) retried concurrently under the run's one deadline. */
export async function run(values: OptionValuesOf<typeof gateOptions>, ctx: RunContext): Promise<Report> {
  const startedAt = Date.now();
  const declared = ctx.section?.checks as CheckSpec[] | undefined;
  if (!declared)
    throw new UsageError(
      '--config: expected a file with a readiness-gate.checks list, got none (see the README)',
    );
  const only = values.only ?? [];
  const unknown = only.filter((name) => !declared.some((c) => c.name === name));
  if (unknown.length)
    throw new UsageError(
      `--only: expected names of declared checks, got ${unknown.map((n) => JSON.stringify(n)).join(', ')}`,
    );
  const chosen = only.length ? declared.filter((c) => only.includes(c.name)) : declared;
  const reason = values.reason?.trim() ?? '';
  const skip = values.skip;
  if (skip && !reason) throw new UsageError('--skip: expected --reason "<why>" with it, got no reason');
  if (skip) ctx.log.warn(`READINESS GATE SKIPPED: ${reason}`);

  const shared = sharedClients(ctx.env, { cacheMs: values.interval, signal: ctx.signal }, ctx.log);
  const checks = await Promise.all(
    chosen.map(async (spec) => ({ spec, attempt: await attemptFor(spec, ctx.env, shared) })),
  );
  const outcomes = await runChecks(checks, {
    intervalMs: values.interval,
    signal: ctx.signal,
    progress: ctx.progress,
    once: skip,
  });
  const report = gateReport(outcomes, { startedAt, skippedReason: skip ? reason : undefined });
  const junit = values.junit;
  if (junit !== undefined) {
    await writeFileAtomic(
      junit,
      junitXml(outcomes, { durationMs: report.durationMs, ...(skip ? { skippedReason: reason } : {}) }),
    );
  }
  return report;
}
