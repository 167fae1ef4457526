const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Parses Go/Prometheus-style durations ("300s", "5m", "1500ms", "1m30s") into milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART))
    total += Number(amount) * (UNITS_MS[unit ?? ''] ?? NaN);
  return Number.isFinite(total) && total > 0 ? Math.round(total) : undefined;
}

export const DURATION_EXPECTED = 'a duration such as 300s, 5m or 1500ms';

/** Formats milliseconds for people: 850ms, 12.3s, 4m05s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  return `${minutes}m${String(totalSeconds % 60).padStart(2, '0')}s`;
}

/** Seconds for a result line: "0.005s" below a second, "20.3s" above; never rounds a fast run to 0. */
export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${(ms / 1000).toFixed(3)}s` : `${(ms / 1000).toFixed(1)}s`;
}

const SPELLED: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** A configured duration as the operator would write it: 20s, 15m, 1h30m, 2.5s, 1500ms. */
export function durationText(ms: number): string {
  if (ms % 1000 !== 0) return ms < 60_000 && ms % 100 === 0 ? `${ms / 1000}s` : `${ms}ms`;
  let rest = ms;
  const parts: string[] = [];
  for (const [unit, size] of SPELLED) {
    if (rest < size) continue;
    parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  return parts.join('') || '0s';
}
