// The rollout ladder: which stage a percentage is in, and which step comes next. Pure functions, shared by
// every provider, the rules and the bump/abort planners, so "canary", "rolling" and "released" mean the same everywhere.
import type { Stage } from '../model.js';

/**
 * The stage of a rollout: `off` (disabled or 0%), `canary` (0 < p ≤ first step), `rolling` (between the first
 * step and 100), `released` (100% and enabled), `targeted` (no single percentage: `percentage` is null).
 * `archived` and `removed` are never computed here: only a provider (or the state file's history) can say so.
 */
export function stageFor(percentage: number | null, enabled: boolean, steps: readonly number[]): Stage {
  if (!enabled) return 'off';
  if (percentage === null) return 'targeted';
  if (percentage <= 0) return 'off';
  if (percentage >= 100) return 'released';
  const firstStep = steps.find((step) => step > 0) ?? 100;
  return percentage <= firstStep ? 'canary' : 'rolling';
}

/** The smallest ladder step above `percentage`; undefined when there is none (already at 100) or no percentage. */
export function nextStep(percentage: number | null, steps: readonly number[]): number | undefined {
  if (percentage === null) return undefined;
  const ladder = steps.length ? steps : [100];
  return ladder.find((step) => step > percentage) ?? (percentage < 100 ? 100 : undefined);
}

/** A percentage as people read it: `12.5%`, `0%`, `targeted` for null. */
export function formatRolloutPercentage(percentage: number | null): string {
  return percentage === null ? 'targeted' : `${roundRolloutPercentage(percentage)}%`;
}

/** Rounds a share to at most two decimals (12.5 stays 12.5, 1/3 becomes 33.33). */
export function roundRolloutPercentage(value: number): number {
  return Math.round(value * 100) / 100;
}
