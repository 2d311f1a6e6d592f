// How Flaglens backs off from a source that keeps failing: one rule, named and documented here, for every
// background loop (the language server's Unleash polling). Pure; the caller owns the timer and the random source.

export interface BackoffPolicy {
  /** The wait after the first failure. */
  firstDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with equal jitter: after `failures` consecutive failures (1, 2, …) the wait is drawn
 * uniformly from [½·d, d] with d = min(maxDelayMs, firstDelayMs · 2^(failures − 1)), so retries spread out
 * between clients but never come back much sooner than planned. 0 failures: no wait.
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(failures - 1, 52));
  return Math.round(ceiling * (0.5 + random() / 2));
}
