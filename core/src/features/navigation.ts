// Go to definition (a key → its definition in the state file), find references (from any check or from
// the definition), and workspace symbols for flags. Results are model locations (workspace-relative).
import type { SourceLocation } from '../model.js';
import { stageLabel } from './describe.js';
import { flagKeyAtPosition, type FeatureWorkspace } from './workspaceView.js';
import { compareText } from '../collation.js';

/** The state-file definition of the flag at an offset; undefined when none is known. */
export function flagDefinition(workspace: FeatureWorkspace, file: string, text: string, offset: number): SourceLocation | undefined {
  const key = flagKeyAtPosition(workspace, file, text, offset);
  return key === undefined ? undefined : workspace.flag(key)?.definition;
}

/** Every check of the flag at an offset (plus its definition when asked); undefined when no flag is there. */
export function flagReferences(
  workspace: FeatureWorkspace,
  file: string,
  text: string,
  offset: number,
  options: { includeDefinition: boolean },
): SourceLocation[] | undefined {
  const key = flagKeyAtPosition(workspace, file, text, offset);
  if (key === undefined) return undefined;
  return referencesOfKey(workspace, key, options);
}

/** Every check of a flag key (plus its definition when asked). */
export function referencesOfKey(workspace: FeatureWorkspace, key: string, options: { includeDefinition: boolean }): SourceLocation[] {
  const locations: SourceLocation[] = workspace.referencesForKey(key).map((reference) => ({
    file: reference.file,
    line: reference.line,
    column: reference.column,
    endLine: reference.endLine,
    endColumn: reference.endColumn,
    start: reference.start,
    end: reference.end,
  }));
  const definition = workspace.flag(key)?.definition;
  if (options.includeDefinition && definition) locations.unshift(definition);
  return locations;
}

export interface FlagSymbol {
  key: string;
  /** `canary 10%`, for the symbol's container name. */
  detail: string;
  location: SourceLocation;
}

/** Flags whose key contains the query (case-insensitive, subsequence match), at their definition or first check. */
export function flagSymbols(workspace: FeatureWorkspace, query: string): FlagSymbol[] {
  const needle = query.toLowerCase();
  const symbols: FlagSymbol[] = [];
  for (const flag of workspace.flags()) {
    if (!isSubsequence(needle, flag.key.toLowerCase())) continue;
    const location = flag.definition ?? referencesOfKey(workspace, flag.key, { includeDefinition: false })[0];
    if (location) symbols.push({ key: flag.key, detail: stageLabel(flag), location });
  }
  return symbols.sort((a, b) => compareText(a.key, b.key));
}

function isSubsequence(needle: string, haystack: string): boolean {
  let index = 0;
  for (const char of haystack) if (index < needle.length && char === needle[index]) index++;
  return index === needle.length;
}
