// The list of every flag the client shows (tree view, status bar, quick picks), and the preview of a
// bump or abort (from → to, health) shown before the user confirms. Locations stay workspace-relative.
import type { FlagState, HealthStatus, Stage } from '../model.js';
import { flagRowIdentity, type FlagOverview } from './rulesBridge.js';
import { isStale, stageLabel } from './describe.js';
import type { FeatureWorkspace } from './workspaceView.js';
import { describeStaleness } from '../state/staleness.js';
import { compareText } from '../collation.js';

/**
 * One flag as the editor lists it: the fields of the report row (`FlagOverview`, the one flag-row type) that the
 * editor shows, plus live health and staleness. The protocol's `FlagSummary` is this with URIs for locations
 * (server/src/convert.ts `toFlagSummary`, which fails to compile when the two drift apart).
 */
export interface FlagListEntry extends Pick<FlagOverview, 'key' | 'stage' | 'percentage' | 'enabled' | 'owner' | 'type' | 'locations' | 'findings' | 'definition'> {
  health: HealthStatus;
  healthSummary?: string;
  stale: boolean;
}

export interface FlagList {
  flags: FlagListEntry[];
  attention: { stale: number; unhealthy: number };
  /** `state from 2026-11-27T10:00:00Z: Unleash unreachable` when the state is a last-known copy. */
  stateAge?: string;
}

export function listFlags(workspace: FeatureWorkspace): FlagList {
  const flags = workspace.flags().map((flag): FlagListEntry => {
    const health = workspace.health(flag.key);
    return {
      ...flagRowIdentity(flag),
      health: health?.status ?? 'unknown',
      healthSummary: health?.summary || undefined,
      locations: workspace.referencesForKey(flag.key).map((reference) => ({ file: reference.file, line: reference.line, column: reference.column })),
      findings: [...new Set(workspace.findingsForKey(flag.key).filter((finding) => !finding.suppressed).map((finding) => finding.code))].sort(),
      stale: isStale(workspace, flag),
      definition: flag.definition,
    };
  });
  flags.sort((a, b) => compareText(a.key, b.key));
  const staleness = workspace.snapshot().staleness;
  return {
    flags,
    attention: { stale: flags.filter((flag) => flag.stale).length, unhealthy: flags.filter((flag) => flag.health === 'failing').length },
    stateAge: staleness ? describeStaleness(workspace.snapshot(), workspace.now()) : undefined, // "state from 4 min ago, Unleash unreachable"
  };
}

export interface RolloutPreview {
  key: string;
  from: string;
  to: string;
  health: string;
  healthSummary?: string;
  /** Set when the write would be refused (unknown flag, already at 100%, untrusted workspace …). */
  refused?: string;
  /** Set when the write is allowed but risky (failing or inconclusive health). */
  warning?: string;
}

/** What a bump (to the next ladder step, or `to`) or an abort would do, without writing. */
export function previewRollout(
  workspace: FeatureWorkspace,
  request: { key: string; action: 'bump' | 'abort'; to?: number; writesAllowed: boolean },
): RolloutPreview {
  const flag = workspace.flag(request.key);
  const health = workspace.health(request.key);
  const base = { key: request.key, health: health?.status ?? 'unknown', healthSummary: health?.summary || undefined };
  if (!flag) return { ...base, from: 'unknown', to: 'unknown', refused: `flag '${request.key}' is not defined in the rollout state` };
  const from = stageLabel(flag);
  let preview: RolloutPreview;
  if (request.action === 'abort') {
    preview = { ...base, from, to: 'off 0%' };
  } else {
    const target = request.to ?? nextRolloutStep(workspace.config.rollout.steps, flag);
    preview =
      target === undefined
        ? { ...base, from, to: from, refused: `'${flag.key}' is already at the last rollout step` }
        : { ...base, from, to: `${stageForPercentage(target, workspace.config.rollout.steps)} ${target}%` };
    if (target !== undefined && (target < 0 || target > 100)) preview.refused = `invalid target percentage ${target}`;
    if (!preview.refused && health?.status === 'failing') preview.warning = `health is failing: ${health.summary}`;
    else if (!preview.refused && health?.status === 'inconclusive') preview.warning = `health is inconclusive: ${health.summary}`;
  }
  if (!request.writesAllowed && !preview.refused) preview.refused = 'the workspace is not trusted: Flaglens makes no writes here';
  return preview;
}

/** The first ladder step above the flag's percentage (0 when off and not enabled); undefined at the top. */
export function nextRolloutStep(steps: number[], flag: FlagState): number | undefined {
  const current = flag.percentage ?? 0;
  return [...steps].sort((a, b) => a - b).find((step) => step > current);
}

function stageForPercentage(percentage: number, steps: number[]): Stage {
  if (percentage <= 0) return 'off';
  if (percentage >= 100) return 'released';
  return percentage <= Math.min(...steps) || percentage === [...steps].sort((a, b) => a - b)[0] ? 'canary' : 'rolling';
}
