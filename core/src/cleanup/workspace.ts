// Cleanup of whole flags across a workspace, as the CLI runs it: for each flag, scan (over the changes
// already accepted for earlier flags), plan the removal, type-check it, and accept it only when it adds no
// type error; then drop the flag's definition from the state file when its code is fully cleaned.
// The result is the combined change per file, to print as a diff or write atomically.
import { join, relative } from 'node:path';
import type { FlaglensConfig } from '../config.js';
import type { FileSystem } from '../io.js';
import type { FlagState, StateSnapshot } from '../model.js';
import { resolveReferenceKeys } from '../rules/findings.js';
import { scanWorkspace } from '../scanner/index.js';
import { isSourceFile, listWorkspaceFiles } from '../scanner/walk.js';
import { removeFlagDefinition } from './definition.js';
import { planFlagRemoval, type FileChange, type FlagRemovalPlan, type FlagRemovalRequest, type FlagValue, type SiteOutcome } from './plan.js';
import { parseSource } from './simplify.js';
import { formatChangedRanges, type RangeFormatter } from './format.js';
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
  /** Absolute tsconfig path for the type check; default: each file's nearest tsconfig.json. */
  tsconfigPath?: string;
  /** The workspace's formatter for the changed ranges of source files (none: the minimal edits as they are). */
  formatter?: RangeFormatter;
}

export type DefinitionOutcome = { file: string; status: 'removed' } | { file?: string; status: 'kept'; reason: string };

export interface FlagCleanupResult {
  key: string;
  value?: FlagValue;
  /** Absent when no value could be decided (the flag is neither released nor removed, and none was given). */
  plan?: FlagRemovalPlan;
  /**
   * The type errors the rewrite of some sites would add: those sites were left as written (skipped with the
   * error as the reason) and the others proceeded. When `accepted` is false the whole flag was refused.
   */
  typeErrors: TypeDiagnostic[];
  accepted: boolean;
  definition?: DefinitionOutcome;
  /** Why nothing was planned (no value, …). */
  error?: string;
}

export interface WorkspaceCleanupResult {
  flags: FlagCleanupResult[];
  /** The combined accepted change per file (source and state files), against the files on disk. */
  changes: FileChange[];
}

/** Plans (never writes) the removal of each flag, one after the other. */
export async function planWorkspaceCleanup(options: WorkspaceCleanupOptions): Promise<WorkspaceCleanupResult> {
  const overlay = new Map<string, string>();
  const fs = overlayFileSystem(options.fs, options.root, overlay);
  const readRelative = (file: string): string | undefined => {
    try {
      return fs.readFile(join(options.root, file));
    } catch {
      return undefined;
    }
  };
  // Every source file, flaglens.yaml's excludes included (tests excluded from the scan still import the
  // cleaned modules): they are searched for uses of wrappers and constants, and type-checked as importers.
  const workspaceFiles = listWorkspaceFiles(options.fs, options.root, [])
    .files.filter((file) => isSourceFile(file))
    .map((file) => relative(options.root, file).split('\\').join('/'));
  const results: FlagCleanupResult[] = [];
  for (const request of options.flags) {
    const flag = options.state.flags.find((candidate) => candidate.key === request.key);
    const value = request.value ?? defaultFlagValue(flag, options.state.removedKeys.includes(request.key));
    if (value === undefined) {
      results.push({ key: request.key, typeErrors: [], accepted: false, error: `flag '${request.key}' is ${flag ? flag.stage : 'not in the rollout state'}: give its final value with --value` });
      continue;
    }
    const scan = await scanWorkspace({ root: options.root, config: options.config, fs });
    const references = resolveReferenceKeys(scan.references, options.state).map(({ reference, flagKey }) => ({ ...reference, key: flagKey ?? reference.key }));
    const { plan, typeErrors, accepted } = planWithPerSiteRefusal({ key: request.key, value, references, readFile: readRelative, workspaceFiles }, (changes) =>
      changes.size ? checkChangeTypes(changes, { root: options.root, fs, workspaceFiles, tsconfigPath: options.tsconfigPath }).introduced : [],
    );
    const codeChanges = new Map(plan.changes.map((change) => [change.file, change.after]));
    const result: FlagCleanupResult = { key: request.key, value, plan, typeErrors, accepted };
    if (accepted) {
      for (const [file, text] of codeChanges) overlay.set(file, text);
      result.definition = removeDefinition(options, flag, plan, readRelative, overlay);
    }
    results.push(result);
  }
  const changes: FileChange[] = [];
  for (const [file, after] of [...overlay].sort(([a], [b]) => a.localeCompare(b))) {
    const before = options.fs.readFile(join(options.root, file));
    if (before === after) continue;
    const change: FileChange = { file, before, after, edits: computeTextEdits(before, after) };
    changes.push(options.formatter && isSourceFile(file) ? await formatChangedRanges(change, options.formatter) : change);
  }
  return { flags: results, changes };
}

/** Rounds of refusing sites before the whole flag is refused (each round is one more type check). */
const MAX_REFUSAL_ROUNDS = 4;

/**
 * Plans, type-checks, and leaves byte-identical each site whose rewrite adds a type error (an error in the
 * site's file is the rewrite of the nearest rewritten site before it in the same top-level statement, or the
 * nearest one), then plans again without it, until the change adds no error. An error that no site of its
 * file can be blamed for (it is in an importer) refuses the whole flag, as does one that survives the rounds.
 */
export function planWithPerSiteRefusal(
  request: FlagRemovalRequest,
  introducedErrors: (changes: ReadonlyMap<string, string>) => TypeDiagnostic[],
): { plan: FlagRemovalPlan; typeErrors: TypeDiagnostic[]; accepted: boolean } {
  const refused: { file: string; checkStart: number; reason: string }[] = [];
  const typeErrors: TypeDiagnostic[] = [];
  for (let round = 0; ; round++) {
    const plan = planFlagRemoval({ ...request, refusedSites: refused });
    const errors = introducedErrors(new Map(plan.changes.map((change) => [change.file, change.after])));
    if (errors.length === 0) return { plan, typeErrors, accepted: true };
    const blamed = new Map<SiteOutcome, TypeDiagnostic>();
    for (const error of errors) {
      const site = blameSite(plan, error, request.readFile(error.file));
      if (site && !blamed.has(site)) blamed.set(site, error);
    }
    if (blamed.size === 0 || round === MAX_REFUSAL_ROUNDS) {
      typeErrors.push(...errors);
      return { plan: planFlagRemoval({ ...request, refusedSites: refused }), typeErrors, accepted: false };
    }
    for (const [site, error] of blamed) {
      typeErrors.push(error);
      refused.push({ file: site.file, checkStart: site.checkStart, reason: `its rewrite adds a type error: ${error.file}:${error.line}:${error.column}: TS${error.code}: ${error.message.split('\n')[0]}` });
    }
  }
}

function blameSite(plan: FlagRemovalPlan, error: TypeDiagnostic, text: string | undefined): SiteOutcome | undefined {
  const candidates = plan.sites.filter((site) => site.status === 'rewritten' && site.file === error.file);
  if (candidates.length === 0 || text === undefined) return undefined;
  const lines = text.split('\n');
  let offset = error.column - 1;
  for (let line = 0; line < error.line - 1 && line < lines.length; line++) offset += lines[line]!.length + 1;
  const sourceFile = parseSource(error.file, text);
  const statementOf = (position: number) => sourceFile.statements.find((statement) => statement.pos <= position && position < statement.end);
  const sameStatement = candidates.filter((site) => statementOf(site.checkStart) === statementOf(offset) && site.checkStart <= offset);
  if (sameStatement.length) return sameStatement.reduce((best, site) => (site.checkStart > best.checkStart ? site : best));
  return candidates.reduce((best, site) => (Math.abs(site.checkStart - offset) < Math.abs(best.checkStart - offset) ? site : best));
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
function overlayFileSystem(base: FileSystem, root: string, overlay: Map<string, string>): FileSystem {
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
