// Cleanup of whole flags across a workspace, as the CLI runs it: one scan, a plan per flag over the texts
// the earlier flags left, one type check of the combined change (sites whose rewrite adds an error are
// refused and the plans made again); then each fully cleaned flag's definition goes from the state file.
// The result is the combined change per file, to print as a diff or write atomically.
import { join, relative } from 'node:path';
import type { FlaglensConfig } from '../config.js';
import type { FileSystem, Timers } from '../io.js';
import type { FlagReference, FlagState, ScanResult, StateSnapshot } from '../model.js';
import { resolveReferenceKeys } from '../rules/findings.js';
import { scanWorkspace } from '../scanner/index.js';
import { isSourceFile, listWorkspaceFiles } from '../scanner/walk.js';
import { removeFlagDefinition } from './definition.js';
import { planFlagRemoval, type FileChange, type FlagRemovalPlan, type FlagRemovalRequest, type FlagValue, type SiteOutcome } from './plan.js';
import { mapOffset, parseSource } from './simplify.js';
import { formatChangedRanges, type RangeFormatter } from './format.js';
import { applyTextEdits, computeTextEdits, type TextEdit } from './textEdits.js';
import { checkChangeTypes, type TypeDiagnostic } from './typecheck.js';
import { compareText } from '../collation.js';

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
  timers: Pick<Timers, 'monotonicMs'>;
  /** The scan of the workspace as it is on disk, when the caller has one (the CLI's analysis): not scanned again. */
  scan?: Pick<ScanResult, 'references' | 'failures'>;
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

/**
 * Plans (never writes) the removal of every flag: one scan of the workspace, each flag planned over the texts
 * the flags before it left (their check positions mapped through those edits), then one type check of the
 * combined change, each affected project once. A site whose rewrite adds an error is refused and the plans
 * are made again without it (see `planWithPerSiteRefusal` for the blame).
 */
export async function planWorkspaceCleanup(options: WorkspaceCleanupOptions): Promise<WorkspaceCleanupResult> {
  /** Files the scanner could not analyse: the planner must not parse them either (their stack would overflow again). */
  const unanalysable = new Map<string, string>();
  const readOriginal = (file: string): string | undefined => {
    if (unanalysable.has(file)) return undefined;
    try {
      return options.fs.readFile(join(options.root, file));
    } catch {
      return undefined;
    }
  };
  // Every source file, flaglens.yaml's excludes included (tests excluded from the scan still import the
  // cleaned modules): they are searched for uses of wrappers and constants, and type-checked as importers.
  const allWorkspaceFiles = listWorkspaceFiles(options.fs, options.root, [])
    .files.filter((file) => isSourceFile(file))
    .map((file) => relative(options.root, file).split('\\').join('/'));
  const results = new Map<string, FlagCleanupResult>();
  const requests: { key: string; value: FlagValue; flag: FlagState | undefined }[] = [];
  for (const request of options.flags) {
    const flag = options.state.flags.find((candidate) => candidate.key === request.key);
    const value = request.value ?? defaultFlagValue(flag, options.state.removedKeys.includes(request.key));
    if (value === undefined) {
      results.set(request.key, { key: request.key, typeErrors: [], accepted: false, error: `flag '${request.key}' is ${flag ? flag.stage : 'not in the rollout state'}: give its final value with --value` });
    } else requests.push({ key: request.key, value, flag });
  }
  const scan = options.scan ?? (requests.length ? await scanWorkspace({ root: options.root, config: options.config, fs: options.fs }) : { references: [], failures: [] });
  for (const failure of scan.failures) unanalysable.set(failure.file, failure.reason);
  const workspaceFiles = allWorkspaceFiles.filter((file) => !unanalysable.has(file));
  const references = resolveReferenceKeys(scan.references, options.state).map(({ reference, flagKey }) => ({ ...reference, key: flagKey ?? reference.key }));

  // Refused sites by flag, by their position in the files on disk; flags refused as a whole.
  const refused = new Map<string, { file: string; originalStart: number; reason: string }[]>();
  const typeErrors = new Map<string, TypeDiagnostic[]>();
  const wholeRefused = new Set<string>();
  const notPlanned = new Map<string, string>();
  let overlay = new Map<string, string>();
  let plans = new Map<string, { plan: FlagRemovalPlan; originalStartOf: Map<string, number> }>();
  for (let round = 0; ; round++) {
    overlay = new Map();
    plans = new Map();
    for (const request of requests) {
      if (wholeRefused.has(request.key)) continue;
      const read = (file: string) => overlay.get(file) ?? readOriginal(file);
      const originalStartOf = new Map<string, number>();
      const mapped = mapReferencesThroughOverlay(references.filter((reference) => reference.key === request.key), overlay, readOriginal, originalStartOf);
      const refusedSites = (refused.get(request.key) ?? []).flatMap((site) => {
        const current = [...originalStartOf].find(([id, start]) => start === site.originalStart && id.startsWith(`${site.file}\0`));
        return current ? [{ file: site.file, checkStart: Number(current[0].split('\0')[1]), reason: site.reason }] : [];
      });
      let plan: FlagRemovalPlan;
      try {
        plan = planFlagRemoval({ key: request.key, value: request.value, references: mapped, readFile: read, workspaceFiles, refusedSites });
      } catch (error) {
        // One flag's planning failing (a file shape that defeats a guard) must not stop the others.
        const reason = error instanceof RangeError ? 'the code is nested too deeply to rewrite safely' : (error instanceof Error ? error.message : String(error)).split('\n')[0];
        notPlanned.set(request.key, `not planned: ${reason}`);
        continue;
      }
      for (const change of plan.changes) overlay.set(change.file, change.after);
      plans.set(request.key, { plan, originalStartOf });
    }
    const errors = overlay.size ? checkChangeTypes(overlay, { root: options.root, fs: options.fs, workspaceFiles, tsconfigPath: options.tsconfigPath, timers: options.timers }).introduced : [];
    if (errors.length === 0) break;
    let blamedAny = false;
    for (const error of errors) {
      const blame = blameSiteAcrossPlans(plans, error, readOriginal(error.file));
      if (!blame) continue;
      blamedAny = true;
      const list = refused.get(blame.key) ?? [];
      if (list.some((site) => site.file === blame.site.file && site.originalStart === blame.originalStart)) continue;
      list.push({ file: blame.site.file, originalStart: blame.originalStart, reason: refusalReason(error) });
      refused.set(blame.key, list);
      typeErrors.set(blame.key, [...(typeErrors.get(blame.key) ?? []), error]);
    }
    if (!blamedAny || round === MAX_REFUSAL_ROUNDS) {
      // Errors no site can be blamed for (in an importer): the flag whose change brings them is refused whole,
      // found by checking the flags' changes cumulatively, in order; failing that, every flag that changed code.
      const culprit = round < MAX_REFUSAL_ROUNDS ? firstFlagBringing(errors, plans, (changes) => checkChangeTypes(changes, { root: options.root, fs: options.fs, workspaceFiles, tsconfigPath: options.tsconfigPath, timers: options.timers }).introduced) : undefined;
      for (const [key, { plan }] of plans) {
        if (plan.changes.length === 0 || (culprit !== undefined && key !== culprit)) continue;
        wholeRefused.add(key);
        typeErrors.set(key, [...(typeErrors.get(key) ?? []), ...errors]);
      }
    }
  }
  for (const request of requests) {
    const failure = notPlanned.get(request.key);
    if (failure) {
      results.set(request.key, { key: request.key, value: request.value, typeErrors: [], accepted: false, error: failure });
      continue;
    }
    const planned = plans.get(request.key);
    const accepted = !wholeRefused.has(request.key);
    const plan = planned?.plan ?? planFlagRemoval({ key: request.key, value: request.value, references: [], readFile: readOriginal });
    const result: FlagCleanupResult = { key: request.key, value: request.value, plan, typeErrors: typeErrors.get(request.key) ?? [], accepted };
    if (accepted) {
      result.definition = unanalysable.size
        ? request.flag?.definition?.file
          ? { file: request.flag.definition.file, status: 'kept', reason: `${[...unanalysable.keys()].join(', ')} could not be analysed and may still check the flag` }
          : undefined
        : removeDefinition(options, request.flag, plan, (file) => overlay.get(file) ?? readOriginal(file), overlay);
    }
    results.set(request.key, result);
  }
  const orderedResults = options.flags.map((request) => results.get(request.key)!);
  const changes: FileChange[] = [];
  for (const [file, after] of [...overlay].sort(([a], [b]) => compareText(a, b))) {
    const before = options.fs.readFile(join(options.root, file));
    if (before === after) continue;
    const change: FileChange = { file, before, after, edits: computeTextEdits(before, after) };
    changes.push(options.formatter && isSourceFile(file) ? await formatChangedRanges(change, options.formatter) : change);
  }
  const skippedFiles = [...unanalysable].map(([file, reason]) => ({ file, reason })).sort((a, b) => compareText(a.file, b.file));
  return { flags: orderedResults, changes, skippedFiles };
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
      refused.push({ file: site.file, checkStart: site.checkStart, reason: refusalReason(error) });
    }
  }
}

/**
 * The first flag (in planning order) whose change, together with the changes of the flags before it, brings
 * one of `errors`; undefined when only one flag changed code (it is the one) or none can be told apart.
 */
function firstFlagBringing(
  errors: TypeDiagnostic[],
  plans: ReadonlyMap<string, { plan: FlagRemovalPlan }>,
  introducedErrors: (changes: ReadonlyMap<string, string>) => TypeDiagnostic[],
): string | undefined {
  const changing = [...plans].filter(([, { plan }]) => plan.changes.length > 0);
  if (changing.length < 2) return undefined;
  const signatures = new Set(errors.map((error) => `${error.file}\0${error.code}\0${error.message}`));
  const cumulative = new Map<string, string>();
  for (const [key, { plan }] of changing.slice(0, -1)) {
    for (const change of plan.changes) cumulative.set(change.file, change.after);
    if (introducedErrors(cumulative).some((error) => signatures.has(`${error.file}\0${error.code}\0${error.message}`))) return key;
  }
  return changing[changing.length - 1]![0];
}

function refusalReason(error: TypeDiagnostic): string {
  return `its rewrite adds a type error: ${error.file}:${error.line}:${error.column}: TS${error.code}: ${error.message.split('\n')[0]}`;
}

/**
 * A flag's references with their offsets mapped through the edits earlier flags made to their files;
 * a check inside code an earlier flag removed is gone. `originalStartOf` gets `file\0mappedStart` → start on disk.
 */
function mapReferencesThroughOverlay(
  references: FlagReference[],
  overlay: ReadonlyMap<string, string>,
  readOriginal: (file: string) => string | undefined,
  originalStartOf: Map<string, number>,
): FlagReference[] {
  const editsByFile = new Map<string, TextEdit[]>();
  const mapped: FlagReference[] = [];
  for (const reference of references) {
    const current = overlay.get(reference.file);
    if (current === undefined) {
      originalStartOf.set(`${reference.file}\0${reference.checkStart}`, reference.checkStart);
      mapped.push(reference);
      continue;
    }
    if (!editsByFile.has(reference.file)) editsByFile.set(reference.file, computeTextEdits(readOriginal(reference.file) ?? '', current));
    const edits = editsByFile.get(reference.file)!;
    const [start, end, checkStart, checkEnd] = [reference.start, reference.end, reference.checkStart, reference.checkEnd].map((offset) => mapOffset(offset, edits));
    if (start === undefined || end === undefined || checkStart === undefined || checkEnd === undefined) continue;
    originalStartOf.set(`${reference.file}\0${checkStart}`, reference.checkStart);
    mapped.push({ ...reference, start, end, checkStart, checkEnd });
  }
  return mapped;
}

/** The rewritten site (of any flag) to blame for an error, by the positions on disk (see `blameSite`). */
function blameSiteAcrossPlans(
  plans: ReadonlyMap<string, { plan: FlagRemovalPlan; originalStartOf: Map<string, number> }>,
  error: TypeDiagnostic,
  text: string | undefined,
): { key: string; site: SiteOutcome; originalStart: number } | undefined {
  const candidates: { key: string; site: SiteOutcome; originalStart: number }[] = [];
  for (const [key, { plan, originalStartOf }] of plans) {
    for (const site of plan.sites) {
      const originalStart = originalStartOf.get(`${site.file}\0${site.checkStart}`);
      if (site.status === 'rewritten' && site.file === error.file && originalStart !== undefined) candidates.push({ key, site, originalStart });
    }
  }
  const byStart = new Map(candidates.map((candidate) => [candidate.originalStart, candidate]));
  const chosen = blameOffset([...byStart.keys()], error, text);
  return chosen === undefined ? undefined : byStart.get(chosen);
}

function blameSite(plan: FlagRemovalPlan, error: TypeDiagnostic, text: string | undefined): SiteOutcome | undefined {
  const candidates = plan.sites.filter((site) => site.status === 'rewritten' && site.file === error.file);
  const chosen = blameOffset(candidates.map((site) => site.checkStart), error, text);
  return candidates.find((site) => site.checkStart === chosen);
}

/**
 * Of the check offsets in the error's file, the one whose rewrite caused it: the last one before the error in
 * the same top-level statement, else the nearest.
 */
function blameOffset(starts: number[], error: TypeDiagnostic, text: string | undefined): number | undefined {
  if (starts.length === 0 || text === undefined) return undefined;
  const lines = text.split('\n');
  let offset = error.column - 1;
  for (let line = 0; line < error.line - 1 && line < lines.length; line++) offset += lines[line]!.length + 1;
  const sourceFile = parseSource(error.file, text);
  const statementOf = (position: number) => sourceFile.statements.find((statement) => statement.pos <= position && position < statement.end);
  const sameStatement = starts.filter((start) => statementOf(start) === statementOf(offset) && start <= offset);
  if (sameStatement.length) return Math.max(...sameStatement);
  return starts.reduce((best, start) => (Math.abs(start - offset) < Math.abs(best - offset) ? start : best));
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
