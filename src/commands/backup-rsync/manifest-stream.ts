import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ManifestEntry {
  path: string;
  digest: string;
}

/** A path as md5sum escapes it, back; undefined for an escape md5sum does not write. */
function unescapeName(escaped: string): string | undefined {
  let bad = false;
  const name = escaped.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === 'r') return '\r';
    bad = true;
    return '';
  });
  return bad ? undefined : name;
}

/**
 * One md5sum (or sha256sum) line: "<hex>  <path>", or "\<hex>  <escaped path>" for a path with a
 * backslash, newline or carriage return. Undefined for a line that is neither, as the manifest
 * reader of a backup skips it.
 */
export function parseManifestLine(line: string): ManifestEntry | undefined {
  const escaped = line.startsWith('\\') ? 1 : 0;
  const at = (i: number) => line[escaped + i] === ' ' && line[escaped + i + 1] === ' ';
  const cut = at(32) ? 32 : at(64) ? 64 : 0;
  if (!cut) return undefined;
  const raw = line.slice(escaped + cut + 2);
  const path = escaped ? unescapeName(raw) : raw;
  return path ? { path, digest: line.slice(escaped, escaped + cut) } : undefined;
}

/**
 * The entries of a checksum manifest in file order, read a line at a time: a snapshot of two
 * million files has a manifest of about 150 MB, which a verify run must not hold. Escaped names
 * never hold a raw newline or carriage return, so readline's line ends are the manifest's.
 */
export async function* manifestEntries(file: string): AsyncGenerator<ManifestEntry> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  try {
    for await (const line of lines) {
      const entry = parseManifestLine(line);
      if (entry) yield entry;
    }
  } finally {
    lines.close();
  }
}
