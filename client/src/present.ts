// How the client words and orders flags: tree-row descriptions, stage grouping, health icons, the
// status-bar text, and which bump refusals may be forced. Plain functions over protocol data with no
// `vscode` import, so they are unit-tested directly (test/client/present.test.ts).
import type { FlagSummary, FolderFlags } from '../../protocol/src/index.js';

/** Stages in rollout order; stages from other providers follow alphabetically. */
export const STAGE_ORDER = ['canary', 'rolling', 'targeted', 'released', 'off', 'archived', 'removed'];

/** `10% · failing · stale · FL001`: percentage (or stage), health when known, stale marker, finding codes. */
export function describeFlag(flag: FlagSummary): string {
  const parts = [flag.percentage === null ? flag.stage : `${flag.percentage}%`];
  // "unknown" is the norm without metrics: say nothing rather than repeat it on every row.
  if (flag.health !== 'unknown') parts.push(flag.health);
  if (flag.stale) parts.push('stale');
  if (flag.findings.length) parts.push(flag.findings.join(' '));
  return parts.join(' · ');
}

/** The codicon for a health status. */
export function healthIconId(health: string): string {
  switch (health) {
    case 'healthy':
      return 'pass';
    case 'failing':
      return 'error';
    case 'inconclusive':
      return 'question';
    case 'unavailable':
      return 'debug-disconnect';
    default:
      return 'circle-large-outline';
  }
}

/** Flags grouped by stage, stages in rollout order, flags by key. */
export function groupFlagsByStage(flags: readonly FlagSummary[]): Array<{ stage: string; flags: FlagSummary[] }> {
  const byStage = new Map<string, FlagSummary[]>();
  for (const flag of flags) {
    const list = byStage.get(flag.stage) ?? [];
    list.push(flag);
    byStage.set(flag.stage, list);
  }
  const rank = (stage: string) => {
    const index = STAGE_ORDER.indexOf(stage);
    return index === -1 ? STAGE_ORDER.length : index;
  };
  return [...byStage.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([stage, list]) => ({ stage, flags: [...list].sort((x, y) => x.key.localeCompare(y.key)) }));
}

/**
 * The Flags view's top level: the stage groups of the only folder, or (a workspace of several folders) one group
 * per folder, in the workspace's order, each holding its own stage groups.
 */
export type FlagsViewRoots =
  | { grouped: false; stages: Array<{ stage: string; flags: FlagSummary[] }> }
  | { grouped: true; folders: Array<{ folder: FolderFlags; description: string; stages: Array<{ stage: string; flags: FlagSummary[] }> }> };

export function flagsViewRoots(folders: readonly FolderFlags[]): FlagsViewRoots {
  if (folders.length <= 1) return { grouped: false, stages: groupFlagsByStage(folders[0]?.flags ?? []) };
  return {
    grouped: true,
    folders: folders.map((folder) => ({ folder, description: describeFolder(folder), stages: groupFlagsByStage(folder.flags) })),
  };
}

/** `3 flags · 1 stale`: a folder row's description. */
export function describeFolder(folder: FolderFlags): string {
  const parts = [folder.flags.length ? `${folder.flags.length} flag${folder.flags.length === 1 ? '' : 's'}` : 'no flags'];
  if (folder.attention.stale) parts.push(`${folder.attention.stale} stale`);
  if (folder.attention.unhealthy) parts.push(`${folder.attention.unhealthy} unhealthy`);
  return parts.join(' · ');
}

export interface StatusBarContent {
  visible: boolean;
  text: string;
  tooltip: string;
  /** Unhealthy rollouts get the warning background. */
  warning: boolean;
}

/**
 * The status-bar item: hidden without flags; the counts that need attention, else the flag count — over every
 * folder, with one line per folder in the tooltip when the workspace has several.
 */
export function statusBarContent(flagCount: number, attention: { stale: number; unhealthy: number }, folders: readonly FolderFlags[] = []): StatusBarContent {
  if (flagCount === 0) return { visible: false, text: '', tooltip: '', warning: false };
  const content = statusBarTotals(flagCount, attention);
  if (folders.length <= 1) return content;
  return { ...content, tooltip: `${content.tooltip}\n${folders.map((folder) => `${folder.name}: ${describeFolder(folder)}`).join('\n')}` };
}

function statusBarTotals(flagCount: number, attention: { stale: number; unhealthy: number }): StatusBarContent {
  const parts: string[] = [];
  if (attention.stale) parts.push(`${attention.stale} stale`);
  if (attention.unhealthy) parts.push(`${attention.unhealthy} unhealthy`);
  const flags = `${flagCount} flag${flagCount === 1 ? '' : 's'}`;
  return parts.length
    ? { visible: true, text: `$(flag) ${parts.join(' · ')}`, tooltip: `Flaglens: ${parts.join(', ')} of ${flags} need attention — show flags`, warning: attention.unhealthy > 0 }
    : { visible: true, text: `$(flag) ${flagCount}`, tooltip: `Flaglens: ${flags}, none needs attention — show flags`, warning: false };
}

/**
 * A refusal the user may override with force: the health guard (core's RolloutRefusedError reason
 * `unhealthy`, raised for failing or inconclusive metrics). Conflicts, invalid values and untrusted
 * workspaces are never forced.
 */
export function isHealthRefusal(reason: string): boolean {
  return /unhealthy|failing|inconclusive/i.test(reason);
}

/**
 * Protocol traces (`flaglens.trace.server: verbose`) print each message's params; the setSecrets
 * notification carries provider tokens, so its params are replaced before the line is written.
 */
export function redactSecretsInTrace(text: string): string {
  if (!text.includes('flaglens/setSecrets')) return text;
  const firstLineEnd = text.indexOf('\n');
  return `${firstLineEnd === -1 ? text : text.slice(0, firstLineEnd)}${firstLineEnd === -1 ? '' : '\nParams: (redacted: tokens and trust state)'}`;
}
