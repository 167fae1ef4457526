import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/scratch.js';

const fixtures = join(import.meta.dirname, '../../fixtures');

// Stand-ins for pfSense's own config.inc and the package's haproxy.inc (PHP cannot load
// pfSense here): $config from a JSON file, write_config() back to it, every call logged.
const CONFIG_INC = `<?php
$config = json_decode(file_get_contents(getenv('STUB_CONFIG')), true);
function write_config($desc) {
  global $config;
  file_put_contents(getenv('STUB_CONFIG'), json_encode($config, JSON_PRETTY_PRINT));
  file_put_contents(getenv('STUB_LOG'), "write_config\\n", FILE_APPEND);
}
`;
const HAPROXY_INC = `<?php
function haproxy_check_and_run(&$messages, $reload) {
  file_put_contents(getenv('STUB_LOG'), "haproxy_check_and_run reload=" . ($reload ? 1 : 0) . "\\n", FILE_APPEND);
  if (getenv('STUB_REJECT')) { $messages = "[ALERT] parsing error"; return false; }
  return true;
}
`;

/** The fixture config.xml as pfSense's parser holds it: strings, '' for empty elements, lists under 'item'. */
function asPfsenseArrays(xml: string): Record<string, unknown> {
  const parsed = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'item' }).parse(xml) as {
    pfsense: Record<string, unknown>;
  };
  return parsed.pfsense;
}

function setup() {
  const dir = tempDir('php');
  mkdirSync(join(dir, 'stub/haproxy'), { recursive: true });
  writeFileSync(join(dir, 'stub/config.inc'), CONFIG_INC);
  writeFileSync(join(dir, 'stub/haproxy/haproxy.inc'), HAPROXY_INC);
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify(asPfsenseArrays(readFileSync(join(fixtures, 'pfsense/config.xml'), 'utf8'))),
  );
  const script = join(dir, 'apply.php');
  writeFileSync(
    script,
    execFileSync(process.execPath, [
      BIN,
      'haproxy-bootstrap',
      '--spec',
      join(fixtures, 'haproxy/spec.yaml'),
      '--emit-php',
      '-q',
    ]),
  );
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const php = (env: Record<string, string> = {}) =>
    spawnSync('php', ['-d', `include_path=${join(dir, 'stub')}`, script], {
      encoding: 'utf8',
      env: { ...process.env, STUB_CONFIG: config, STUB_LOG: log, ...env },
    });
  const haproxy = () =>
    (JSON.parse(readFileSync(config, 'utf8')) as { installedpackages: { haproxy: unknown } })
      .installedpackages;
  return { php, log, haproxy, config };
}

describe('haproxy-bootstrap --emit-php (run by PHP against stand-ins for pfSense functions)', () => {
  it('validates before saving, applies the same items as the config.xml target, and converges', () => {
    const { php, log, haproxy } = setup();
    const first = php();
    expect(first.stdout).toBe('mailops: applied and reloaded\n');
    expect(first.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(
      'haproxy_check_and_run reload=0\nwrite_config\nhaproxy_check_and_run reload=1\n',
    );
    // The same pools and frontends, ids included, as --target pfsense-xml writes; ACME untouched.
    expect(haproxy()).toEqual(
      asPfsenseArrays(readFileSync(join(fixtures, 'pfsense/expected.xml'), 'utf8')).installedpackages,
    );
    const second = php();
    expect(second.stdout).toBe('mailops: no changes\n');
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('saves nothing when the package rejects the configuration', () => {
    const { php, log, config } = setup();
    const before = readFileSync(config, 'utf8');
    const rejected = php({ STUB_REJECT: '1' });
    expect(rejected.status).toBe(1);
    expect(rejected.stdout).toBe(
      'mailops: HAProxy rejected the configuration, nothing saved: [ALERT] parsing error\n',
    );
    expect(readFileSync(config, 'utf8')).toBe(before);
    expect(readFileSync(log, 'utf8')).toBe('haproxy_check_and_run reload=0\n');
  });
});
