// Cleanup of whole flags across a workspace, as the CLI runs it: for each flag, scan (over the changes
// already accepted for earlier flags), plan the removal, type-check it, and accept it only when it adds no
// type error; then drop the flag's definition from the state file when its code is fully cleaned.
// The result is the combined change per file, to print as a diff or write atomically.
import { join, relative } from 'node:path';
import type { FlaglensConfig } from '../config.js';
import type { FileSystem, Timers } from '../io.js';
import type { FlagState, StateSnapshot } from '../model.js';
import { resolveReferenceKeys } from '../rules/findings.js';
import { scanWorkspace } from '../scanner/index.js';
import { isSourceFile, listWorkspaceFiles } from '../scanner/walk.js';
import { removeFlagDefinition } from './definition.js';
import { planFlagRemoval, type FileChange, type FlagRemovalPlan, type FlagValue } from './plan.js';
import { applyTextEdits, computeTextEdits } from './textEdits.js';
import { checkChangeTypes, type TypeDiagnostic } from './typecheck.js';

export interface WorkspaceCleanupOptions {
  /** Absolute workspace root. */
  root: string;
  fs: FileSystem;
  config: FlaglensConfig;
  state: StateSnapshot;
  /** The flags to remove, in order; a missing value is taken from the state (see `defaultFlagValue`). */
  flags: { key: string; value?: FlagValue }[];
  /** Keep the flags' definitions in the state file. */
  keepDefinition?: boolean;
  /** Absolute tsconfig path for the type check; default `<root>/tsconfig.json` when present. */
  tsconfigPath?: string;
  timers: Pick<Timers, 'monotonicMs'>;
}

export type DefinitionOutcome = { file: string; status: 'removed' } | { file?: string; status: 'kept'; reason: string };

export interface FlagCleanupResult {
  key: string;
  value?: FlagValue;
  /** Absent when no value could be decided (the flag is neither released nor removed, and none was given). */
  plan?: FlagRemovalPlan;
  /** New type errors the change would introduce; non-empty means it was not accepted. */
  typeErrors: TypeDiagnostic[];
  accepted: boolean;
  definition?: DefinitionOutcome;
  /** Why nothing was planned (no value, …). */
  error?: string;
}

/** A file the cleanup could not analyse (nested too deeply): left as it is, with the reason. */
export interface SkippedCleanupFile {
  file: string;
  reason: string;
}

export interface WorkspaceCleanupResult {
  flags: FlagCleanupResult[];
  /** The combined accepted change per file (source and state files), against the files on disk. */
  changes: FileChange[];
  /** Files not analysed (the scanner skipped them): they stay as they are and may still check a flag. */
  skippedFiles: SkippedCleanupFile[];
}

/** Plans (never writes) the removal of each flag, one after the other. */
export async function planWorkspaceCleanup(options: WorkspaceCleanupOptions): Promise<WorkspaceCleanupResult> {
  const overlay = new Map<string, string>();
  const fs = overlayFileSystem(options.fs, options.root, overlay);
  /** Files the scanner could not analyse: the planner must not parse them either (their stack would overflow again). */
  const unanalysable = new Map<string, string>();
  const readRelative = (file: string): string | undefined => {
    if (unanalysable.has(file)) return undefined;
    try {
      return fs.readFile(join(options.root, file));
    } catch {
      return undefined;
    }
  };
  // Every source file, flaglens.yaml's excludes included (tests excluded from the scan still import the
  // cleaned modules): they are searched for uses of wrappers and constants, and type-checked as importers.
  const allWorkspaceFiles = listWorkspaceFiles(options.fs, options.root, [])
    .files.filter((file) => isSourceFile(file))
    .map((file) => relative(options.root, file).split('\\').join('/'));
  let workspaceFiles = allWorkspaceFiles;
  const results: FlagCleanupResult[] = [];
  for (const request of options.flags) {
    const flag = options.state.flags.find((candidate) => candidate.key === request.key);
    const value = request.value ?? defaultFlagValue(flag, options.state.removedKeys.includes(request.key));
    if (value === undefined) {
      results.push({ key: request.key, typeErrors: [], accepted: false, error: `flag '${request.key}' is ${flag ? flag.stage : 'not in the rollout state'}: give its final value with --value` });
      continue;
    }
    const scan = await scanWorkspace({ root: options.root, config: options.config, fs });
    for (const failure of scan.failures) unanalysable.set(failure.file, failure.reason);
    workspaceFiles = allWorkspaceFiles.filter((file) => !unanalysable.has(file));
    const references = resolveReferenceKeys(scan.references, options.state).map(({ reference, flagKey }) => ({ ...reference, key: flagKey ?? reference.key }));
    let plan: FlagRemovalPlan;
    try {
      plan = planFlagRemoval({ key: request.key, value, references, readFile: readRelative, workspaceFiles });
    } catch (error) {
      // One flag's planning failing (a file shape that defeats a guard) must not stop the others.
      const reason = error instanceof RangeError ? 'the code is nested too deeply to rewrite safely' : (error instanceof Error ? error.message : String(error)).split('\n')[0];
      results.push({ key: request.key, value, typeErrors: [], accepted: false, error: `not planned: ${reason}` });
      continue;
    }
    const codeChanges = new Map(plan.changes.map((change) => [change.file, change.after]));
    const typeCheck = codeChanges.size
      ? checkChangeTypes(codeChanges, { root: options.root, fs, workspaceFiles, tsconfigPath: options.tsconfigPath, timers: options.timers })
      : { introduced: [] as TypeDiagnostic[] };
    const accepted = typeCheck.introduced.length === 0;
    const result: FlagCleanupResult = { key: request.key, value, plan, typeErrors: typeCheck.introduced, accepted };
    if (accepted) {
      for (const [file, text] of codeChanges) overlay.set(file, text);
      result.definition = unanalysable.size
        ? flag?.definition?.file
          ? { file: flag.definition.file, status: 'kept', reason: `${[...unanalysable.keys()].join(', ')} could not be analysed and may still check the flag` }
          : undefined
        : removeDefinition(options, flag, plan, readRelative, overlay);
    }
    results.push(result);
  }
  const changes: FileChange[] = [];
  for (const [file, after] of [...overlay].sort(([a], [b]) => a.localeCompare(b))) {
    const before = options.fs.readFile(join(options.root, file));
    if (before !== after) changes.push({ file, before, after, edits: computeTextEdits(before, after) });
  }
  const skippedFiles = [...unanalysable].map(([file, reason]) => ({ file, reason })).sort((a, b) => a.file.localeCompare(b.file));
  return { flags: results, changes, skippedFiles };
}

/**
 * The value a flag has for everyone: `on` (or its default variant's value) once released, `off` once
 * aborted, archived or removed; undefined while it is still being rolled out.
 */
export function defaultFlagValue(flag: FlagState | undefined, removed: boolean): FlagValue | undefined {
  if (!flag) return removed ? false : undefined;
  if (flag.stage === 'released') {
    const variant = flag.defaultVariant === undefined ? undefined : flag.variants[flag.defaultVariant];
    if (flag.valueType && flag.valueType !== 'boolean' && (typeof variant === 'string' || typeof variant === 'number')) return variant;
    return true;
  }
  if (flag.stage === 'archived' || flag.stage === 'removed' || (flag.stage === 'off' && flag.abortedAt)) return false;
  return undefined;
}

function removeDefinition(
  options: WorkspaceCleanupOptions,
  flag: FlagState | undefined,
  plan: FlagRemovalPlan,
  read: (file: string) => string | undefined,
  overlay: Map<string, string>,
): DefinitionOutcome | undefined {
  const file = flag?.definition?.file;
  if (!file) return undefined;
  if (options.keepDefinition) return { file, status: 'kept', reason: '--keep-definition' };
  if (plan.status !== 'cleaned' && plan.status !== 'no-references') return { file, status: 'kept', reason: 'the code still checks the flag at skipped sites' };
  const text = read(file);
  if (text === undefined) return { file, status: 'kept', reason: 'the state file cannot be read' };
  const removal = removeFlagDefinition(text, plan.key);
  if ('error' in removal) return { file, status: 'kept', reason: removal.error };
  overlay.set(file, applyTextEdits(text, [removal.edit]));
  return { file, status: 'removed' };
}

/** The workspace as it will be: planned texts (workspace-relative keys) over the real files. */
export function overlayFileSystem(base: FileSystem, root: string, overlay: Map<string, string>): FileSystem {
  const lookup = (path: string): string | undefined => {
    const file = relative(root, path).split('\\').join('/');
    return file.startsWith('..') ? undefined : overlay.get(file);
  };
  return {
    readFile: (path) => lookup(path) ?? base.readFile(path),
    readFileBytes: (path) => {
      const text = lookup(path);
      return text === undefined ? base.readFileBytes(path) : new TextEncoder().encode(text);
    },
    readDirectory: (path) => base.readDirectory(path),
    stat: (path) => {
      const stat = base.stat(path);
      const text = lookup(path);
      return text === undefined ? stat : { ...stat, size: new TextEncoder().encode(text).length, mtimeMs: stat.mtimeMs + 1 };
    },
    realpath: (path) => base.realpath(path),
    exists: (path) => base.exists(path),
  };
}
