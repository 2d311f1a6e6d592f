// The one place the host and the features reach into the rules (core/src/rules): findings for the whole workspace,
// the mapping of a reference's key (camelCase `useFlags()` keys) to the flag's real key, and the flag row type.
import type { FlaglensConfig } from '../config.js';
import type { Finding, FlagHealth, FlagReference, FlagState, StateSnapshot } from '../model.js';
import { computeFindings } from '../rules/findings.js';
import { matchReferenceKey } from '../rules/keys.js';

export { flagRowIdentity, type FlagOverview } from '../rules/summary.js';

export interface HostFindingsInput {
  references: FlagReference[];
  snapshot: StateSnapshot;
  config: FlaglensConfig;
  health: Map<string, FlagHealth>;
  now: Date;
  /** False while the workspace index runs: workspace-wide findings (FL004 unused) would be wrong then. */
  indexed: boolean;
  /** Text of a workspace-relative file (for suppression comments). */
  readFile(file: string): string | undefined;
}

export function computeHostFindings(input: HostFindingsInput): Finding[] {
  const findings = computeFindings({
    references: input.references,
    state: input.snapshot,
    config: input.config,
    clock: { now: () => input.now },
    health: input.health,
    readSource: input.readFile,
  });
  // Before the index is complete, "no reference anywhere" (FL004) and cross-file comparisons cannot be trusted.
  return input.indexed ? findings : findings.filter((finding) => finding.code !== 'FL004' && finding.code !== 'FL005');
}

/** The flag key a reference checks: its own key, or the flag whose camelCased key it is. */
export function mapReferenceKey(reference: FlagReference, flagsByKey: Map<string, FlagState>): string | null {
  return matchReferenceKey(reference, flagsByKey.keys());
}
