export interface Hop {
  /** 1 for the first server that handled the message (the bottom Received header). */
  index: number;
  by: string;
  from: string;
  with: string;
  at: Date;
  /** Seconds since the previous hop (0 for the first); negative values mean skewed clocks. */
  delaySeconds: number;
}

function clause(value: string, keyword: string): string {
  const match = new RegExp(`(?:^|\\s)${keyword}\\s+([^\\s;()]+)`, 'i').exec(value);
  return match?.[1] ?? '';
}

/**
 * Per-hop delays from Received headers (RFC 5321 §4.4). Headers come top
 * first, so the oldest hop is the last one. The date follows the last ";".
 * Headers without a parseable date are skipped rather than guessed.
 */
export function parseHops(receivedTopFirst: string[]): Hop[] {
  const hops: Hop[] = [];
  for (const value of [...receivedTopFirst].reverse()) {
    const semicolon = value.lastIndexOf(';');
    if (semicolon < 0) continue;
    const at = new Date(
      value
        .slice(semicolon + 1)
        .trim()
        .replace(/\s*\([^)]*\)\s*$/, ''),
    );
    if (Number.isNaN(at.getTime())) continue;
    const previous = hops.at(-1);
    hops.push({
      index: hops.length + 1,
      by: clause(value, 'by'),
      from: clause(value, 'from'),
      with: clause(value, 'with'),
      at,
      delaySeconds: previous ? (at.getTime() - previous.at.getTime()) / 1000 : 0,
    });
  }
  return hops;
}
