/** Default of --lock-stale-after: a lock not renewed for this long is taken over. Apart from lock.ts, which --help must not load. */
export const LOCK_STALE_AFTER_MS = 15 * 60_000;
