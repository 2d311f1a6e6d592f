// The pure planners behind `flaglens bump` / `abort` and the editor's preview: from the flag state a person saw
// and the rollout ladder to `from → to`, or a refusal with a clear reason. Providers call them before writing.
import type { FlagState, RolloutChange, RolloutRefusedError, Stage } from '../model.js';
import { formatRolloutPercentage, nextStep, stageFor } from './stages.js';

export type RolloutPlan = ({ ok: true } & RolloutChange) | { ok: false; reason: RolloutRefusedError['reason']; message: string };

/**
 * Plans a bump: to the next ladder step above the current percentage, or to `to` (0 < to ≤ 100 and above the
 * current percentage). A disabled flag counts as 0% (the bump enables it). Refuses targeted flags (no single
 * percentage), flags the provider cannot rewrite (`fields.writeBlocked`), archived/removed flags and bad targets.
 */
export function planBump(flag: FlagState | undefined, steps: readonly number[], to?: number | string): RolloutPlan {
  if (!flag) return refuse('not-found', 'unknown flag');
  if (flag.stage === 'archived' || flag.stage === 'removed') return refuse('not-found', `flag '${flag.key}' is ${flag.stage}`);
  const blocked = writeBlocked(flag);
  if (blocked) return refuse('unsupported', blocked);
  const invalid = invalidValue(flag);
  if (invalid) return refuse('invalid', `flag '${flag.key}' has an ${invalid}: fix it at its source first`);
  const current = currentPercentage(flag);
  if (current === null) return refuse('unsupported', `flag '${flag.key}' is targeted by rules, not one percentage: edit it by hand`);
  let target: number | undefined;
  if (to === undefined || to === '') {
    target = nextStep(current, steps);
    if (target === undefined) return refuse('invalid', `flag '${flag.key}' is already at 100%`);
  } else {
    const parsed = typeof to === 'number' ? to : /^\s*\d+(\.\d+)?\s*%?\s*$/.test(to) ? Number.parseFloat(to) : Number.NaN;
    if (!Number.isFinite(parsed)) return refuse('invalid', `--to must be a number from 0 to 100, got '${to}'`);
    if (parsed < 0 || parsed > 100) return refuse('invalid', `--to must be from 0 to 100, got ${parsed}`);
    if (Math.round(parsed * 10000) !== parsed * 10000) return refuse('invalid', `--to may have at most 4 decimals, got ${parsed}`);
    if (parsed <= current) return refuse('invalid', `--to ${parsed} is not above the current ${current}% of '${flag.key}' (use abort to roll back)`);
    target = parsed;
  }
  return change(flag, current, target, steps);
}

/** Plans an abort: every user gets the off variant (0%). Refuses targeted flags and ones the provider cannot rewrite. */
export function planAbort(flag: FlagState | undefined, steps: readonly number[] = [1, 10, 50, 100]): RolloutPlan {
  if (!flag) return refuse('not-found', 'unknown flag');
  if (flag.stage === 'archived' || flag.stage === 'removed') return refuse('not-found', `flag '${flag.key}' is ${flag.stage}`);
  const blocked = writeBlocked(flag);
  if (blocked) return refuse('unsupported', blocked);
  const invalid = invalidValue(flag);
  if (invalid) return refuse('invalid', `flag '${flag.key}' has an ${invalid}: fix it at its source first`);
  const current = currentPercentage(flag);
  if (current === null) return refuse('unsupported', `flag '${flag.key}' is targeted by rules, not one percentage: Flaglens cannot abort it safely, edit it by hand`);
  return change(flag, current, 0, steps);
}

/** True when two views of a flag agree on everything a bump or abort depends on (for the `expected` check). */
export function sameRolloutState(a: FlagState, b: FlagState): boolean {
  return a.percentage === b.percentage && a.enabled === b.enabled && a.stage === b.stage && a.defaultVariant === b.defaultVariant && JSON.stringify(a.fields.fractional ?? null) === JSON.stringify(b.fields.fractional ?? null);
}

/** `canary 10% → rolling 50%`. */
export function describeRolloutChange(fromStage: Stage, fromPercentage: number | null, toStage: Stage, toPercentage: number): string {
  return `${fromStage} ${formatRolloutPercentage(fromPercentage)} → ${toStage} ${formatRolloutPercentage(toPercentage)}`;
}

function currentPercentage(flag: FlagState): number | null {
  return flag.enabled ? flag.percentage : 0;
}

/** A provider's note that a value of the flag is invalid (an Unleash rollout outside 0–100). */
function invalidValue(flag: FlagState): string | undefined {
  const invalid = flag.fields?.invalid;
  return typeof invalid === 'string' && invalid ? invalid : undefined;
}

function writeBlocked(flag: FlagState): string | undefined {
  const blocked = flag.fields?.writeBlocked;
  return typeof blocked === 'string' && blocked ? blocked : undefined;
}

function change(flag: FlagState, from: number, to: number, steps: readonly number[]): RolloutPlan {
  const toStage = stageFor(to, true, steps);
  const fromStage = flag.stage;
  return { ok: true, key: flag.key, fromPercentage: flag.enabled ? flag.percentage : 0, toPercentage: to, fromStage, toStage, summary: describeRolloutChange(fromStage, from, toStage, to) };
}

function refuse(reason: RolloutRefusedError['reason'], message: string): RolloutPlan {
  return { ok: false, reason, message };
}
