// The one background loop of a long-running front-end (the language server): health of every rollout in
// progress re-evaluated every `metrics.evaluateEvery` seconds (windows since each rollout step began, watch
// leases read alongside), and remote state (Unleash) re-read on its poll interval, backing off while the
// source is unreachable. Readers never wait on either: results reach the host through `setHealth`.
// The HTTP client, the clock (through the target) and the timers come from the caller.
import { backoffDelayMs, type BackoffPolicy } from '../backoff.js';
import type { FlaglensConfig } from '../config.js';
import type { HttpTransport } from '../http.js';
import { systemTimers, type FileSystem, type Timers } from '../io.js';
import type { FlagHealth, FlagState, StateSnapshot } from '../model.js';
import { evaluateHealthRound } from './evaluate.js';
import { createPrometheusSource, type MetricsSource } from './prometheus.js';
import { rolloutWindows } from './rolloutSteps.js';
import { readWatchLeases, type WatchLease } from './watchLease.js';
import { rolloutKeysToWatch } from './workspaceHealth.js';

/** What the loop needs from the host (FlaglensHost satisfies it); read on every tick, so config and trust changes apply. */
export interface LiveUpdatesTarget {
  readonly config: FlaglensConfig;
  /** False in an untrusted workspace: neither Prometheus nor Unleash is contacted. */
  readonly writesAllowed: boolean;
  flags(): FlagState[];
  snapshot(): StateSnapshot;
  now(): Date;
  setHealth(health: Map<string, FlagHealth>): void;
  /** The watch leases found in `.flaglens/watch/` on each health tick. */
  setWatchLeases?(leases: Map<string, WatchLease>): void;
  reloadState(): Promise<void>;
}

export interface LiveUpdatesOptions {
  /** The front-end's HTTP client; Prometheus queries go through it (it is never closed here). */
  http: HttpTransport;
  /** Where `.flaglens/` is, for rollout step records and watch leases. */
  files?: { fs: FileSystem; stateDirectory: string };
  /** Default: the runtime's (unref'd: a pending round never keeps the process alive). */
  timers?: Timers;
  random?: () => number;
  /** Delay of the first health round, so the host's own first state load usually lands first (default 1 s). */
  firstHealthDelayMs?: number;
}

export interface LiveUpdates {
  /** Re-evaluates health now (e.g. right after a bump), joining a round already running; resolves with its result. */
  evaluateHealthNow(): Promise<Map<string, FlagHealth>>;
  /** The last health round's results, immediately. */
  currentHealth(): Map<string, FlagHealth>;
  dispose(): void;
}

/** Unleash polling while it fails: 2 s, 4 s, … up to 5 min (then back to the poll interval once it answers). */
export const STATE_POLL_BACKOFF: BackoffPolicy = { baseMs: 2000, capMs: 300_000 };

export function startLiveUpdates(target: LiveUpdatesTarget, options: LiveUpdatesOptions): LiveUpdates {
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? Math.random;
  let disposed = false;
  /** Cancel functions of the pending rounds. */
  let cancelHealth: (() => void) | undefined;
  let cancelState: (() => void) | undefined;
  let source: { url: string; source: MetricsSource } | undefined;
  let health = new Map<string, FlagHealth>();
  let round: Promise<Map<string, FlagHealth>> | undefined;
  let stateFailures = 0;

  const metricsSource = (url: string): MetricsSource => {
    if (source?.url !== url) source = { url, source: createPrometheusSource(url, options.http) };
    return source.source;
  };

  const runRound = async (): Promise<Map<string, FlagHealth>> => {
    if (options.files && target.setWatchLeases) target.setWatchLeases(readWatchLeases(options.files.fs, options.files.stateDirectory));
    const metrics = target.config.metrics;
    if (!metrics || !target.writesAllowed) return health;
    const flags = target.flags();
    const now = () => target.now();
    const window = options.files ? rolloutWindows(options.files.fs, options.files.stateDirectory, flags, now, metrics) : undefined;
    const next = await evaluateHealthRound(rolloutKeysToWatch({ flags }), { metrics, source: metricsSource(metrics.prometheus.url), now, previous: health, window });
    if (disposed) return next;
    health = next;
    target.setHealth(next);
    return next;
  };

  const evaluateHealthNow = (): Promise<Map<string, FlagHealth>> => {
    round ??= runRound().finally(() => {
      round = undefined;
    });
    return round;
  };

  const healthTick = async () => {
    await evaluateHealthNow().catch(() => undefined);
    if (disposed) return;
    cancelHealth = timers.schedule((target.config.metrics?.evaluateEverySeconds ?? 30) * 1000, () => void healthTick());
  };

  const stateTick = async () => {
    const unleash = target.config.state.unleash;
    if (unleash && target.writesAllowed) {
      await target.reloadState().catch(() => undefined);
      stateFailures = target.snapshot().staleness ? stateFailures + 1 : 0;
    }
    if (disposed) return;
    const pollMs = (unleash?.pollIntervalSeconds ?? 30) * 1000;
    // After the n-th failure in a row, the shared backoff's n-th wait (attempt n − 1): 2 s, 4 s, … up to 5 min.
    cancelState = timers.schedule(stateFailures === 0 ? pollMs : backoffDelayMs(stateFailures - 1, STATE_POLL_BACKOFF, random), () => void stateTick());
  };

  // The first state load is the host's own (start); the first health round waits for it briefly.
  cancelHealth = timers.schedule(options.firstHealthDelayMs ?? 1000, () => void healthTick());
  cancelState = timers.schedule((target.config.state.unleash?.pollIntervalSeconds ?? 30) * 1000, () => void stateTick());

  return {
    evaluateHealthNow,
    currentHealth: () => new Map(health),
    dispose() {
      disposed = true;
      cancelHealth?.();
      cancelState?.();
    },
  };
}
