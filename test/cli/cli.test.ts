import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailops } from '../helpers/cli.js';
import { tempDir } from '../helpers/scratch.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
  version: string;
};

describe('mailops (spawned bin)', () => {
  it('--help lists the global options and the exit codes on stdout', async () => {
    const result = await mailops(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--pushgateway <url>');
    expect(result.stdout).toContain('env: MAILOPS_OUTPUT');
    expect(result.stdout).toMatch(/Exit codes: 0 passed, 1 a check failed, 2 invalid usage/);
    expect(result.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const result = await mailops(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('an unknown flag is one line on stderr and exit 2', async () => {
    const result = await mailops(['--bogus']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual(["mailops: unknown option '--bogus'"]);
  });

  it('an unknown subcommand is exit 2', async () => {
    const result = await mailops(['no-such-command']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^mailops: /);
  });

  it('no arguments prints help on stderr and exits 2', async () => {
    const result = await mailops([]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: mailops');
  });

  it('a bad --output choice names the flag and the choices', async () => {
    const result = await mailops(['--output', 'xml', '--help']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^mailops: option '--output <format>' argument 'xml' is invalid\. Allowed choices are text, json, prom\.$/,
    );
  });

  it('a bad env value names the variable', async () => {
    const result = await mailops(['--help'], { MAILOPS_TIMEOUT: '5 minutes' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toContain("from env 'MAILOPS_TIMEOUT'");
    expect(result.stderr.trim()).toContain('expected a duration such as 300s, 5m or 1500ms, got "5 minutes"');
  });
});

describe("global options: declared like a command's, each bad value one line naming the flag", () => {
  it.each([
    [
      ['--pushgateway', 'ftp://gw:9091'],
      {},
      /^mailops: option '--pushgateway <url>' argument 'ftp:\/\/gw:9091' is invalid\. expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/gw:9091"$/,
    ],
    [
      [],
      { MAILOPS_PUSHGATEWAY: 'gw:9091' },
      /^mailops: .*from env 'MAILOPS_PUSHGATEWAY'.* expected an http:\/\/ or https:\/\/ URL, got "gw:9091"$/,
    ],
    [
      ['--label', 'bad-name=x'],
      {},
      /expected key=value with a Prometheus label name as key, got "bad-name=x"$/,
    ],
    [['--job', ''], {}, /^mailops: --job: expected a non-empty job name, got ""$/],
    [['-v', '-q'], {}, /^mailops: --verbose, --quiet: expected at most one, got both$/],
    [[], { MAILOPS_VERBOSE: 'maybe' }, /^mailops: MAILOPS_VERBOSE: expected true or false, got "maybe"$/],
  ])('%j %j', async (flags, env, message) => {
    const result = await mailops([...flags, 'completion', 'bash'], env);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
  });

  it('a flag beats its env var, which beats the config file', async () => {
    const config = join(tempDir('globals'), 'config.yaml');
    writeFileSync(config, 'verbose: true\n');
    const debug = async (flags: string[], env: Record<string, string> = {}) => {
      const result = await mailops(['--config', config, ...flags, 'completion', 'bash'], env);
      expect(result.exitCode, result.stderr).toBe(0);
      return result.stderr.includes('completion: deadline');
    };
    expect(await debug([])).toBe(true);
    expect(await debug([], { MAILOPS_VERBOSE: 'false' })).toBe(false);
    expect(await debug(['-v'], { MAILOPS_VERBOSE: 'false' })).toBe(true);
  });
});

describe('command registry', () => {
  it('keeps subcommands in name order (help lists them as registered; sorting would load ICU)', async () => {
    const { commandSpecs } = await import('../../src/commands/index.js');
    const names = commandSpecs.map((spec) => spec.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('probe-roundtrip');
  });
});
