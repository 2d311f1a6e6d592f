// Evaluates flag health in the background on an interval and keeps the last result per flag, so
// hovers, diagnostics and the CLI read health instantly and never wait on Prometheus.
import type { FlaglensConfig, MetricsConfig } from '../config.js';
import { createHttpClient } from '../http.js';
import type { Clock } from '../io.js';
import type { FlagHealth } from '../model.js';
import { evaluateFlagHealth } from './evaluate.js';
import { createPrometheusSource, type MetricsSource } from './prometheus.js';

export interface HealthSchedulerOptions {
  metrics: MetricsConfig | undefined;
  /** Default: a Prometheus client for `metrics.prometheus.url`. */
  source?: MetricsSource;
  clock: Clock;
  /** The flags to evaluate on each round (typically those in canary/rolling). */
  keys: () => string[] | Promise<string[]>;
  /** Called after every round with the whole map (e.g. the language server's `host.setHealth`). */
  onUpdate?: (health: Map<string, FlagHealth>) => void;
  /** Default: `metrics.evaluateEverySeconds`. */
  intervalSeconds?: number;
}

export class HealthScheduler {
  private readonly results = new Map<string, FlagHealth>();
  private readonly source: MetricsSource | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<Map<string, FlagHealth>> | undefined;
  private stopped = true;

  constructor(private readonly options: HealthSchedulerOptions) {
    this.source = options.source ?? (options.metrics ? createPrometheusSource(options.metrics.prometheus.url, createHttpClient()) : undefined);
  }

  /** The last result for a flag, immediately (undefined before its first evaluation). */
  get(key: string): FlagHealth | undefined {
    return this.results.get(key);
  }

  /** A copy of every last result. */
  current(): Map<string, FlagHealth> {
    return new Map(this.results);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      await this.evaluateNow().catch(() => undefined);
      if (this.stopped) return;
      this.timer = setTimeout(loop, (this.options.intervalSeconds ?? this.options.metrics?.evaluateEverySeconds ?? 30) * 1000);
      this.timer.unref?.();
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stop();
    void this.source?.close?.();
  }

  /** Runs one round now (joining a round already in flight) and returns the updated map. */
  evaluateNow(): Promise<Map<string, FlagHealth>> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<Map<string, FlagHealth>> {
    const keys = await this.options.keys();
    const now = () => this.options.clock.now();
    const round = await evaluateHealthRound(keys, { metrics: this.options.metrics, source: this.source, now, previous: this.results });
    for (const [key, health] of round) this.results.set(key, health);
    for (const key of [...this.results.keys()]) if (!keys.includes(key)) this.results.delete(key);
    const snapshot = this.current();
    this.options.onUpdate?.(snapshot);
    return snapshot;
  }
}

/**
 * Evaluates each key in turn. Once Prometheus proves unreachable in a round, the remaining flags are marked
 * unavailable too (keeping their last real result) without waiting on more timeouts.
 */
export async function evaluateHealthRound(
  keys: string[],
  context: { metrics: MetricsConfig | undefined; source: MetricsSource | undefined; now: () => Date; previous: ReadonlyMap<string, FlagHealth> },
): Promise<Map<string, FlagHealth>> {
  const results = new Map<string, FlagHealth>();
  let outage: FlagHealth | undefined;
  for (const key of keys) {
    const previous = context.previous.get(key);
    let health: FlagHealth;
    if (outage) {
      const lastKnown = previous?.status === 'unavailable' ? previous.lastKnown : previous;
      health = { key, status: 'unavailable', checks: [], summary: outage.summary, evaluatedAt: outage.evaluatedAt, ...(lastKnown ? { lastKnown } : {}) };
    } else {
      health = await evaluateFlagHealth(key, { metrics: context.metrics, source: context.source, now: context.now, previous });
      if (health.status === 'unavailable') outage = health;
    }
    results.set(key, health);
  }
  return results;
}

/** One-shot evaluation for the CLI: health of each key, then the connection is closed. */
export async function evaluateHealthOnce(config: Pick<FlaglensConfig, 'metrics'>, keys: string[], clock: Clock, source?: MetricsSource): Promise<Map<string, FlagHealth>> {
  const scheduler = new HealthScheduler({ metrics: config.metrics, source, clock, keys: () => keys });
  try {
    return await scheduler.evaluateNow();
  } finally {
    if (!source) scheduler.dispose();
  }
}
