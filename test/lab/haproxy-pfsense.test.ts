import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { mailops } from '../helpers/cli.js';
import { tempDir } from '../helpers/scratch.js';

const fixtures = join(import.meta.dirname, '../../fixtures');
const SPEC = join(fixtures, 'haproxy/spec.yaml');
const DECLARED = {
  ha_pools: ['mail_smtp', 'mail_submission', 'mail_imaps'],
  ha_backends: ['mail_smtp_25', 'mail_submission_587', 'mail_imaps_993'],
};

async function bootstrap(file: string, extra: string[] = []) {
  const run = await mailops([
    'haproxy-bootstrap',
    '--target',
    'pfsense-xml',
    '--spec',
    SPEC,
    '--file',
    file,
    '--output',
    'json',
    ...extra,
  ]);
  return { ...run, report: run.stdout.startsWith('{') ? (JSON.parse(run.stdout) as Report) : undefined };
}

function copyOfFixture(): string {
  const file = join(tempDir('pfsense'), 'config.xml');
  copyFileSync(join(fixtures, 'pfsense/config.xml'), file);
  return file;
}

type Tree = Record<string, unknown>;
const parse = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'item' }).parse(xml) as Tree;
/** The config without the declared items: what must not change. */
function withoutDeclared(tree: Tree): Tree {
  const haproxy = ((tree.pfsense as Tree).installedpackages as Tree).haproxy as Record<
    string,
    { item: { name: string }[] }
  >;
  for (const [list, names] of Object.entries(DECLARED)) {
    const container = haproxy[list];
    if (container) container.item = container.item.filter((i) => !names.includes(i.name));
  }
  return tree;
}

describe('haproxy-bootstrap --target pfsense-xml (pfSense-pkg-haproxy schema in config.xml)', () => {
  it('writes the golden config.xml: pools in ha_pools, frontends in ha_backends, the rest intact', async () => {
    const file = copyOfFixture();
    const run = await bootstrap(file);
    expect(run.exitCode, run.stderr).toBe(0);
    const after = readFileSync(file, 'utf8');
    expect(after).toBe(readFileSync(join(fixtures, 'pfsense/expected.xml'), 'utf8'));
    expect(XMLValidator.validate(after)).toBe(true);
    const before = readFileSync(join(fixtures, 'pfsense/config.xml'), 'utf8');
    // Every byte outside <haproxy> is as it was, and inside it only the declared items differ.
    const outside = (xml: string) => [
      xml.slice(0, xml.indexOf('<haproxy>')),
      xml.slice(xml.indexOf('</haproxy>')),
    ];
    expect(outside(after)).toEqual(outside(before));
    expect(withoutDeclared(parse(after))).toEqual(withoutDeclared(parse(before)));
  });

  it('follows the package schema: Basic checks every 120000 ms on the pool, send-proxy-v2 in each server, desc not descr', async () => {
    const file = copyOfFixture();
    await bootstrap(file);
    const haproxy = ((parse(readFileSync(file, 'utf8')).pfsense as Tree).installedpackages as Tree)
      .haproxy as Record<string, { item: Tree[] }>;
    const pool = haproxy.ha_pools!.item.find((i) => i.name === 'mail_smtp')!;
    expect([pool.check_type, pool.checkinter, pool.server_timeout, pool.id]).toEqual([
      'Basic',
      120000,
      600000,
      103,
    ]);
    const servers = (pool.ha_servers as { item: Tree[] }).item;
    expect(servers.map((s) => [s.name, s.advanced, s.id])).toEqual([
      ['k8s-node1', 'send-proxy-v2', 104],
      ['k8s-node2', 'send-proxy-v2', 105],
      ['k8s-node3', 'send-proxy-v2', 106],
      ['k8s-node4', 'send-proxy-v2', 107],
    ]);
    const frontend = haproxy.ha_backends!.item.find((i) => i.name === 'mail_imaps_993')!;
    expect(frontend.desc).toBe('managed by mailops haproxy-bootstrap');
    expect(frontend.descr).toBeUndefined();
    expect([frontend.type, frontend.backend_serverpool, frontend.client_timeout]).toEqual([
      'tcp',
      'mail_imaps',
      2100000,
    ]);
  });

  it('is idempotent, and --check reports drift', async () => {
    const file = copyOfFixture();
    expect((await bootstrap(file, ['--check'])).exitCode).toBe(1);
    await bootstrap(file);
    const first = readFileSync(file);
    const again = await bootstrap(file);
    expect(again.report?.summary).toBe(`no changes: ${file} matches ${SPEC}`);
    expect(readFileSync(file).equals(first)).toBe(true);
    expect((await bootstrap(file, ['--check'])).exitCode).toBe(0);
  });

  it('creates the haproxy section in a config without one, and refuses a file that is not a pfSense config', async () => {
    const file = join(tempDir('pfsense'), 'config.xml');
    writeFileSync(
      file,
      '<?xml version="1.0"?>\n<pfsense>\n\t<version>23.3</version>\n\t<installedpackages/>\n</pfsense>\n',
    );
    expect((await bootstrap(file)).exitCode).toBe(0);
    const xml = readFileSync(file, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toMatch(
      /^<\?xml version="1\.0"\?>\n<pfsense>\n\t<version>23\.3<\/version>\n\t<installedpackages>\n\t\t<haproxy>\n\t\t\t<ha_pools>\n\t\t\t\t<item>\n\t\t\t\t\t<name>mail_smtp<\/name>/,
    );
    writeFileSync(file, '<opnsense><system/></opnsense>\n');
    const wrong = await bootstrap(file);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr.trim()).toBe(
      `mailops: ${file}: expected a pfSense config.xml with a <pfsense> root element, got none`,
    );
  });
});
