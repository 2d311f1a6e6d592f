// What `flaglens watch` does after each evaluation: abort after repeated failing verdicts, pause on
// inconclusive or unavailable health, and with --advance move the rollout to the next step once the current
// step has been healthy for its bake time. Pure: the step and its start come from the rollout state and the
// step record on every call (never from memory), so a restarted watch carries on where the last one was.
import type { FlagHealth, FlagState } from '../model.js';
import { nextStep } from '../state/stages.js';

export interface WatchSettings {
  /** Move up the ladder after each healthy bake (`--advance`); otherwise only watch and abort. */
  advance: boolean;
  /** Consecutive failing verdicts before aborting; 0: never abort. */
  abortAfter: number;
  steps: readonly number[];
  /** The bake time of the step at a percentage, in seconds. */
  bakeSeconds(percentage: number): number | undefined;
}

export interface WatchInput {
  flag: FlagState | undefined;
  health: FlagHealth;
  /** When the current step began (its record), undefined when unknown. */
  stepSince: Date | undefined;
  now: Date;
  /** Failing verdicts in a row before this one. */
  failures: number;
}

export type WatchAction =
  /** Nothing (more) to watch: the flag is gone, off, targeted by rules, or (advancing) at 100%. */
  | { action: 'stop'; reason: string }
  | { action: 'abort'; reason: string }
  | { action: 'advance'; to: number; reason: string }
  | { action: 'wait'; reason: string };

export interface WatchDecision {
  decision: WatchAction;
  /** The failing streak after this verdict (healthy resets it; inconclusive and unavailable leave it). */
  failures: number;
}

export function decideWatchStep(input: WatchInput, settings: WatchSettings): WatchDecision {
  const { flag, health } = input;
  const failures = input.failures;
  if (!flag) return { decision: { action: 'stop', reason: 'the flag is not defined by any configured state source' }, failures };
  const percentage = flag.enabled ? flag.percentage : 0;
  if (flag.stage === 'targeted' || percentage === null) return { decision: { action: 'stop', reason: 'the flag is targeted by rules, not one percentage: nothing to advance or abort' }, failures };
  if (percentage === 0) return { decision: { action: 'stop', reason: 'the rollout is off (0%)' }, failures };
  // A plain watch keeps guarding a released flag (it can still abort it); advancing ends at 100%.
  if (percentage >= 100 && settings.advance) return { decision: { action: 'stop', reason: 'the rollout is complete (100%)' }, failures };
  if (health.providerErrors) {
    return { decision: { action: 'wait', reason: `paused: Prometheus failed ${health.providerErrors.count} time(s) in a row (${health.providerErrors.message}); the last verdict is not a new one` }, failures };
  }
  switch (health.status) {
    case 'failing': {
      const streak = failures + 1;
      if (settings.abortAfter > 0 && streak >= settings.abortAfter) {
        const failed = health.checks.filter((check) => check.passed === false).map((check) => check.message).join('; ') || health.summary;
        const repeated = streak > 1 ? ` in ${streak} consecutive evaluations` : '';
        return { decision: { action: 'abort', reason: `flaglens watch: ${failed}${repeated}` }, failures: streak };
      }
      return { decision: { action: 'wait', reason: settings.abortAfter > 0 ? `failing [${streak}/${settings.abortAfter}]` : 'failing (not aborting: --abort-after 0)' }, failures: streak };
    }
    case 'inconclusive':
      return { decision: { action: 'wait', reason: settings.advance ? 'paused: inconclusive' : 'inconclusive' }, failures };
    case 'unavailable':
    case 'unknown':
      return { decision: { action: 'wait', reason: settings.advance ? `paused: health ${health.status}` : `health ${health.status}` }, failures };
    case 'healthy':
      break;
  }
  if (!settings.advance) return { decision: { action: 'wait', reason: 'healthy' }, failures: 0 };
  const bake = settings.bakeSeconds(percentage) ?? 0;
  const baked = input.stepSince ? Math.max(0, (input.now.getTime() - input.stepSince.getTime()) / 1000) : 0;
  if (!input.stepSince || baked < bake) return { decision: { action: 'wait', reason: `healthy, baking ${formatDuration(baked)} of ${formatDuration(bake)} at ${percentage}%` }, failures: 0 };
  const to = nextStep(percentage, settings.steps);
  if (to === undefined) return { decision: { action: 'stop', reason: `the rollout is at the last step (${percentage}%)` }, failures: 0 };
  return { decision: { action: 'advance', to, reason: `healthy for ${formatDuration(baked)} at ${percentage}% (bake ${formatDuration(bake)}): advancing to ${to}%` }, failures: 0 };
}

/** 42 → `42 s`, 1800 → `30 min`, 5400 → `1 h 30 min`. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
