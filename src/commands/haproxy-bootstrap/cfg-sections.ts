const HEADER =
  /^(global|defaults|frontend|backend|listen|resolvers|peers|userlist|program|http-errors|ring|mailers|cache|crt-store)(?:\s+(\S+))?/;

/**
 * Replaces the sections of a haproxy.cfg that have the same kind and name as the
 * rendered ones, and appends the others; every other byte stays as it was. A
 * section's trailing blank and column-0 comment lines are left in place: they
 * usually introduce the next section.
 */
export function mergeSections(text: string, rendered: Map<string, string[]>): string {
  const lines = text === '' ? [] : text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const out: string[] = [];
  const done = new Set<string>();
  let i = 0;
  while (i < lines.length) {
    const header = HEADER.exec(lines[i] ?? '');
    const key = header?.[2] ? `${header[1]} ${header[2]}` : undefined;
    let end = i + 1;
    while (end < lines.length && !HEADER.test(lines[end] ?? '')) end++;
    const replacement = key ? rendered.get(key) : undefined;
    if (!replacement || done.has(key ?? '')) {
      out.push(...lines.slice(i, end));
    } else {
      let body = end;
      while (body > i + 1 && /^(\s*$|#)/.test(lines[body - 1] ?? '')) body--;
      out.push(...replacement, ...lines.slice(body, end));
      done.add(key ?? '');
    }
    i = end;
  }
  const missing = [...rendered].filter(([key]) => !done.has(key));
  for (const [, section] of missing) {
    if (out.length && out.at(-1)?.trim() !== '') out.push('');
    out.push(...section);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
