import { LineReader } from './line-file.js';
import { type ManifestEntry, manifestEntry } from './manifest.js';

/** A base's lines are not in manifest order (a hand-edited file): it is sorted first, then read again. */
export class Unsorted extends Error {
  readonly base: string;
  constructor(base: string) {
    super(`${base}: lines out of order`);
    this.base = base;
  }
}

/** A sorted manifest read a line at a time, for merge joins: `at(name)` moves forward to name. */
export class Cursor {
  head: ManifestEntry | undefined;
  #lines: LineReader;
  #source: string;

  constructor(path: string) {
    this.#lines = new LineReader(path);
    this.#source = path;
    this.next();
  }

  next(): void {
    const previous = this.head?.name;
    for (;;) {
      const line = this.#lines.next();
      if (line === undefined) {
        this.head = undefined;
        return;
      }
      const entry = manifestEntry(line);
      if (!entry) continue;
      // The listing may name a file twice (a file rsync retried): its first line stands.
      if (previous === entry.name && this.#source.endsWith('listed')) continue;
      if (previous !== undefined && !(previous < entry.name)) throw new Unsorted(this.#source);
      this.head = entry;
      return;
    }
  }

  /** The entry for name, if there is one; everything before it is passed over. */
  at(name: string): ManifestEntry | undefined {
    while (this.head && this.head.name < name) this.next();
    return this.head?.name === name ? this.head : undefined;
  }
}
