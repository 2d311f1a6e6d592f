// One row per flag (defined, removed or unknown-but-referenced): stage, percentage, owner, age, release
// date, check sites and finding codes. Used by `flaglens flags`, the text/markdown reports and the editor's tree view.
import type { Clock } from '../io.js';
import type { Finding, FindingCode, FlagHealth, FlagReference, FlagState, FlagType, SourceLocation, Stage, StateSnapshot } from '../model.js';
import { daysSince, resolveReferenceKeys, type ResolvedReference } from './findings.js';

export interface FlagOverview {
  key: string;
  /**
   * `unknown`: referenced in code but not in the flag definitions (FL003); `undefined`: referenced in code while no
   * flag definitions were found at all (nothing to compare with).
   */
  stage: Stage | 'unknown' | 'undefined';
  percentage: number | null;
  enabled: boolean;
  owner?: string;
  type?: FlagType;
  createdAt?: string;
  /** Days since createdAt, when known. */
  ageDays?: number;
  releasedAt: string | null;
  /** Days since releasedAt, when known. */
  releasedDays?: number;
  expiresAt?: string;
  /** Number of check sites in code. */
  references: number;
  /** The check sites (workspace-relative positions of the key expressions). */
  locations: SourceLocation[];
  /** Distinct codes of the unsuppressed findings on this flag, sorted. */
  findings: FindingCode[];
  /** Where the flag is defined (state file), when known. */
  definition?: SourceLocation;
  provider?: string;
  /** The live health verdict with its evidence, for flags being rolled out when metrics are configured. */
  health?: FlagHealth;
}

export interface SummarizeFlagsInput {
  state: StateSnapshot;
  references: FlagReference[] | ResolvedReference[];
  findings: Finding[];
  clock: Clock;
  /** Health per flag key (live metrics), shown with its evidence. */
  health?: ReadonlyMap<string, FlagHealth>;
}

/** Flags in the state's order, then removed and unknown keys referenced in code, alphabetically. */
export function summarizeFlags(input: SummarizeFlagsInput): FlagOverview[] {
  const now = input.clock.now();
  const resolved = isResolved(input.references) ? input.references : resolveReferenceKeys(input.references, input.state);
  const locationsByKey = new Map<string, SourceLocation[]>();
  for (const { reference, flagKey } of resolved) {
    if (flagKey === null) continue;
    const location: SourceLocation = { file: reference.file, line: reference.line, column: reference.column, endLine: reference.endLine, endColumn: reference.endColumn };
    locationsByKey.set(flagKey, [...(locationsByKey.get(flagKey) ?? []), location]);
  }
  const codesByKey = new Map<string, Set<FindingCode>>();
  for (const finding of input.findings) {
    if (finding.key === null || finding.suppressed) continue;
    if (!codesByKey.has(finding.key)) codesByKey.set(finding.key, new Set());
    codesByKey.get(finding.key)!.add(finding.code);
  }
  const codesOf = (key: string) => [...(codesByKey.get(key) ?? [])].sort();

  const rows: FlagOverview[] = input.state.flags.map((flag) => ({
    ...flagRowIdentity(flag),
    createdAt: flag.createdAt,
    ageDays: daysSince(flag.createdAt, now),
    releasedAt: flag.releasedAt,
    releasedDays: daysSince(flag.releasedAt, now),
    expiresAt: flag.expiresAt,
    references: locationsByKey.get(flag.key)?.length ?? 0,
    locations: locationsByKey.get(flag.key) ?? [],
    findings: codesOf(flag.key),
    definition: flag.definition,
    provider: flag.provider,
    ...(input.health?.has(flag.key) ? { health: input.health.get(flag.key) } : {}),
  }));
  const defined = new Set(input.state.flags.map((flag) => flag.key));
  const removed = new Set(input.state.removedKeys);
  const undefinedKeys = [...locationsByKey.keys()].filter((key) => !defined.has(key)).sort();
  const noDefinitions = input.state.flags.length === 0 && removed.size === 0 && input.state.errors.length === 0;
  for (const key of undefinedKeys) {
    rows.push({
      key,
      stage: removed.has(key) ? 'removed' : noDefinitions ? 'undefined' : 'unknown',
      percentage: null,
      enabled: false,
      releasedAt: null,
      references: locationsByKey.get(key)!.length,
      locations: locationsByKey.get(key)!,
      findings: codesOf(key),
    });
  }
  return rows;
}

/** The fields every flag row starts with, as the state has them (the report rows and the editor's flag list). */
export function flagRowIdentity(flag: FlagState): Pick<FlagOverview, 'key' | 'stage' | 'percentage' | 'enabled' | 'owner' | 'type'> {
  return { key: flag.key, stage: flag.stage, percentage: flag.percentage, enabled: flag.enabled, owner: flag.owner, type: flag.type };
}

function isResolved(references: FlagReference[] | ResolvedReference[]): references is ResolvedReference[] {
  return references.length > 0 && 'reference' in references[0];
}
