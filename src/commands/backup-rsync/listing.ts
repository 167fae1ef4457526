import type { LineWriter } from './line-file.js';

/**
 * rsync's line for each file it wrote or changed (single -i: the files it hard-linked unchanged
 * from a --link-dest base go unlisted; listing those too costs rsync about 3 % of its run):
 * change flags, its md5 of what it wrote (blank when it wrote nothing or did not say), name.
 */
export const RSYNC_OUT_FORMAT = ['--checksum-choice=md5', '-i', '--out-format=%i %C %n'];

/** In place of a digest in the listing's lines: rsync did not give one, so the file is hashed. */
export const UNKNOWN_DIGEST = '-'.repeat(32);

/**
 * One line of md5sum's format. As GNU md5sum writes it, a name holding a backslash, newline or
 * carriage return is escaped and its line starts with a backslash, so `md5sum -c` reads it back.
 */
export const manifestLine = (digest: string, name: string) =>
  /[\\\n\r]/.test(name)
    ? `\\${digest}  ${name.replace(/[\\\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : '\\r'))}\n`
    : `${digest}  ${name}\n`;

/**
 * The regular files of rsync's `%i %C %n` lines, taken one line at a time while rsync runs and
 * written to a file as manifest lines (UNKNOWN_DIGEST where rsync gave no digest), so that a
 * full copy's million files are never held in memory. rsync writes a byte it will not print as
 * \\#ooo (a newline; under LC_ALL=C any non-ASCII byte; the backslash of a literal "\\#ddd"), so
 * names are decoded back exactly; one that is not UTF-8 cannot be named here: it is left out and
 * `escaped` is set.
 */
export class Listing {
  escaped = false;
  readonly #out: LineWriter;

  constructor(out: LineWriter) {
    this.#out = out;
  }

  /** One line of rsync's stdout; true when it was an item of the listing (a file, directory, link). */
  take = (line: string): boolean => {
    // Fixed columns: 11 flag characters, a space, 32 digest characters, a space, the name.
    if (line[11] !== ' ' || line[44] !== ' ' || !'<>ch.*'.includes(line[0] ?? '')) return false;
    if (line[1] !== 'f') return true;
    const name = unescape(line.slice(45));
    if (name === undefined) {
      this.escaped = true;
      return true;
    }
    const digest = line.slice(12, 44).trim();
    this.#out.write(manifestLine(digest || UNKNOWN_DIGEST, name));
    return true;
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A name as rsync printed it, with its \\#ooo escapes decoded; undefined when not UTF-8. */
function unescape(printed: string): string | undefined {
  if (!printed.includes('\\#')) return printed;
  const bytes = Buffer.from(
    printed.replace(/\\#([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
    'latin1',
  );
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** One line of `rsync --itemize-changes`: its change code (`>f.st......`, `*deleting`) and path. */
export function itemized(line: string): { change: string; path: string } {
  const deleting = /^(\*deleting)\s+(.*)$/.exec(line);
  if (deleting) return { change: deleting[1]!, path: deleting[2]! };
  return { change: line.slice(0, 11), path: line.slice(12) };
}
