// The background loops of a long-running front-end (the language server): health of every rollout in
// progress re-evaluated on `metrics.evaluateEvery`, and remote state (Unleash) re-read on its poll interval
// with jittered exponential backoff while the source is unreachable. Readers never wait on either.
import type { FlaglensConfig } from '../config.js';
import { createHttpClient } from '../http.js';
import type { FlagHealth, FlagState, StateSnapshot } from '../model.js';
import { createPrometheusSource, type MetricsSource } from './prometheus.js';
import { evaluateHealthRound } from './scheduler.js';
import { rolloutKeysToWatch } from './workspaceHealth.js';

/** What the loops need from the host (FlaglensHost satisfies it); read on every tick, so config and trust changes apply. */
export interface LiveUpdatesTarget {
  readonly config: FlaglensConfig;
  /** False in an untrusted workspace: neither Prometheus nor Unleash is contacted. */
  readonly writesAllowed: boolean;
  flags(): FlagState[];
  snapshot(): StateSnapshot;
  now(): Date;
  setHealth(health: Map<string, FlagHealth>): void;
  reloadState(): Promise<void>;
}

export interface LiveUpdates {
  /** Re-evaluates health now (e.g. right after a bump), without waiting for the next tick. */
  evaluateHealthNow(): Promise<void>;
  dispose(): void;
}

export function startLiveUpdates(target: LiveUpdatesTarget, options: { random?: () => number } = {}): LiveUpdates {
  const random = options.random ?? Math.random;
  let disposed = false;
  let healthTimer: ReturnType<typeof setTimeout> | undefined;
  let stateTimer: ReturnType<typeof setTimeout> | undefined;
  let source: { url: string; source: MetricsSource } | undefined;
  let health = new Map<string, FlagHealth>();
  let stateFailures = 0;

  const metricsSource = (url: string): MetricsSource => {
    if (source?.url !== url) {
      void source?.source.close?.();
      source = { url, source: createPrometheusSource(url, createHttpClient()) };
    }
    return source.source;
  };

  const evaluateHealthNow = async () => {
    const metrics = target.config.metrics;
    if (!metrics || !target.writesAllowed) return;
    const next = await evaluateHealthRound(rolloutKeysToWatch({ flags: target.flags() }), { metrics, source: metricsSource(metrics.prometheus.url), now: () => target.now(), previous: health });
    health = next;
    target.setHealth(next);
  };

  const healthLoop = async () => {
    await evaluateHealthNow().catch(() => undefined);
    if (disposed) return;
    healthTimer = setTimeout(healthLoop, (target.config.metrics?.evaluateEverySeconds ?? 30) * 1000);
    healthTimer.unref?.();
  };

  const stateLoop = async () => {
    const unleash = target.config.state.unleash;
    if (unleash && target.writesAllowed) {
      await target.reloadState().catch(() => undefined);
      stateFailures = target.snapshot().staleness ? stateFailures + 1 : 0;
    }
    if (disposed) return;
    const base = (unleash?.pollIntervalSeconds ?? 30) * 1000;
    // Backoff while the source is unreachable: 2 s, 4 s, … up to 5 min, with jitter so clients spread out.
    const delay = stateFailures === 0 ? base : Math.round(Math.min(300_000, 2000 * 2 ** (stateFailures - 1)) * (0.5 + random() / 2));
    stateTimer = setTimeout(stateLoop, delay);
    stateTimer.unref?.();
  };

  // The first state load is the host's own (start); the first health round waits for it briefly.
  healthTimer = setTimeout(healthLoop, 1000);
  healthTimer.unref?.();
  stateTimer = setTimeout(stateLoop, (target.config.state.unleash?.pollIntervalSeconds ?? 30) * 1000);
  stateTimer.unref?.();

  return {
    evaluateHealthNow,
    dispose() {
      disposed = true;
      if (healthTimer) clearTimeout(healthTimer);
      if (stateTimer) clearTimeout(stateTimer);
      void source?.source.close?.();
    },
  };
}
