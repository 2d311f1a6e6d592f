// The one backoff of Flaglens, for HTTP retries, Unleash polling and the health loop: exponential with
// "equal jitter" (as named in Marc Brooker's "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
// Pure: the random source is passed in, so every caller's waits are testable.

export interface BackoffPolicy {
  /** The bound of the first wait (attempt 0). */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): with the bound b = min(cap, base · 2^attempt),
 * a wait drawn uniformly from [b/2, b]. Keeping half of the bound fixed means a retry always waits noticeably
 * (full jitter, [0, b], may retry at once); the random half spreads out clients that failed at the same moment.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt, 52));
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.round(bound * (0.5 + random() / 2));
}
