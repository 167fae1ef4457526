/** Bytes kept at each end: the first lines say what went wrong first, the last how it ended. */
const KEEP = 4096;

/**
 * What a program printed, bounded: its first and last KEEP bytes, whatever it prints, so a
 * chatty hook or a million-line rsync error cannot fill memory.
 */
export class BoundedOutput {
  private head = Buffer.alloc(0);
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  push(chunk: Buffer): void {
    if (this.head.length < KEEP) {
      const room = KEEP - this.head.length;
      this.head = Buffer.concat([this.head, chunk.subarray(0, room)]);
      chunk = chunk.subarray(room);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= KEEP) {
      const first = this.tail.shift()!;
      this.tailBytes -= first.length;
      this.dropped += first.length;
    }
  }

  /** The text kept, trimmed; a gap says how much was left out. */
  text(): string {
    const tail = Buffer.concat(this.tail);
    const over = Math.max(0, tail.length - KEEP);
    const dropped = this.dropped + over;
    const gap = dropped > 0 ? `\n[... ${dropped} bytes left out ...]\n` : '';
    return `${this.head.toString('utf8')}${gap}${tail.subarray(over).toString('utf8')}`.trim();
  }
}
