import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/cli/command-spec.js';
import type { OptionDef } from '../../src/cli/option-defs.js';
import { commandSpecs } from '../../src/commands/index.js';
import { mailops } from '../helpers/cli.js';
import { recordFault, runTimed } from '../helpers/faults.js';
import { tempDir } from '../helpers/scratch.js';

/** A gate config of one check, written to a file of its own. */
function gate(check: Record<string, unknown>): string {
  const file = join(tempDir('gate'), 'gate.yaml');
  writeFileSync(file, JSON.stringify({ 'readiness-gate': { checks: [check] } }));
  return file;
}

/**
 * Bad input: exit 2, nothing on stdout, exactly one line on stderr, and nothing pushed (a row of
 * the fault table for `fault`).
 */
async function refused(fault: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await runTimed(args, { env });
  expect(result.exitCode, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  const command = args[0] === 'backup-rsync' && args[1] === 'restore' ? 'backup-rsync restore' : args[0]!;
  recordFault({
    fault,
    command,
    seconds: result.seconds,
    exitCode: 2,
    pushed: 'nothing (bad input)',
    left: 'nothing',
  });
  return lines[0]!;
}

describe('bad input is exit 2 with one line naming the field, never exit 3', () => {
  it.each([
    [
      'an invalid output-matches regex',
      () => [
        'readiness-gate',
        '--config',
        gate({ name: 'c', kind: 'command', run: 'true', 'output-matches': '(' }),
      ],
      {},
      /^mailops: .*gate\.yaml: readiness-gate\.checks\[0\]\.output-matches: expected a valid regular expression, got "\("$/,
    ],
    [
      'a password-env naming an unset variable',
      () => [
        'readiness-gate',
        '--config',
        gate({
          name: 'pg',
          kind: 'postgres',
          host: '127.0.0.1',
          user: 'x',
          'password-env': 'MAILOPS_TEST_UNSET',
        }),
      ],
      {},
      /^mailops: checks\.pg\.password-env: expected MAILOPS_TEST_UNSET to be set, got nothing$/,
    ],
    [
      'a headers-from-env naming an unset variable',
      () => [
        'readiness-gate',
        '--config',
        gate({
          name: 'api',
          kind: 'http',
          url: 'http://127.0.0.1:9/',
          'headers-from-env': { authorization: 'MAILOPS_TEST_UNSET' },
        }),
      ],
      {},
      /^mailops: checks\.api\.headers-from-env\.authorization: expected MAILOPS_TEST_UNSET to be set, got nothing$/,
    ],
    [
      'a repeated --source name',
      () => ['backup-rsync', '--source', 'x=/a', '--source', 'x=/b', '--dest', tempDir('dest')],
      {},
      /^mailops: option '--source <name=path>' argument 'x=\/b' is invalid\. expected each name once, got "x" twice$/,
    ],
    [
      'a missing in-cluster service-account token',
      () => [
        'readiness-gate',
        '--config',
        gate({
          name: 'r',
          kind: 'kubernetes-rollout',
          namespace: 'mail',
          resource: 'deployment',
          'object-name': 'x',
        }),
      ],
      { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBECONFIG: '' },
      /^mailops: kubernetes: expected the pod's service-account token at \/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token \(automountServiceAccountToken\), got ENOENT$/,
    ],
  ] as const)('%s', async (fault, args, env, expected) => {
    expect(await refused(fault, args(), env)).toMatch(expected);
  });

  it('restore --to a path that is a file', async () => {
    const src = tempDir('src');
    writeFileSync(join(src, 'file'), 'data');
    const dest = tempDir('dest');
    expect((await mailops(['backup-rsync', '--source', `mail=${src}`, '--dest', dest])).exitCode).toBe(0);
    const id = readdirSync(dest).find((n) => /^\d{4}-\d{2}$/.test(n))!;
    const file = join(tempDir('restore'), 'a-file');
    writeFileSync(file, '');
    const line = await refused('restore --to a path that is a file', [
      'backup-rsync',
      'restore',
      '--dest',
      dest,
      '--snapshot',
      id,
      '--name',
      'mail',
      '--to',
      file,
    ]);
    expect(line).toBe(`mailops: --to: expected a directory to restore into, got a file: ${file}`);
  });
});

/** Every command (subcommands too) with the words that run it. */
const commandPaths = (specs: readonly CommandSpec[], parent: string[] = []): [string[], CommandSpec][] =>
  specs.flatMap((spec) => {
    const path = [...parent, spec.name];
    return [[path, spec] as [string[], CommandSpec], ...commandPaths(spec.subcommands ?? [], path)];
  });

/** A value each kind accepts on the command line. */
const given = (def: OptionDef): string => (def.kind === 'pairs' ? 'a=/nonexistent' : '/nonexistent');

describe('a required option left out or empty is named, with what it expects', () => {
  const cases = commandPaths(commandSpecs).flatMap(([path, spec]) =>
    spec.options
      .filter((def) => def.required)
      .map((def) => ({ path, spec, def, label: `${path.join(' ')} --${def.name}` })),
  );

  it('covers every command that declares one', () => {
    expect(new Set(cases.map((c) => c.path.join(' ')))).toEqual(
      new Set([
        'backup-rsync',
        'backup-rsync list',
        'backup-rsync prune',
        'backup-rsync verify',
        'backup-rsync restore',
        'haproxy-bootstrap',
        'haproxy-bootstrap verify',
        'probe-roundtrip',
      ]),
    );
  });

  it.each(cases)('$label', async ({ path, spec, def }) => {
    // The others required are given, so this one is the first missing; one with a default is emptied.
    const others = spec.options
      .filter((o) => o.required && o.default === undefined && o.name !== def.name)
      .flatMap((o) => [`--${o.name}`, given(o)]);
    const missing = def.default === undefined ? [] : [`--${def.name}`, ''];
    const result = await mailops([...path, ...others, ...missing]);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`mailops: --${def.name}: expected ${def.required}, got nothing`);
  });
});
