// The per-flag table of `flaglens flags` and of the text report's "flags needing attention", with each
// rollout's health verdict and its evidence below the table.
import { ruleDescription } from '../rules/index.js';
import type { FlagOverview } from '../rules/index.js';
import type { FlagHealth } from '../model.js';

export interface FlagsTableOptions {
  /** Adds each finding's short name after its code (`FL001 stale`). */
  describeFindings?: boolean;
  /** Indentation of every line. */
  indent?: string;
}

/** `rolling 50%`, `released`, `targeted`, `off`. */
export function describeFlagStage(flag: Pick<FlagOverview, 'stage' | 'percentage'>): string {
  if ((flag.stage === 'canary' || flag.stage === 'rolling') && flag.percentage !== null) return `${flag.stage} ${flag.percentage}%`;
  return flag.stage;
}

/** `227 days ago (2026-04-14)`, or `—`. */
export function describeReleased(flag: Pick<FlagOverview, 'releasedAt' | 'releasedDays'>): string {
  if (!flag.releasedAt) return '—';
  const date = flag.releasedAt.slice(0, 10);
  if (flag.releasedDays === undefined) return date;
  return `${date} (${flag.releasedDays}d ago)`;
}

const SHORT_NAMES: Record<string, string> = {
  FL001: 'stale',
  FL002: 'removed',
  FL003: 'unknown',
  FL004: 'unused',
  FL005: 'defaults differ',
  FL006: 'unhealthy',
  FL007: 'unresolved',
  FL008: 'expired',
  FL009: 'potentially stale',
};

export function shortFindingName(code: string): string {
  return SHORT_NAMES[code] ?? ruleDescription(code as never)?.name ?? code;
}

export function formatFlagsTable(flags: FlagOverview[], options: FlagsTableOptions = {}): string {
  const indent = options.indent ?? '';
  // The HEALTH column appears when some flag has a verdict; the evidence follows the table, one line per flag.
  const withHealth = flags.some((flag) => flag.health);
  const header = ['FLAG', 'STAGE', 'OWNER', 'AGE', 'RELEASED', 'CHECKS', ...(withHealth ? ['HEALTH'] : []), 'FINDINGS'];
  const rows = flags.map((flag) => [
    flag.key,
    describeFlagStage(flag),
    flag.owner ?? '—',
    flag.ageDays === undefined ? '—' : `${flag.ageDays}d`,
    describeReleased(flag),
    String(flag.references),
    ...(withHealth ? [flag.health?.status ?? '—'] : []),
    flag.findings.length ? flag.findings.map((code) => (options.describeFindings ? `${code} ${shortFindingName(code)}` : code)).join(', ') : '—',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => indent + cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ');
  const evidence = flags.filter((flag) => flag.health && flag.health.status !== 'unknown').map((flag) => `${indent}${flag.key}: ${describeHealthEvidence(flag.health!)}`);
  return [line(header), ...rows.map(line), ...(evidence.length ? ['', ...evidence] : [])].join('\n') + '\n';
}

/** `failing — error-rate 2.1% vs 0.3% control (…)`, with the last real verdict when Prometheus is failing. */
export function describeHealthEvidence(health: FlagHealth): string {
  const kept = health.providerErrors ? ` (kept: Prometheus failed ${health.providerErrors.count} of ${health.providerErrors.limit} times in a row)` : '';
  const last = health.status === 'unavailable' && health.lastKnown ? `; last known (${health.lastKnown.evaluatedAt}): ${health.lastKnown.status} — ${health.lastKnown.summary}` : '';
  return `${health.status} — ${health.summary}${kept}${last}`;
}
