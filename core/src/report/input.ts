// What every report format reads: the findings, the per-flag overview and a few counts. A plain subset of
// `WorkspaceAnalysis`, so formats can be tested from hand-made data.
import type { Finding, InputError, Severity } from '../model.js';
import type { FlagOverview } from '../rules/index.js';
import { compareText } from '../collation.js';

export interface ReportInput {
  findings: Finding[];
  flags: FlagOverview[];
  /** Number of flags defined in the state. */
  flagCount: number;
  /** Number of flag checks found in code. */
  referenceCount: number;
  /** Files scanned. */
  fileCount: number;
  /** Problems reading the state (malformed flagd file…): shown as errors, with positions. */
  stateErrors: InputError[];
  /** Set when the state is a last-known snapshot (source unreachable). */
  staleness?: { since: string; reason: string };
  /**
   * False when no flag definitions were found at all (no flagd file, no provider, nothing unreadable): the
   * report then says which rules are off (`noDefinitionsNotice`). Absent counts as found.
   */
  definitionsFound?: boolean;
  /**
   * The workspace folder relative to the repository root (`packages/web`), when it is not the root: SARIF and
   * GitHub annotations need repository-relative paths, while the other formats stay workspace-relative.
   */
  repositoryPath?: string;
}

/** A workspace-relative path as seen from the repository root; absolute paths are returned unchanged. */
export function repositoryRelativePath(input: Pick<ReportInput, 'repositoryPath'>, file: string): string {
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return file;
  const prefix = (input.repositoryPath ?? '').replace(/\\/g, '/').replace(/^\.\/?|\/+$/g, '');
  return prefix ? `${prefix}/${file}` : file;
}

export interface SeverityCounts {
  error: number;
  warning: number;
  info: number;
  suppressed: number;
}

/** Counts unsuppressed findings by severity; state errors count as errors. */
export function countFindings(input: Pick<ReportInput, 'findings' | 'stateErrors'>): SeverityCounts {
  const counts: SeverityCounts = { error: input.stateErrors.length, warning: 0, info: 0, suppressed: 0 };
  for (const finding of input.findings) {
    if (finding.suppressed) counts.suppressed++;
    else counts[finding.severity]++;
  }
  return counts;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Flags whose unsuppressed findings ask for action, most urgent first (errors, then warnings, then info). */
export function flagsNeedingAttention(flags: FlagOverview[], findings: Finding[]): FlagOverview[] {
  const worst = new Map<string, number>();
  for (const finding of findings) {
    if (finding.suppressed || finding.key === null) continue;
    const rank = SEVERITY_ORDER[finding.severity];
    worst.set(finding.key, Math.min(rank, worst.get(finding.key) ?? 3));
  }
  return flags.filter((flag) => worst.has(flag.key)).sort((a, b) => worst.get(a.key)! - worst.get(b.key)! || compareText(a.key, b.key));
}

/** Codes that mean "this flag should leave the code": stale, removed, expired. */
export const REMOVAL_CODES = ['FL001', 'FL002', 'FL008'] as const;

/** The report input of a workspace analysis (structurally: `WorkspaceAnalysis` from workspace.ts). */
export function reportInputFrom(analysis: {
  findings: Finding[];
  flags: FlagOverview[];
  state: { flags: unknown[]; removedKeys?: unknown[]; errors: InputError[]; staleness?: { since: string; reason: string } };
  scan: { references: unknown[]; files: number };
}): ReportInput {
  return {
    definitionsFound: analysis.state.flags.length > 0 || (analysis.state.removedKeys?.length ?? 0) > 0 || analysis.state.errors.length > 0,
    findings: analysis.findings,
    flags: analysis.flags,
    flagCount: analysis.state.flags.length,
    referenceCount: analysis.scan.references.length,
    fileCount: analysis.scan.files,
    stateErrors: analysis.state.errors,
    staleness: analysis.state.staleness,
  };
}
