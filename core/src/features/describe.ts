// Short, shared wording for a flag's state (`canary 10%`, the ladder `1 → **10** → 50 → 100`, ages),
// used by hover, inlay hints, code lenses, completion details and the client's flag list.
import type { FlagState } from '../model.js';
import type { FeatureWorkspace } from './workspaceView.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `canary 10%`, `released 100%`, `targeted (rules)`, `off`. */
export function stageLabel(flag: FlagState): string {
  if (flag.percentage === null) return flag.stage === 'targeted' ? 'targeted (rules)' : flag.stage;
  if (flag.stage === 'off' && flag.percentage === 0) return 'off';
  return `${flag.stage} ${flag.percentage}%`;
}

/** The rollout ladder with this flag's place in bold: `1 → **10** → 50 → 100` (between steps: `10 → **25** → 50`). */
export function ladderMarkdown(steps: number[], percentage: number | null): string {
  const ladder = [...new Set(steps)].sort((a, b) => a - b);
  if (percentage !== null && !ladder.includes(percentage)) ladder.push(percentage);
  ladder.sort((a, b) => a - b);
  return ladder.map((step) => (step === percentage ? `**${step}**` : String(step))).join(' → ');
}

/** Whole days between an ISO date and now; undefined when the date is missing or invalid. */
export function daysSince(iso: string | null | undefined, now: Date): number | undefined {
  if (!iso) return undefined;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return undefined;
  return Math.max(0, Math.floor((now.getTime() - time) / DAY_MS));
}

/** Days a released flag has been at 100% beyond nothing: undefined unless released with a known date. */
export function daysReleased(flag: FlagState, now: Date): number | undefined {
  return flag.stage === 'released' ? daysSince(flag.releasedAt, now) : undefined;
}

/** Stale: released for at least the configured days, or flagged FL001 by the rules. */
export function isStale(workspace: FeatureWorkspace, flag: FlagState): boolean {
  if (workspace.findingsForKey(flag.key).some((finding) => finding.code === 'FL001' && !finding.suppressed)) return true;
  if (workspace.config.stale.lifetimes[flag.type ?? 'release'] === null) return false;
  const days = daysReleased(flag, workspace.now());
  return days !== undefined && flag.enabled && days >= workspace.staleReleasedDays();
}

/** The inline label after a check: `canary 10% · healthy`, `released 100% · stale 41d`, `unknown flag`. */
export function inlineLabel(workspace: FeatureWorkspace, key: string | null): string {
  if (key === null) return 'unresolved flag key';
  const flag = workspace.flag(key);
  if (!flag) return workspace.snapshot().removedKeys.includes(key) ? 'removed flag' : 'unknown flag';
  const parts = [stageLabel(flag)];
  const health = workspace.health(key);
  if (health && health.status !== 'unknown') parts.push(health.status);
  if (isStale(workspace, flag)) {
    const days = daysReleased(flag, workspace.now());
    parts.push(days === undefined ? 'stale' : `stale ${days}d`);
  }
  return parts.join(' · ');
}
