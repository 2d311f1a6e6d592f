// Pure translation of an Unleash flag (one environment) into Flaglens' FlagState: rollout percentage
// validated 0–100, stage, release date from the audit log, and the abort note Flaglens leaves in the
// flag's description. No IO here, so every case is testable from plain objects.
import type { FlagState, FlagType, InputError, Stage } from '../../model.js';
import type { UnleashEvent, UnleashFeature, UnleashStrategy } from './api.js';

export interface UnleashMappingOptions {
  environment: string;
  project: string;
  /** Decides the stage from the facts; the shared `stageFor` of the state module. */
  stageOf: (facts: { enabled: boolean; percentage: number | null; targeted: boolean; archived: boolean }) => Stage;
  /** The flag's audit log (newest first), when it was read. */
  events?: UnleashEvent[];
  /** Where problems are reported (the flaglens.yaml that configures Unleash); default `unleash:<project>`. */
  errorFile?: string;
  /** The position in `errorFile` (where the Unleash URL is configured); default 1:1. */
  errorAt?: { line: number; column: number };
}

/** The marker Flaglens appends to a flag's description on abort: visible in the Unleash UI and read back. */
export const ABORT_NOTE_PATTERN = /\[flaglens\] rollout aborted at (\S+): (.*)$/m;

export function formatAbortNote(at: string, reason: string): string {
  return `[flaglens] rollout aborted at ${at}: ${reason.replace(/\s+/g, ' ').trim()}`;
}

/** The strategy Flaglens bumps: the single flexibleRollout (or default) strategy of the environment. */
export function rolloutStrategy(feature: UnleashFeature, environment: string): UnleashStrategy | undefined {
  const env = feature.environments.find((e) => e.name === environment);
  const active = env?.strategies.filter((s) => !s.disabled) ?? [];
  return active.length === 1 && active[0].name === 'flexibleRollout' ? active[0] : undefined;
}

export function unleashFeatureToFlagState(feature: UnleashFeature, options: UnleashMappingOptions): { flag: FlagState; errors: InputError[] } {
  const errors: InputError[] = [];
  const env = feature.environments.find((e) => e.name === options.environment);
  const active = env?.strategies.filter((s) => !s.disabled) ?? [];
  const enabled = env?.enabled ?? false;
  const targeted = active.length > 1 || active.some((s) => s.constraints.length > 0 || s.segments.length > 0 || (s.name !== 'flexibleRollout' && s.name !== 'default'));
  let percentage: number | null = null;
  let rolloutRaw: unknown;
  let strategyId: string | undefined;
  /** Set when the flag's values cannot be trusted (bump and abort refuse with it). */
  let invalid: string | undefined;
  if (!env) {
    errors.push(inputError(options, feature.name, `flag '${feature.name}' has no environment '${options.environment}' in Unleash`));
  } else if (active.length === 0) {
    // An environment without strategies serves nobody in Unleash 7 when enabled (no default strategy is implied).
    percentage = 0;
  } else if (!targeted) {
    const strategy = active[0];
    strategyId = strategy.id;
    if (strategy.name === 'default') percentage = 100;
    else {
      rolloutRaw = strategy.parameters.rollout;
      percentage = parseRollout(rolloutRaw);
      if (percentage === null) {
        invalid = `invalid rollout ${JSON.stringify(rolloutRaw)} (must be 0–100)`;
        errors.push(inputError(options, feature.name, `flag '${feature.name}': ${invalid} in strategy ${strategy.id} (parameters.rollout)`));
      }
    }
  }
  const archived = feature.archived === true;
  const stage = options.stageOf({ enabled, percentage, targeted, archived });
  const note = feature.description ? ABORT_NOTE_PATTERN.exec(feature.description) : null;
  const released = stage === 'released' && options.events ? releasedAtFromEvents(options.events, options.environment) : undefined;
  const lastEvent = options.events?.[0];
  const flag: FlagState = {
    key: feature.name,
    stage,
    percentage,
    enabled,
    variants: { on: true, off: false },
    defaultVariant: 'off',
    valueType: 'boolean',
    type: asFlagType(feature.type),
    description: feature.description ?? undefined,
    createdAt: feature.createdAt,
    releasedAt: released ?? null,
    releasedAtSource: released ? 'provider' : 'unknown',
    provider: 'unleash',
    fields: {
      project: options.project,
      environment: options.environment,
      strategyId,
      rollout: rolloutRaw,
      stale: feature.stale ?? false,
      lastSeenAt: env?.lastSeenAt ?? feature.lastSeenAt ?? null,
      lifecycleStage: feature.lifecycle?.stage,
      ...(feature.archivedAt ? { archivedAt: feature.archivedAt } : {}),
      ...(lastEvent ? { lastChangedBy: lastEvent.createdBy, lastChangedAt: lastEvent.createdAt } : {}),
      ...(invalid ? { invalid } : {}),
    },
  };
  if (note && (percentage === 0 || !enabled)) {
    flag.abortedAt = note[1];
    flag.abortReason = note[2];
  }
  return { flag, errors };
}

/** Unleash stores the percentage as a string and accepts anything ("150", "abc"): only 0–100 is valid. */
export function parseRollout(raw: unknown): number | null {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const value = Number(text);
  return value >= 0 && value <= 100 ? value : null;
}

/** When the flag last went to 100% (or was switched on while at 100%) in this environment. */
export function releasedAtFromEvents(events: UnleashEvent[], environment: string): string | undefined {
  for (const event of events) {
    if (event.environment !== environment) continue;
    const rollout = (event.data as { parameters?: { rollout?: unknown } } | null)?.parameters?.rollout;
    if ((event.type === 'feature-strategy-update' || event.type === 'feature-strategy-add') && String(rollout) === '100') return event.createdAt;
    if (event.type === 'feature-environment-enabled') return event.createdAt;
  }
  return undefined;
}

function asFlagType(type: string | undefined): FlagType | undefined {
  const known: FlagType[] = ['release', 'experiment', 'operational', 'kill-switch', 'permission'];
  return known.includes(type as FlagType) ? (type as FlagType) : undefined;
}

function inputError(options: UnleashMappingOptions, flag: string, message: string): InputError {
  void flag;
  return { file: options.errorFile ?? `unleash:${options.project}`, line: options.errorAt?.line ?? 1, column: options.errorAt?.column ?? 1, message, code: 'unleash-invalid' };
}
