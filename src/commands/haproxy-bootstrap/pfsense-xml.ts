import type { Ids } from './render-pfsense.js';
import { renderFrontendItem, renderPool } from './render-pfsense.js';
import type { BootstrapSpec } from './spec-file.js';
import { childElements, indentOf, type Span, textOf } from './xml-spans.js';

const PATH = ['installedpackages', 'haproxy'];

function root(xml: string): Span {
  const top = childElements(xml, 0, xml.length).find((s) => s.name === 'pfsense');
  if (!top) throw new Error('expected a pfSense config.xml with a <pfsense> root element, got none');
  return top;
}

/** The element at path under <pfsense>, created (empty, indented like its siblings) when missing. */
function ensure(xml: string, path: string[]): { xml: string; span: Span } {
  let parent = root(xml);
  for (const name of path) {
    if (parent.selfClosing) {
      const indent = indentOf(xml, parent);
      xml = `${xml.slice(0, parent.start)}<${parent.name}>\n${indent}</${parent.name}>${xml.slice(parent.end)}`;
      return ensure(xml, path);
    }
    const found = childElements(xml, parent.openEnd, parent.closeStart).find((c) => c.name === name);
    if (found) {
      parent = found;
      continue;
    }
    const indent = indentOf(xml, parent);
    const insert = `\t<${name}>\n${indent}\t</${name}>\n${indent}`;
    xml = `${xml.slice(0, parent.closeStart)}${insert}${xml.slice(parent.closeStart)}`;
    return ensure(xml, path);
  }
  return { xml, span: parent };
}

const items = (xml: string, container: Span) =>
  childElements(xml, container.openEnd, container.closeStart).filter((c) => c.name === 'item');
const nameOf = (xml: string, item: Span) =>
  textOf(xml, childElements(xml, item.openEnd, item.closeStart).find((c) => c.name === 'name') ?? item);

/** Replaces the item of the same name, or appends; every other byte stays. */
function upsert(xml: string, path: string[], name: string, rendered: string[]): string {
  const { xml: withPath, span: container } = ensure(xml, path);
  xml = withPath;
  const indent = indentOf(xml, container);
  const existing = items(xml, container).find((item) => nameOf(xml, item) === name);
  if (existing) {
    const itemIndent = indentOf(xml, existing);
    return `${xml.slice(0, existing.start)}${rendered.join(`\n${itemIndent}`)}${xml.slice(existing.end)}`;
  }
  const body = xml.slice(container.openEnd, container.closeStart);
  const block = rendered.map((line) => `${indent}\t${line}`).join('\n');
  const content =
    body.trim() === '' ? `\n${block}\n${indent}` : `${body.replace(/\s*$/, '')}\n${block}\n${indent}`;
  return `${xml.slice(0, container.openEnd)}${content}${xml.slice(container.closeStart)}`;
}

/** Ids in use under <haproxy>, and those of the declared items that exist (kept). */
function collectIds(xml: string): Ids {
  // A view with <haproxy> present (created if missing): offsets below refer to it.
  const { xml: view, span: haproxy } = ensure(xml, PATH);
  xml = view;
  const used = [...xml.slice(haproxy.openEnd, haproxy.closeStart).matchAll(/<id>(\d+)<\/id>/g)].map((m) =>
    Number(m[1]),
  );
  let next = Math.max(99, ...used);
  const pools = new Map<string, { id?: number; servers: Map<string, number> }>();
  const poolsSpan = childElements(xml, haproxy.openEnd, haproxy.closeStart).find(
    (c) => c.name === 'ha_pools',
  );
  for (const pool of poolsSpan ? items(xml, poolsSpan) : []) {
    const fields = childElements(xml, pool.openEnd, pool.closeStart);
    const id = fields.find((f) => f.name === 'id');
    const servers = new Map<string, number>();
    const serversSpan = fields.find((f) => f.name === 'ha_servers');
    for (const server of serversSpan ? items(xml, serversSpan) : []) {
      const sid = childElements(xml, server.openEnd, server.closeStart).find((f) => f.name === 'id');
      if (sid) servers.set(nameOf(xml, server), Number(textOf(xml, sid)));
    }
    pools.set(nameOf(xml, pool), { ...(id ? { id: Number(textOf(xml, id)) } : {}), servers });
  }
  return {
    pool: (name) => pools.get(name)?.id,
    server: (pool, server) => pools.get(pool)?.servers.get(server),
    next: () => ++next,
  };
}

/**
 * The spec applied to pfSense's config.xml under <installedpackages><haproxy>: pools in
 * ha_pools, frontends in ha_backends, each replacing the item of the same name.
 */
export function applyToConfigXml(xml: string, spec: BootstrapSpec): string {
  const ids = collectIds(xml);
  for (const b of spec.backends) xml = upsert(xml, [...PATH, 'ha_pools'], b.name, renderPool(b, spec, ids));
  for (const f of spec.frontends) xml = upsert(xml, [...PATH, 'ha_backends'], f.name, renderFrontendItem(f));
  return xml;
}
