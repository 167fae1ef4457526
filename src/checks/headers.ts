/** Raw RFC 5322 header block -> [name (lower case), unfolded value] in order, top first. */
export function parseHeaders(raw: string): [string, string][] {
  const headers: [string, string][] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line === '') break;
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** Every value of one header, top first. */
export function headerValues(headers: [string, string][], name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter(([key]) => key === wanted).map(([, value]) => value);
}
