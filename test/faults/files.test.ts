import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { recordFault, runTimed } from '../helpers/faults.js';
import { tempDir } from '../helpers/scratch.js';

const fixtures = join(import.meta.dirname, '../../fixtures');
const SPEC = join(fixtures, 'haproxy/spec.yaml');
/** The haproxy group Debian's package creates, and www-data: an owner and group other than root's. */
const HAPROXY_GID = Number(execFileSync('getent', ['group', 'haproxy'], { encoding: 'utf8' }).split(':')[2]);
const WWW_DATA = 33;

const owned = (path: string) => {
  const s = statSync(path);
  return { mode: (s.mode & 0o7777).toString(8), uid: s.uid, gid: s.gid };
};

/** A target file of 0640 www-data:haproxy, as a haproxy.cfg holding `stats auth` passwords is. */
function target(fixture: string, name: string): string {
  const file = join(tempDir('owned'), name);
  copyFileSync(join(fixtures, fixture), file);
  chownSync(file, WWW_DATA, HAPROXY_GID);
  chmodSync(file, 0o640);
  return file;
}

const KEPT = { mode: '640', uid: WWW_DATA, gid: HAPROXY_GID };
const report = (stdout: string) => JSON.parse(stdout) as Report;
/** haproxy-bootstrap of the operator story's spec into `file`, JSON out. */
const bootstrap = (file: string, extra: string[] = []) =>
  runTimed(['haproxy-bootstrap', '--spec', SPEC, '--file', file, '--output', 'json', ...extra]);

describe('files mailops replaces keep their mode, owner and group', () => {
  it.each([
    ['haproxy.cfg', 'haproxy/base.cfg', []],
    ['pfSense config.xml', 'pfsense/config.xml', ['--target', 'pfsense-xml']],
  ] as const)('%s and its .bak', async (_, fixture, extra) => {
    const file = target(fixture, 'config');
    const run = await bootstrap(file, [...extra]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(report(run.stdout).summary).toMatch(/^applied: /);
    expect(owned(file)).toEqual(KEPT);
    expect(owned(`${file}.bak`)).toEqual(KEPT);
    expect(readdirSync(dirname(file)).sort()).toEqual(['config', 'config.bak']);
  });

  it('a validate command that hangs is stopped at --timeout; the file stays as it was', async () => {
    const file = target('haproxy/base.cfg', 'haproxy.cfg');
    const before = readFileSync(file);
    const run = await bootstrap(file, ['--validate-cmd', 'sleep 3600', '--timeout', '3s']);
    expect(run.exitCode).toBe(1);
    const checks = report(run.stdout).checks;
    expect(checks.find((c) => c.name === 'validate')?.summary).toBe(
      `rejected, ${file} left as it was: stopped: the run deadline (--timeout) was reached`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(owned(file)).toEqual(KEPT);
    expect(readdirSync(dirname(file))).toEqual(['haproxy.cfg']);
    recordFault({
      fault: '`--validate-cmd` that hangs',
      command: 'haproxy-bootstrap --timeout 3s',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`haproxy_bootstrap_success 0`',
      left: 'the file as it was, mode and owner included; no temp file',
    });
  });

  it('a reload command that hangs is stopped, and the previous file is put back with its owner', async () => {
    const file = target('haproxy/base.cfg', 'haproxy.cfg');
    const before = readFileSync(file);
    const run = await bootstrap(file, ['--reload-cmd', "trap '' TERM; sleep 3600", '--timeout', '3s']);
    expect(run.exitCode).toBe(1);
    expect(report(run.stdout).summary).toBe(`reload failed: previous ${file} restored`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(owned(file)).toEqual(KEPT);
    recordFault({
      fault: '`--reload-cmd` that hangs and ignores SIGTERM',
      command: 'haproxy-bootstrap --timeout 3s',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`haproxy_bootstrap_success 0`',
      left: 'the previous file, mode and owner included, and its .bak',
    });
  });

  it('a new file is created as any other (0666 less the umask)', async () => {
    const file = join(tempDir('new'), 'haproxy.cfg');
    const reference = join(dirname(file), 'reference');
    writeFileSync(reference, '');
    const run = await bootstrap(file);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(owned(file)).toEqual(owned(reference));
  });
});
