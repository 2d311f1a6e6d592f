// Hover on a flag check (or on a flag's definition in a state file): key, stage and percentage on the
// rollout ladder, enabled, owner, type, age, release date, health with its evidence, whether a `flaglens
// watch` holds it, reference count, findings, links.
// Returns Markdown plus the link targets; the server turns targets into URIs (it owns URI conversion).
import type { SourceLocation } from '../model.js';
import { daysSince, ladderMarkdown, stageLabel, isStale, daysReleased } from './describe.js';
import { definitionOnLine, lineColumnAt, referenceAt, type FeatureWorkspace } from './workspaceView.js';
import { formatDuration } from '../health/advance.js';
import { describeWatchLease, isLeaseLive } from '../health/watchLease.js';

export interface FlagHover {
  key: string | null;
  /** Markdown without the links line (the server appends links, since they need URIs). */
  markdown: string;
  /** 0-based offsets of the hovered key expression or check, when hovering code. */
  range?: { start: number; end: number };
  /** Link targets: the definition in the state file, and the key for "show all references". */
  links: { definition?: SourceLocation; referencesOf?: string };
}

/** The hover at an offset of a file (code or state file); undefined when nothing flag-related is there. */
export function flagHover(workspace: FeatureWorkspace, file: string, text: string, offset: number): FlagHover | undefined {
  const reference = referenceAt(workspace, file, offset);
  if (reference) {
    const key = workspace.flagKeyOf(reference) ?? reference.key;
    const range = { start: reference.start, end: reference.end };
    if (key === null) {
      const reason = reference.unresolvedReason ? ` (${reference.unresolvedReason})` : '';
      return { key: null, markdown: `**flag** \`${reference.keyExpression}\`\n\nThe key cannot be resolved statically${reason}.`, range, links: {} };
    }
    return { ...describeFlag(workspace, key), range };
  }
  if (workspace.isStateFile(file)) {
    const flag = definitionOnLine(workspace, file, lineColumnAt(text, offset).line);
    if (flag) return describeFlag(workspace, flag.key);
  }
  return undefined;
}

/** The hover content for one flag key. */
export function describeFlag(workspace: FeatureWorkspace, key: string): FlagHover {
  const flag = workspace.flag(key);
  const referenceCount = workspace.referencesForKey(key).length;
  const referencesLine = workspace.indexComplete()
    ? `${referenceCount} reference${referenceCount === 1 ? '' : 's'} in the workspace`
    : `${referenceCount} reference${referenceCount === 1 ? '' : 's'} in open files (the workspace is still being indexed)`;
  const findings = workspace.findingsForKey(key).filter((finding) => !finding.suppressed);
  const findingLines = uniqueBy(findings, (finding) => `${finding.code} ${finding.message}`).map((finding) => `- ${finding.code}: ${finding.message}`);
  if (!flag) {
    const removed = workspace.snapshot().removedKeys.includes(key);
    const lines = [`**flag** \`${key}\` — ${removed ? 'removed from the state' : 'not defined in the rollout state'}`, '', referencesLine];
    if (findingLines.length) lines.push('', ...findingLines);
    return { key, markdown: lines.join('\n'), links: { referencesOf: key } };
  }
  const now = workspace.now();
  const lines: string[] = [];
  lines.push(`**flag** \`${key}\` — **${stageLabel(flag)}**${flag.enabled ? '' : ' (disabled)'}`);
  if (flag.percentage !== null) lines.push('', `rollout: ${ladderMarkdown(workspace.config.rollout.steps, flag.percentage)}`);
  const facts: string[] = [`enabled: ${flag.enabled ? 'yes' : 'no'}`];
  if (flag.owner) facts.push(`owner: ${flag.owner}`);
  if (flag.type) facts.push(`type: ${flag.type}`);
  const age = daysSince(flag.createdAt, now);
  if (age !== undefined) facts.push(`age: ${age}d`);
  lines.push('', facts.join(' · '));
  if (flag.releasedAt) {
    const released = daysSince(flag.releasedAt, now);
    const source = flag.releasedAtSource === 'unknown' ? '' : ` (from ${flag.releasedAtSource})`;
    const stale = isStale(workspace, flag) ? ` — **stale** (threshold ${workspace.staleReleasedDays()}d)` : '';
    lines.push('', `released since ${flag.releasedAt.slice(0, 10)}, ${released ?? daysReleased(flag, now) ?? '?'}d ago${source}${stale}`);
  }
  if (flag.abortedAt) lines.push('', `aborted ${flag.abortedAt.slice(0, 10)}${flag.abortReason ? `: ${flag.abortReason}` : ''}`);
  const health = workspace.health(key);
  if (health) {
    const shown = health.status === 'unavailable' && health.lastKnown ? health.lastKnown : health;
    const suffix = health.status === 'unavailable' && health.lastKnown ? ` (metrics unavailable; last known from ${health.lastKnown.evaluatedAt})` : '';
    const kept = health.providerErrors ? ` (Prometheus failed ${health.providerErrors.count} of ${health.providerErrors.limit} times in a row; verdict from ${health.evaluatedAt})` : '';
    lines.push('', `health: **${shown.status}**${shown.summary ? ` — ${shown.summary}` : ''}${suffix}${kept}`);
    for (const check of shown.checks) lines.push(`- ${check.passed === false ? '✗' : check.passed ? '✓' : '?'} ${check.message}`);
    const window = shown.checks.find((check) => check.comparison)?.comparison?.window;
    if (window) lines.push(window.source === 'step' ? `- window: since this step began (${window.since}, ${formatDuration(window.seconds)})` : `- window: the last ${window.range} (when this step began is not recorded)`);
  }
  const lease = workspace.watchLease?.(key);
  if (lease && isLeaseLive(lease, now)) lines.push('', `_${describeWatchLease(lease, now)}_`);
  lines.push('', referencesLine);
  if (findingLines.length) lines.push('', ...findingLines);
  const staleness = workspace.snapshot().staleness;
  if (staleness) lines.push('', `_state as of ${staleness.since}: ${staleness.reason}_`);
  if (flag.description) lines.push('', flag.description);
  return { key, markdown: lines.join('\n'), links: { definition: flag.definition, referencesOf: key } };
}

function uniqueBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
