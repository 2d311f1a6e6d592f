// Health where the workspace flows need it: which flags to watch (those being rolled out), a one-shot
// evaluation for the CLI's check (FL006), and the guard decision for bump before anything is asked or written.
import type { MetricsConfig } from '../config.js';
import type { Clock } from '../io.js';
import type { FlagHealth, StateSnapshot } from '../model.js';
import { checkBumpHealth, type BumpGuardDecision } from './guard.js';
import type { MetricsSource } from './prometheus.js';
import { evaluateHealthOnce } from './scheduler.js';

/** Flags whose health matters now: those part-way through a rollout (canary or rolling). */
export function rolloutKeysToWatch(state: Pick<StateSnapshot, 'flags'>): string[] {
  return state.flags.filter((flag) => flag.stage === 'canary' || flag.stage === 'rolling').map((flag) => flag.key);
}

export interface LiveHealthOptions {
  metrics: MetricsConfig | undefined;
  clock: Clock;
  /** False in an untrusted workspace: Prometheus is not queried. */
  allowNetwork: boolean;
  source?: MetricsSource;
}

/** Health of every flag being rolled out, or undefined when there is nothing to evaluate (no metrics, no network). */
export async function evaluateRolloutHealth(state: Pick<StateSnapshot, 'flags'>, options: LiveHealthOptions): Promise<Map<string, FlagHealth> | undefined> {
  if (!options.metrics || !options.allowNetwork) return undefined;
  const keys = rolloutKeysToWatch(state);
  if (keys.length === 0) return new Map();
  return evaluateHealthOnce({ metrics: options.metrics }, keys, options.clock, options.source);
}

/** Evaluates one flag now and decides whether a bump may go ahead (always allowed without metrics). */
export async function decideBumpByHealth(key: string, options: LiveHealthOptions & { force?: boolean }): Promise<BumpGuardDecision & { health?: FlagHealth }> {
  if (!options.metrics) return checkBumpHealth(undefined);
  if (!options.allowNetwork) {
    return options.force
      ? { allowed: true, reason: 'forced: health not checked (workspace not trusted)' }
      : { allowed: false, reason: 'health cannot be checked in an untrusted workspace. Refusing to bump (use --force to bump anyway).' };
  }
  const health = (await evaluateHealthOnce({ metrics: options.metrics }, [key], options.clock, options.source)).get(key);
  return { ...checkBumpHealth(health, { force: options.force }), health };
}
