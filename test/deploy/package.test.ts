import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { tempDir } from '../helpers/scratch.js';

const root = join(import.meta.dirname, '../..');

describe('the published package', () => {
  it(
    'installs from the npm pack tarball into a fresh prefix and runs from there',
    { timeout: 300_000 },
    () => {
      const dir = tempDir('pack');
      execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, stdio: 'pipe' });
      const [tarball] = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
      expect(tarball).toMatch(/^mailops-\d+\.\d+\.\d+\.tgz$/);
      const listing = execFileSync('tar', ['-tzf', join(dir, tarball!)], { encoding: 'utf8' });
      expect(listing).toContain('package/dist/mailops.cjs');
      // The JSON contract ships with the package, for CI consumers to validate against.
      expect(listing).toContain('package/schema/report.schema.json');
      expect(listing).not.toMatch(/package\/(src|test|lab)\//);
      const prefix = join(dir, 'prefix');
      execFileSync(
        'npm',
        [
          'install',
          '--global',
          '--prefix',
          prefix,
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          join(dir, tarball!),
        ],
        {
          stdio: 'pipe',
        },
      );
      const bin = join(prefix, 'bin/mailops');
      const env = { ...process.env, PATH: `${join(process.execPath, '..')}:/usr/bin:/bin` };
      expect(execFileSync(bin, ['--help'], { encoding: 'utf8', env })).toContain('spf-check');
      // One real subcommand from the installed copy: SPF of the lab zone on the lab's Knot.
      const spf = execFileSync(
        bin,
        ['spf-check', 'spf.test', '--resolver', inject('lab').dns.server, '--output', 'prom'],
        {
          encoding: 'utf8',
          env,
        },
      );
      expect(spf).toContain('spf_check_success 1');
      expect(spf).toMatch(/spf_dns_lookups\{domain="spf.test",resolver="[^"]+"\} 2/);
    },
  );
});
