import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Command } from 'commander';
import type { CommandSpec } from '../../src/cli/command-spec.js';
import type * as RunCommand from '../../src/cli/run-command.js';
import { main } from '../../src/cli.js';
import { DEPLOY, kustomize, podOf, type KubeObject } from '../helpers/kustomize.js';
import { containerEnv, invocations, mountConfigMaps } from '../helpers/manifest-invocations.js';
import { tempDir } from '../helpers/scratch.js';

const resolved = vi.hoisted(() => [] as { command: string; options: Record<string, unknown> }[]);

// mailops' own parsing, all of it (commander with the declared options and their parsers, env
// vars, the config file against its schema, required options, global settings); then, instead
// of the run, what it resolved.
vi.mock('../../src/cli/run-command.js', async (importOriginal) => {
  const actual = await importOriginal<typeof RunCommand>();
  return {
    ...actual,
    runCommand: async (spec: CommandSpec, cmd: Command, program: Command, io: RunCommand.CliIo) => {
      const { configKey, options } = await actual.resolveRun(spec, cmd, program, io.env);
      resolved.push({ command: configKey, options });
      return 0;
    },
  };
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** mailops' exit code and stderr for a command line with exactly `env` as its MAILOPS_* settings. */
async function parse(argv: string[], env: Record<string, string>) {
  // commander reads option env vars from process.env itself.
  for (const name of Object.keys(process.env)) if (name.startsWith('MAILOPS_')) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  let stderr = '';
  const sink = (write: (text: string) => void) =>
    ({ write: (t: string) => (write(t), true), isTTY: false }) as never;
  resolved.length = 0;
  const code = await main(argv, {
    stdout: sink(() => undefined),
    stderr: sink((t) => (stderr += t)),
    env: process.env,
  });
  return { code, stderr, resolved: [...resolved] };
}

/** Each mailops command line of every CronJob and Job, with its env and its ConfigMaps mounted. */
function commandLines(objects: KubeObject[]) {
  return objects.flatMap((object) => {
    const pod = podOf(object);
    if (!pod) return [];
    const container = pod.containers[0]!;
    const mounted = mountConfigMaps(objects, pod, tempDir('mounts'));
    const env = Object.fromEntries(Object.entries(containerEnv(container)).map(([k, v]) => [k, mounted(v)]));
    return invocations(container).map((argv) => ({
      name: `${object.kind}/${object.metadata.name}: mailops ${argv.join(' ')}`,
      argv: argv.map(mounted),
      env,
    }));
  });
}

describe('every CronJob and Job passes only options mailops has, with values it takes', () => {
  const built = kustomize(DEPLOY);

  it('each command line, its env vars and its mounted config file resolve as mailops would run them', async () => {
    const lines = commandLines(built);
    expect(lines.map((l) => l.name.split(':')[0])).toEqual(
      expect.arrayContaining([
        'CronJob/mailops-probe-roundtrip',
        'CronJob/mailops-spf-check',
        'CronJob/mailops-backup-rsync',
        'CronJob/mailops-backup-rsync-restore',
        'Job/mailops-readiness-gate',
      ]),
    );
    const commands: Record<string, string> = {};
    for (const line of lines) {
      const run = await parse(line.argv, line.env);
      expect({ code: run.code, stderr: run.stderr }, line.name).toEqual({ code: 0, stderr: '' });
      commands[line.name] = run.resolved.map((r) => r.command).join();
      // The config file was read: what the backup needs comes from it.
      if (run.resolved[0]?.command === 'backup-rsync')
        expect(run.resolved[0].options).toMatchObject({
          source: { roundcube: '/data/roundcube' },
          dest: '/backups',
        });
    }
    expect(Object.values(commands).sort()).toEqual([
      'backup-rsync',
      'backup-rsync-restore',
      'backup-rsync-verify',
      'probe-roundtrip',
      'readiness-gate',
      'spf-check',
    ]);
  });

  it('refuses a misspelled option, an env value the option rejects and a config key mailops does not know', async () => {
    const [probe] = commandLines(built).filter((l) => l.name.startsWith('CronJob/mailops-probe-roundtrip'));
    expect(await parse([...probe!.argv, '--timout', '5m'], probe!.env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown option '--timout'") as string,
    });
    expect(await parse(probe!.argv, { ...probe!.env, MAILOPS_INTERVAL: '20 seconds' })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/MAILOPS_INTERVAL.*expected a duration/) as string,
    });
    const config = built.map((o) =>
      o.kind === 'ConfigMap'
        ? {
            ...o,
            data: {
              ...(o.data as object),
              'config.yaml': `${(o.data as Record<string, string>)['config.yaml']}retries: 3\n`,
            },
          }
        : o,
    );
    const [typo] = commandLines(config).filter((l) => l.name.startsWith('CronJob/mailops-probe-roundtrip'));
    expect(await parse(typo!.argv, typo!.env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('retries: expected no such key') as string,
    });
  });
});
