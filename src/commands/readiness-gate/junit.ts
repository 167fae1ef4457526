import { redact } from '../../output/redact.js';
import { escapeXml } from '../../output/xml-escape.js';
import type { CheckOutcome } from './runner.js';

// Redacted before escaping: an escaped secret (a quote, an ampersand) would no longer match.
const escape = (text: string) => escapeXml(redact(text));

/** JUnit XML for CI systems: one testcase per check; a skipped gate marks every case skipped with the reason. */
export function junitXml(
  outcomes: CheckOutcome[],
  options: { durationMs: number; skippedReason?: string },
): string {
  const failures = options.skippedReason ? 0 : outcomes.filter((o) => !o.ready).length;
  const skipped = options.skippedReason ? outcomes.length : 0;
  const cases = outcomes.map((o) => {
    const head = `    <testcase classname="readiness-gate.${escape(o.kind)}" name="${escape(o.name)}" time="${(o.durationMs / 1000).toFixed(3)}">`;
    const body = options.skippedReason
      ? `\n      <skipped message="${escape(`gate skipped: ${options.skippedReason}`)}"/>`
      : o.ready
        ? ''
        : `\n      <failure message="${escape(o.detail)}" type="${o.terminal ? 'terminal' : 'deadline'}">${escape(`${o.attempts} attempts; last: ${o.detail}`)}</failure>`;
    return `${head}${body}${body ? '\n    ' : ''}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mailops readiness-gate" tests="${outcomes.length}" failures="${failures}" skipped="${skipped}" time="${(options.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="readiness-gate" tests="${outcomes.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${(options.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
