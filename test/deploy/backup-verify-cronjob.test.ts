import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDuration } from '../../src/config/duration.js';
import { invocations } from '../helpers/manifest-invocations.js';
import { tempDir } from '../helpers/scratch.js';

/** Between the two --timeouts and activeDeadlineSeconds: the pod's start, and 3 s per run to report and push. */
const ROOM_MS = 30_000;

const cronJob = parse(
  readFileSync(join(import.meta.dirname, '../../deploy/kubernetes/backup-rsync.yaml'), 'utf8'),
) as {
  spec: {
    jobTemplate: {
      spec: {
        activeDeadlineSeconds: number;
        template: { spec: { containers: { command: string[]; args: string[] }[] } };
      };
    };
  };
};
const job = cronJob.spec.jobTemplate.spec;
const container = job.template.spec.containers[0]!;
const [shell, dashC, script, name] = container.command;

/** The verify command line of the script, from `backup-rsync verify` on. */
const verifyWords = () => {
  const [, verify] = invocations(container as never);
  expect(verify?.slice(0, 2), script).toEqual(['backup-rsync', 'verify']);
  return verify!;
};
const flag = (words: string[], name: string) => words[words.indexOf(`--${name}`) + 1];

/** The container's command run by sh with a stand-in mailops that logs its arguments and exits as told. */
function runPod(exits: { backup: number; verify: number }) {
  const dir = tempDir('pod');
  const log = join(dir, 'calls');
  writeFileSync(
    join(dir, 'mailops'),
    `#!/bin/sh\necho "$*" >> "${log}"\n[ "$1 $2" = "backup-rsync verify" ] && exit ${exits.verify}\nexit ${exits.backup}\n`,
  );
  chmodSync(join(dir, 'mailops'), 0o755);
  writeFileSync(log, '');
  const run = spawnSync(shell!, [dashC!, script!, name!, ...container.args], {
    env: { PATH: `${dir}:/usr/bin:/bin` },
    encoding: 'utf8',
  });
  return { status: run.status, calls: readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) };
}

describe('deploy/kubernetes/backup-rsync.yaml: rolling verify after the backup', () => {
  it('runs verify --sample after a good backup only; a failing verify does not fail (and retry) the backup Job', () => {
    const backupLine = container.args.join(' ');
    expect(runPod({ backup: 0, verify: 0 })).toEqual({
      status: 0,
      calls: [backupLine, verifyWords().join(' ')],
    });
    expect(runPod({ backup: 0, verify: 1 })).toEqual({
      status: 0,
      calls: [backupLine, verifyWords().join(' ')],
    });
    expect(runPod({ backup: 1, verify: 0 })).toEqual({ status: 1, calls: [backupLine] });
  });

  // manifest-invocations.test.ts parses both command lines with mailops' own options.
  it('passes a --sample from 1 to 100, and timeouts that fit the deadline together', () => {
    const words = verifyWords();
    const sample = Number(flag(words, 'sample'));
    expect(sample).toBeGreaterThanOrEqual(1);
    expect(sample).toBeLessThanOrEqual(100);
    expect(words).not.toContain('--budget');
    expect(flag(words, 'dest')).toBe('/backups');
    const backupMs = parseDuration(flag(container.args, 'timeout') ?? '');
    const verifyMs = parseDuration(flag(words, 'timeout') ?? '');
    expect([backupMs, verifyMs]).not.toContain(undefined);
    expect(job.activeDeadlineSeconds * 1000 - backupMs! - verifyMs!).toBeGreaterThanOrEqual(ROOM_MS);
  });
});
