import { structuredPatch } from 'diff';
import { stopReason } from '../../checks/deadline.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { RunContext } from '../../cli/command-spec.js';
import type { Report } from '../../checks/types.js';
import { UsageError } from '../../errors.js';
import { ReportBuilder } from '../../report/builder.js';
import { applyCandidate, type CommandRun, readTarget } from './apply.js';
import { mergeSections } from './cfg-sections.js';
import { emitPhp } from './emit-php.js';
import { applyToConfigXml } from './pfsense-xml.js';
import { lintSpec } from './lint.js';
import { renderSections } from './render-cfg.js';
import { type BootstrapSpec, loadSpec } from './spec-file.js';
import type { bootstrapOptions } from './spec.js';

/** Renders the spec into the target file: --check (drift, exit 1), --dry-run (diff), or validate, write, reload. */
export async function run(values: OptionValuesOf<typeof bootstrapOptions>, ctx: RunContext): Promise<Report> {
  const startedAt = Date.now();
  const specFile = values.spec;
  const file = values.file;
  const spec = await loadSpec(specFile);
  if (values['emit-php']) return phpReport(spec, specFile, ctx);
  if (file === undefined) throw new UsageError('--file: expected the haproxy.cfg to write, got nothing');
  const current = await readTarget(file);
  const pfsense = values.target === 'pfsense-xml';
  if (pfsense && current === '')
    throw new UsageError(
      `--file: expected pfSense's config.xml, got ${JSON.stringify(file)} (missing or empty)`,
    );
  let candidate: string;
  try {
    candidate = pfsense ? applyToConfigXml(current, spec) : mergeSections(current, renderSections(spec));
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  if (pfsense) {
    // The edit is textual: prove the result still parses before anything is written.
    const { XMLValidator } = await import('fast-xml-parser');
    const valid = XMLValidator.validate(candidate);
    if (valid !== true)
      throw new Error(`internal: the edited ${file} is not well-formed XML (${valid.err.msg})`);
  }
  const validateCmd = values['validate-cmd'] ?? (pfsense ? undefined : 'haproxy -c -f {file}');
  const report = new ReportBuilder({
    command: 'haproxy-bootstrap',
    metricPrefix: 'haproxy_bootstrap',
    startedAt,
    progress: ctx.progress,
  });
  report.warn(...lintSpec(spec));
  report.check({
    name: 'spec',
    status: 'pass',
    summary: `${spec.frontends.length} frontends, ${spec.backends.length} backends`,
    since: startedAt,
  });

  const since = Date.now();
  const mode = values.check ? 'check' : values['dry-run'] ? 'dry-run' : 'apply';
  if (candidate === current) {
    report.check({
      name: 'compare',
      status: 'pass',
      summary: 'no changes: the file already matches the spec',
      since,
    });
    return report.finish({ summary: `no changes: ${file} matches ${specFile}` });
  }
  const { hunks } = structuredPatch(file, file, current, candidate, '', '', { context: 3 });
  const diff = { kind: 'file-diff' as const, file, source: specFile, hunks };
  const changed = hunks.flatMap((h) => h.lines).filter((l) => /^[-+]/.test(l)).length;
  if (mode === 'check') {
    report.check({
      name: 'compare',
      status: 'fail',
      summary: `${file} differs from the spec (${changed} lines)`,
      since,
      details: diff,
    });
    return report.finish({ summary: `drift: ${file} differs from ${specFile}` });
  }
  if (mode === 'dry-run') {
    report.check({
      name: 'compare',
      status: 'pass',
      summary: 'changes shown below, nothing written',
      since,
      details: diff,
    });
    return report.finish({ summary: `dry run: ${file} would change` });
  }
  const outcome = await applyCandidate(file, current, candidate, {
    validateCmd,
    reloadCmd: values['reload-cmd'],
    signal: ctx.signal,
  });
  // A command cut short by the deadline says why in its place.
  const said = (run: CommandRun) =>
    run.stopped ? `stopped: ${stopReason(ctx.signal)}` : run.output.split('\n').slice(-3).join(' | ');
  if (outcome.state === 'unchanged')
    return report.finish({ summary: `no changes: ${file} matches ${specFile}` });
  if ('validated' in outcome && outcome.validated)
    report.check({
      name: 'validate',
      status: outcome.state === 'invalid' ? 'fail' : 'pass',
      summary:
        outcome.state === 'invalid'
          ? `rejected, ${file} left as it was: ${said(outcome.validated)}`
          : 'accepted',
      since,
      details: outcome.validated,
    });
  if (outcome.state === 'invalid') return report.finish({ summary: `validation failed: ${file} unchanged` });
  if (outcome.state === 'reload-failed') {
    report.check({
      name: 'reload',
      status: 'fail',
      summary: `failed, previous ${file} restored: ${said(outcome.reloaded)}`,
      since,
      details: outcome.reloaded,
    });
    return report.finish({ summary: `reload failed: previous ${file} restored` });
  }
  report.check({
    name: 'write',
    status: 'pass',
    summary: `written atomically${outcome.backup ? `, previous version in ${outcome.backup}` : ''}`,
    since,
    details: diff,
  });
  if (outcome.reloaded)
    report.check({ name: 'reload', status: 'pass', summary: 'reloaded', since, details: outcome.reloaded });
  return report.finish({ summary: `applied: ${file} now matches ${specFile}` });
}

/** --emit-php: the script on stdout (text format), nothing read or written here. */
function phpReport(spec: BootstrapSpec, specFile: string, ctx: RunContext): Report {
  const report = new ReportBuilder({
    command: 'haproxy-bootstrap',
    metricPrefix: 'haproxy_bootstrap',
    progress: ctx.progress,
  });
  report.warn(...lintSpec(spec));
  return report.finish({
    summary: `PHP for pfSense from ${specFile}: ${spec.backends.length} pools, ${spec.frontends.length} frontends`,
    pushable: false,
    document: { name: 'mail-haproxy.php', mediaType: 'application/x-php', text: emitPhp(spec, specFile) },
  });
}
