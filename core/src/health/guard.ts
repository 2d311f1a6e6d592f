// The health guard on bumps: a rollout that is hurting users (failing) or that cannot be judged yet
// (inconclusive, Prometheus unavailable) is not widened unless the user forces it.
import { RolloutRefusedError, type BumpRequest, type FlagHealth, type RolloutChange, type StateProvider } from '../model.js';

export interface BumpGuardDecision {
  allowed: boolean;
  /** Why, in one line, for the CLI and the editor. */
  reason: string;
}

export function checkBumpHealth(health: FlagHealth | undefined, options: { force?: boolean } = {}): BumpGuardDecision {
  if (!health || health.status === 'unknown') return { allowed: true, reason: 'no metrics configured for this flag' };
  if (health.status === 'healthy') return { allowed: true, reason: `healthy: ${health.summary}` };
  const why =
    health.status === 'failing'
      ? `health is failing — ${health.summary}`
      : health.status === 'inconclusive'
        ? `health is inconclusive — ${health.summary}; no data is not the same as healthy`
        : `health cannot be checked — ${health.summary}${health.lastKnown ? ` (last known: ${health.lastKnown.status}: ${health.lastKnown.summary})` : ''}`;
  if (options.force) return { allowed: true, reason: `forced despite: ${why}` };
  return { allowed: false, reason: `${why}. Refusing to bump (use --force to bump anyway).` };
}

/** Bumps through the provider only when the guard allows it; otherwise throws RolloutRefusedError('unhealthy'). */
export async function guardedBump(provider: StateProvider, request: BumpRequest, health: FlagHealth | undefined): Promise<RolloutChange> {
  if (!provider.bump) throw new RolloutRefusedError(`provider ${provider.id} cannot change rollouts`, 'unsupported');
  const decision = checkBumpHealth(health, { force: request.force });
  if (!decision.allowed) throw new RolloutRefusedError(`${request.key}: ${decision.reason}`, 'unhealthy');
  return provider.bump(request);
}

/** One line per flag for the CLI: `healthy: error-rate 0.001 ≤ 0.01`, with the age when it is a last-known result. */
export function describeHealth(health: FlagHealth, now: Date): string {
  if (health.status !== 'unavailable' || !health.lastKnown) return `${health.status}: ${health.summary}`;
  const minutes = Math.round((now.getTime() - Date.parse(health.lastKnown.evaluatedAt)) / 60000);
  return `${health.summary}; last known ${minutes} min ago: ${health.lastKnown.status}: ${health.lastKnown.summary}`;
}
