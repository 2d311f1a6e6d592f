// The one place the host calls the rules (core/src/rules): findings for the whole workspace and the
// mapping of a reference's key (camelCase `useFlags()` keys) to the flag's real key.
import type { FlaglensConfig } from '../config.js';
import type { Finding, FlagHealth, FlagReference, FlagState, StateSnapshot } from '../model.js';

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
  void input;
  return [];
}

/** The flag key a reference checks: its own key, or the flag whose camelCased key it is. */
export function mapReferenceKey(reference: FlagReference, flagsByKey: Map<string, FlagState>): string | null {
  if (reference.key === null) return null;
  if (reference.keyStyle !== 'camelCase' || flagsByKey.has(reference.key)) return reference.key;
  for (const key of flagsByKey.keys()) if (camelCase(key) === reference.key) return key;
  return reference.key;
}

function camelCase(key: string): string {
  return key.replace(/[-_.\s]+(.)?/g, (_match, char: string | undefined) => (char ? char.toUpperCase() : ''));
}
