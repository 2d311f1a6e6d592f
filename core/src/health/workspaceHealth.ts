// Health where the workspace flows need it: which flags to watch (those being rolled out), a one-shot
// evaluation for the CLI's check (FL006), and the guard decision for bump before anything is asked or written.
// The HTTP client is the front-end's; windows come from the rollout step records when there are any.
import type { MetricsConfig } from '../config.js';
import type { HttpTransport } from '../http.js';
import type { Clock, FileSystem } from '../io.js';
import type { FlagHealth, FlagState, StateSnapshot } from '../model.js';
import { evaluateHealthRound } from './evaluate.js';
import { checkBumpHealth, type BumpGuardDecision } from './guard.js';
import { createPrometheusSource } from './prometheus.js';
import { rolloutWindows } from './rolloutSteps.js';

/** Flags whose health matters now: those part-way through a rollout (canary or rolling). */
export function rolloutKeysToWatch(state: Pick<StateSnapshot, 'flags'>): string[] {
  return state.flags.filter((flag) => flag.stage === 'canary' || flag.stage === 'rolling').map((flag) => flag.key);
}

export interface LiveHealthOptions {
  metrics: MetricsConfig | undefined;
  clock: Clock;
  /** False in an untrusted workspace: Prometheus is not queried. */
  allowNetwork: boolean;
  /** The front-end's HTTP client (never closed here). */
  http: HttpTransport;
  /** Where the rollout step records are (`<workspace>/.flaglens`), for windows since each step began. */
  steps?: { fs: FileSystem; stateDirectory: string };
}

/** Health of every flag being rolled out, or undefined when there is nothing to evaluate (no metrics, no network). */
export async function evaluateRolloutHealth(state: Pick<StateSnapshot, 'flags'>, options: LiveHealthOptions): Promise<Map<string, FlagHealth> | undefined> {
  if (!options.metrics || !options.allowNetwork) return undefined;
  const keys = rolloutKeysToWatch(state);
  if (keys.length === 0) return new Map();
  return evaluateHealthRound(keys, healthContext(state.flags, options.metrics, options));
}

/**
 * Evaluates one flag now and decides whether a bump may go ahead (always allowed without metrics). `flags`: the
 * state the flag is in, for the window of its current step.
 */
export async function decideBumpByHealth(key: string, options: LiveHealthOptions & { force?: boolean; flags?: readonly FlagState[] }): Promise<BumpGuardDecision & { health?: FlagHealth }> {
  if (!options.metrics) return checkBumpHealth(undefined);
  if (!options.allowNetwork) {
    return options.force
      ? { allowed: true, reason: 'forced: health not checked (workspace not trusted)' }
      : { allowed: false, reason: 'health cannot be checked in an untrusted workspace. Refusing to bump (use --force to bump anyway).' };
  }
  const health = (await evaluateHealthRound([key], healthContext(options.flags ?? [], options.metrics, options))).get(key);
  return { ...checkBumpHealth(health, { force: options.force }), health };
}

/** The evaluation context for a set of flags: a Prometheus source on the given client, step windows, no history. */
export function healthContext(flags: readonly FlagState[], metrics: MetricsConfig, options: Pick<LiveHealthOptions, 'clock' | 'http' | 'steps'>) {
  const now = () => options.clock.now();
  return {
    metrics,
    source: createPrometheusSource(metrics.prometheus.url, options.http),
    now,
    previous: new Map<string, FlagHealth>(),
    window: options.steps ? rolloutWindows(options.steps.fs, options.steps.stateDirectory, flags, now, metrics) : undefined,
  };
}
