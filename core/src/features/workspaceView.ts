// The read-only view of an analysed workspace that every IDE feature works on. `FlaglensHost`
// (core/src/host.ts) implements it; features stay pure functions of this view plus a file and an offset.
import type { FlaglensConfig } from '../config.js';
import type { WatchLease } from '../health/watchLease.js';
import type { Finding, FlagHealth, FlagReference, FlagState, InputError, StateSnapshot } from '../model.js';

export interface FeatureWorkspace {
  readonly config: FlaglensConfig;
  /** Days after release before a flag counts as stale (settings override or flaglens.yaml). */
  staleReleasedDays(): number;
  now(): Date;
  flags(): FlagState[];
  flag(key: string): FlagState | undefined;
  /** The snapshot the flags come from (staleness, removed keys). */
  snapshot(): StateSnapshot;
  allReferences(): FlagReference[];
  referencesInFile(file: string): FlagReference[];
  /** References whose key maps to this flag (camelCase keys included). */
  referencesForKey(key: string): FlagReference[];
  /** The flag key a reference checks, after mapping key styles; null when unresolved. */
  flagKeyOf(reference: FlagReference): string | null;
  findingsInFile(file: string): Finding[];
  findingsForKey(key: string): Finding[];
  health(key: string): FlagHealth | undefined;
  /** The lease of a `flaglens watch` on this flag, when one was found (live or expired: check `isLeaseLive`). */
  watchLease?(key: string): WatchLease | undefined;
  /** Problems reading config or state files, for diagnostics in those files. */
  inputErrorsInFile(file: string): InputError[];
  /** True for flagd definition files the state comes from. */
  isStateFile(file: string): boolean;
  /** False while the workspace index runs: workspace-wide counts cover the open documents only. */
  indexComplete(): boolean;
  /** Current text of a workspace-relative file: the editor buffer when open, else the file on disk. */
  sourceText(file: string): string | undefined;
}

/** 0-based offset → 1-based line and column (UTF-16), as the model counts. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** 1-based line and column → 0-based offset, clamped to the text. */
export function offsetAt(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const limit = lineEnd === -1 ? text.length : lineEnd;
  return Math.min(offset + Math.max(0, column - 1), limit);
}

/** The check under an offset: the innermost reference whose check span contains it. */
export function referenceAt(workspace: FeatureWorkspace, file: string, offset: number): FlagReference | undefined {
  let best: FlagReference | undefined;
  for (const reference of workspace.referencesInFile(file)) {
    const inKey = offset >= reference.start && offset <= reference.end;
    const inCheck = offset >= reference.checkStart && offset <= reference.checkEnd;
    if (!inKey && !inCheck) continue;
    if (inKey) return reference;
    if (!best || reference.checkEnd - reference.checkStart < best.checkEnd - best.checkStart) best = reference;
  }
  return best;
}

/** The flag defined on a line of a state file (1-based line), for hover and references there. */
export function definitionOnLine(workspace: FeatureWorkspace, file: string, line: number): FlagState | undefined {
  const inFile = workspace.flags().filter((flag) => flag.definition?.file === file);
  return (
    inFile.find((flag) => flag.definition!.line === line) ??
    inFile.find((flag) => flag.definition!.line <= line && line <= (flag.definition!.endLine ?? flag.definition!.line))
  );
}

/** The flag key at a position: from a check in code, or from a definition in a state file. */
export function flagKeyAtPosition(workspace: FeatureWorkspace, file: string, text: string, offset: number): string | undefined {
  const reference = referenceAt(workspace, file, offset);
  if (reference) return workspace.flagKeyOf(reference) ?? reference.key ?? undefined;
  if (workspace.isStateFile(file)) return definitionOnLine(workspace, file, lineColumnAt(text, offset).line)?.key;
  return undefined;
}
