import { createTwoFilesPatch } from 'diff';
import { finishReport } from '../../checks/report.js';
import type { OptionValues, RunContext } from '../../cli/command-spec.js';
import type { CheckResult, Report, Status } from '../../checks/types.js';
import { describeValue } from '../../config/issues.js';
import { UsageError } from '../../errors.js';
import { applyCandidate, readTarget } from './apply.js';
import { mergeSections } from './cfg-sections.js';
import { emitPhp } from './emit-php.js';
import { applyToConfigXml } from './pfsense-xml.js';
import { lintSpec } from './lint.js';
import { renderSections } from './render-cfg.js';
import { type BootstrapSpec, loadSpec } from './spec-file.js';

/** Renders the spec into the target file: --check (drift, exit 1), --dry-run (diff), or validate, write, reload. */
export async function run(values: OptionValues, ctx: RunContext): Promise<Report> {
  const startedAt = Date.now();
  const specFile = values.spec;
  const file = values.file;
  if (typeof specFile !== 'string')
    throw new UsageError(`--spec: expected a YAML spec file, got ${describeValue(specFile)}`);
  const spec = await loadSpec(specFile);
  if (values['emit-php'] === true) return phpReport(spec, specFile, startedAt);
  if (typeof file !== 'string')
    throw new UsageError(`--file: expected the haproxy.cfg to write, got ${describeValue(file)}`);
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
  const validateCmd =
    (values['validate-cmd'] as string | undefined) ?? (pfsense ? undefined : 'haproxy -c -f {file}');
  const diff =
    candidate === current
      ? []
      : createTwoFilesPatch(file, `${file} (from ${specFile})`, current, candidate, '', '', { context: 3 })
          .split('\n')
          .slice(1)
          .filter((line, i, all) => i < all.length - 1 || line !== '');
  const checks: CheckResult[] = [];
  const check = (name: string, status: Status, summary: string) =>
    checks.push({ name, status, summary, durationMs: Date.now() - startedAt });
  check('spec', 'pass', `${spec.frontends.length} frontends, ${spec.backends.length} backends`);

  let status: Status = 'pass';
  let summary: string;
  const mode = values.check === true ? 'check' : values['dry-run'] === true ? 'dry-run' : 'apply';
  if (candidate === current) {
    check('compare', 'pass', 'no changes: the file already matches the spec');
    summary = `no changes: ${file} matches ${specFile}`;
  } else if (mode === 'check') {
    status = 'fail';
    check(
      'compare',
      'fail',
      `${file} differs from the spec (${diff.filter((l) => /^[-+][^-+]/.test(l)).length} lines)`,
    );
    summary = `drift: ${file} differs from ${specFile}`;
  } else if (mode === 'dry-run') {
    check('compare', 'pass', 'changes shown below, nothing written');
    summary = `dry run: ${file} would change`;
  } else {
    const outcome = await applyCandidate(file, current, candidate, {
      validateCmd,
      reloadCmd: values['reload-cmd'] as string | undefined,
      signal: ctx.signal,
    });
    if (outcome.state === 'invalid') {
      status = 'fail';
      check(
        'validate',
        'fail',
        `rejected, ${file} left as it was: ${outcome.output.split('\n').slice(-3).join(' | ')}`,
      );
      summary = `validation failed: ${file} unchanged`;
    } else if (outcome.state === 'reload-failed') {
      status = 'fail';
      check('validate', 'pass', 'accepted');
      check(
        'reload',
        'fail',
        `failed, previous ${file} restored: ${outcome.output.split('\n').at(-1) ?? ''}`,
      );
      summary = `reload failed: previous ${file} restored`;
    } else {
      if (validateCmd) check('validate', 'pass', 'accepted');
      const applied = outcome.state === 'applied' ? outcome : undefined;
      check(
        'write',
        'pass',
        `written atomically${applied?.backup ? `, previous version in ${applied.backup}` : ''}`,
      );
      if (applied?.reloaded) check('reload', 'pass', 'reloaded');
      summary = `applied: ${file} now matches ${specFile}`;
    }
  }
  return finishReport({
    command: 'haproxy-bootstrap',
    metricPrefix: 'haproxy_bootstrap',
    status,
    summary,
    startedAt,
    checks,
    warnings: lintSpec(spec),
    ...(mode !== 'apply' && diff.length ? { footer: diff } : {}),
  });
}

/** --emit-php: the script on stdout (text format), nothing read or written here. */
function phpReport(spec: BootstrapSpec, specFile: string, startedAt: number): Report {
  return finishReport({
    command: 'haproxy-bootstrap',
    metricPrefix: 'haproxy_bootstrap',
    status: 'pass',
    summary: `PHP for pfSense from ${specFile}: ${spec.backends.length} pools, ${spec.frontends.length} frontends`,
    startedAt,
    checks: [],
    warnings: lintSpec(spec),
    artifact: emitPhp(spec, specFile),
    pushable: false,
  });
}
