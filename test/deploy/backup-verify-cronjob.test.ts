import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { globalOptions } from '../../src/cli/global-options.js';
import { verifyOptions } from '../../src/commands/backup-rsync/spec.js';
import { parseDuration } from '../../src/config/duration.js';
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

/** The words of the verify command in the script, from `mailops backup-rsync verify` to `||`. */
const verifyWords = () => {
  const words = script!.split(/\s+/);
  const at = words.findIndex(
    (w, i) => w === 'mailops' && words[i + 1] === 'backup-rsync' && words[i + 2] === 'verify',
  );
  expect(at, script).toBeGreaterThan(0);
  return words.slice(at + 1, words.indexOf('||', at));
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

  it("passes only verify's and global flags, a --sample from 1 to 100, and timeouts that fit the deadline together", () => {
    const words = verifyWords();
    const known = new Set([...verifyOptions, ...globalOptions].map((o) => `--${o.name}`));
    expect(words.filter((w) => w.startsWith('--') && !known.has(w))).toEqual([]);
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
