// The flag-reference scanner: finds every flag check in a workspace (see docs/scanner.md).
// Public API: `scanWorkspace` for one-shot scans and `ScannerHost` for incremental use (language server).
// The design in one paragraph: read every source file, parse only those whose text mentions a trigger
// (an SDK package, a configured check, a name exported by a flag-related module), resolve keys and
// clients through other modules parsed lazily on demand, and remember who depended on whom.
import { posix, resolve as resolvePath } from 'node:path';
import type { FlaglensConfig } from '../config.js';
import type { FileSystem } from '../io.js';
import type { FlagReference, ScanFailure, ScanResult, SkippedFiles } from '../model.js';
import { analyzeModule, createSharedAnalysisCache, parseModule, reparseModule, type FileAnalysis, type ModuleStore, type ParsedModule } from './analyze.js';
import { SDK_SPECIFIER_PATTERN } from './presets.js';
import { ModuleResolver, type ResolvedImport } from './resolution/resolver.js';
import { isSourceFile, listWorkspaceFiles, readSourceText } from './walk.js';

export { toScanJson, formatScanText, type ScanJson } from './output.js';
export { ModuleResolver, isResolutionInput, type ResolvedImport } from './resolution/resolver.js';

export interface ScanOptions {
  /** Absolute workspace root. */
  root: string;
  config: FlaglensConfig;
  fs: FileSystem;
  /** Called as files are processed (for progress reporting). */
  onProgress?: (done: number, total: number) => void;
  /** Files read and filtered per batch before yielding to the event loop (default 200). */
  batchSize?: number;
}

/** Scans the whole workspace once. */
export async function scanWorkspace(options: ScanOptions): Promise<ScanResult> {
  const host = new ScannerHost(options);
  return host.indexWorkspace(options.onProgress);
}

/**
 * The incremental scanner: index once, then apply single-file changes; only files that depend on a
 * changed file (importers of a constants module, callers of a wrapper) are re-analysed.
 */
export class ScannerHost {
  private readonly root: string;
  private readonly resolver: ModuleResolver;
  /** Parsed modules, by absolute path (analysed files and modules parsed lazily to resolve keys). */
  private readonly modules = new Map<string, ParsedModule>();
  /** Texts given by the editor (analyzeFile/updateFile) that win over the disk. */
  private readonly overlays = new Map<string, string>();
  /** Absolute paths known to be deleted (updateFile with undefined). */
  private readonly deleted = new Set<string>();
  /** Analysed files' results, by absolute path. */
  private readonly analyses = new Map<string, FileAnalysis>();
  /** Reverse dependency graph: module → files whose analysis consulted it. */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly workspaceFiles = new Set<string>();
  private triggerNames = new Set<string>();
  private triggerPattern: RegExp | undefined;
  /** SDK package substrings and configured check names, as one pattern (faster than one search each). */
  private readonly staticTriggers: RegExp;
  private readonly store: ModuleStore;
  /** Distinct files parsed (a module dropped and parsed again counts once). */
  private readonly parsedPaths = new Set<string>();
  /** Set once indexWorkspace has finished. */
  private indexed = false;
  /** Cross-file analysis results (wrapper detection); cleared on every change. */
  private sharedCache = createSharedAnalysisCache();
  /** Files whose parse or analysis failed, with the reason; they have no references and the scan goes on. */
  private readonly failures = new Map<string, string>();
  /** During indexing: texts of files the prefilter passed over (read once, reused by lazy parses). */
  private pendingTexts: Map<string, string> | undefined;
  /** mayHoldChecks answers by path; cleared on every change. */
  private readonly mayHoldChecksCache = new Map<string, boolean>();
  private mayHoldChecksTriggerCount = 0;
  /** Every trigger name found so far, as one pattern (the round pattern holds only the newest). */
  private allTriggersPattern: RegExp | undefined;

  constructor(readonly options: ScanOptions) {
    this.root = normalizeRoot(options.root);
    this.resolver = new ModuleResolver(options.fs, this.root, (path) => (this.deleted.has(path) ? false : this.overlays.has(path) ? true : undefined));
    const customNames = options.config.checks.map((check) => {
      const name = check.kind === 'call' ? check.call : check.kind === 'property' ? check.property : check.jsx;
      // The first segment: `flagResolver.isEnabled` is written with `flagResolver` even when destructured
      // (`const { isEnabled } = flagResolver`), and it is rarer than the method name.
      return name.split('.')[0];
    });
    this.staticTriggers = new RegExp([SDK_SPECIFIER_PATTERN.source, ...customNames.map(escapeRegExp)].join('|'));
    this.store = {
      module: (path) => this.module(path),
      mayHoldChecks: (path) => this.mayHoldChecks(path),
      resolve: (from, specifier, mode) => this.resolver.resolveImport(from, specifier, mode),
    };
  }

  /** Indexes every file of the workspace; yields to the event loop between batches. */
  async indexWorkspace(onProgress?: (done: number, total: number) => void): Promise<ScanResult> {
    const started = performance.now();
    const listing = listWorkspaceFiles(this.options.fs, this.root, this.options.config.exclude);
    const skipped: SkippedFiles = { binary: 0, tooLarge: 0, unreadable: listing.unreadable, failed: 0 };
    const batchSize = this.options.batchSize ?? 200;
    // Texts of files the prefilter passed over: a later round may find a wrapper or client name in them.
    const pending = new Map<string, string>();
    this.pendingTexts = pending;
    const total = listing.files.length;
    let done = 0;
    for (let index = 0; index < listing.files.length; index += batchSize) {
      for (const path of listing.files.slice(index, index + batchSize)) {
        this.workspaceFiles.add(path);
        const text = this.overlays.get(path) ?? this.readText(path, skipped);
        if (text === undefined) continue;
        if (this.analyses.has(path) && !this.overlays.has(path)) continue;
        if (this.passesStaticPrefilter(text)) this.analyzePath(path, text);
        else pending.set(path, text);
      }
      done = Math.min(total, index + batchSize);
      onProgress?.(done, total);
      await yieldToEventLoop();
    }
    // Rounds: names exported by flag-related modules (clients, wrappers) pull in the files using them.
    for (let round = 0; round < 20 && pending.size > 0; round++) {
      const pattern = this.takeTriggerPattern();
      if (!pattern) break;
      let analysedInRound = 0;
      let sinceYield = 0;
      for (const [path, text] of pending) {
        if (!pattern.test(text)) continue;
        pending.delete(path);
        this.analyzePath(path, text);
        analysedInRound++;
        if (++sinceYield >= batchSize) {
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
      if (analysedInRound === 0 && !this.triggerPattern) break;
    }
    if (total === 0) onProgress?.(0, 0);
    this.pendingTexts = undefined;
    this.indexed = true;
    this.takeTriggerPattern();
    const failures = this.failedFiles();
    return {
      references: this.references(),
      files: total,
      parsedFiles: this.parsedPaths.size,
      skipped: { ...skipped, failed: failures.length },
      failures,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Files skipped because their analysis failed, with the reason (workspace-relative, sorted). */
  failedFiles(): ScanFailure[] {
    return [...this.failures].map(([path, reason]) => ({ file: this.relative(path), reason })).sort((a, b) => a.file.localeCompare(b.file));
  }

  /** Analyses one file now (an opened editor document), even before the workspace index is done. */
  analyzeFile(absPath: string, text: string): FlagReference[] {
    const path = normalizePath(absPath);
    this.setOverlay(path, text);
    return this.analyzePath(path, text).references;
  }

  /** Applies a file's new text (undefined: deleted). Returns the workspace-relative files whose references changed. */
  updateFile(absPath: string, text: string | undefined): string[] {
    const path = normalizePath(absPath);
    const existedBefore = this.modules.has(path) || this.workspaceFiles.has(path) || this.overlays.has(path);
    // Kept to re-parse incrementally (only the edited region is parsed again).
    const previousModule = this.modules.get(path);
    if (text === undefined) {
      this.overlays.delete(path);
      this.deleted.add(path);
      this.workspaceFiles.delete(path);
    } else {
      this.setOverlay(path, text);
      if (isSourceFile(path) && path.startsWith(`${this.root}/`)) this.workspaceFiles.add(path);
    }
    // A file appearing or disappearing changes how specifiers resolve.
    if (text === undefined || !existedBefore) this.resolver.clear();
    this.modules.delete(path);
    this.sharedCache = createSharedAnalysisCache();
    this.mayHoldChecksCache.clear();

    const affected = new Set<string>([path]);
    const queue = [path];
    while (queue.length) {
      const current = queue.pop()!;
      for (const dependent of this.dependents.get(current) ?? []) {
        if (!affected.has(dependent)) {
          affected.add(dependent);
          queue.push(dependent);
        }
      }
    }
    const changed: string[] = [];
    for (const file of affected) {
      const before = this.analyses.get(file);
      const beforeJson = before ? JSON.stringify(before.references) : '[]';
      if (file === path && text === undefined) {
        this.forget(file);
        if (before && before.references.length) changed.push(this.relative(file));
        continue;
      }
      if (file !== path && !this.analyses.has(file)) continue;
      const fileText = file === path ? text! : this.module(file)?.text;
      if (fileText === undefined) {
        this.forget(file);
        continue;
      }
      const after = this.analyzePath(file, fileText, file === path ? previousModule : undefined);
      if (JSON.stringify(after.references) !== beforeJson) changed.push(this.relative(file));
    }
    // The edit may have created a wrapper or client other files already call: look for its names in
    // the files the prefilter passed over (rare, and only after indexing; during indexing its rounds do it).
    if (this.indexed && this.triggerPattern) {
      const pattern = this.takeTriggerPattern()!;
      for (const file of this.workspaceFiles) {
        if (this.analyses.has(file)) continue;
        const fileText = this.overlays.get(file) ?? this.readText(file, { binary: 0, tooLarge: 0, unreadable: 0, failed: 0 });
        if (fileText === undefined || !pattern.test(fileText)) continue;
        if (this.analyzePath(file, fileText).references.length) changed.push(this.relative(file));
      }
    }
    return changed;
  }

  /**
   * A file module resolution reads changed (a tsconfig/jsconfig, a package.json, a workspace declaration):
   * every resolution is forgotten and every analysed file re-analysed. Returns the workspace-relative
   * files whose references changed.
   */
  resolutionInputChanged(): string[] {
    this.resolver.clear();
    this.sharedCache = createSharedAnalysisCache();
    this.mayHoldChecksCache.clear();
    const changed: string[] = [];
    for (const [path, before] of [...this.analyses]) {
      const text = this.overlays.get(path) ?? this.module(path)?.text;
      if (text === undefined) continue;
      const after = this.analyzePath(path, text);
      if (JSON.stringify(after.references) !== JSON.stringify(before.references)) changed.push(this.relative(path));
    }
    return changed;
  }

  /**
   * Where an import of `specifier` in `fromFile` (absolute) leads, with TypeScript's module resolution
   * (tsconfig paths, package exports, workspace packages without node_modules, build outputs mapped to
   * sources), or why it does not. For other parts that follow imports (cleanup's importer type check).
   */
  resolveImport(fromFile: string, specifier: string, mode: 'import' | 'require' = 'import'): ResolvedImport {
    return this.resolver.resolveImport(normalizePath(fromFile), specifier, mode);
  }

  /** All references currently known, ordered by file and position. */
  references(): FlagReference[] {
    const files = [...this.analyses.keys()].sort();
    const out: FlagReference[] = [];
    for (const file of files) out.push(...this.analyses.get(file)!.references);
    return out;
  }

  /** References in one workspace-relative file. */
  referencesInFile(file: string): FlagReference[] {
    return this.analyses.get(`${this.root}/${file}`)?.references ?? [];
  }

  // -------------------------------------------------------------------------------------------

  private relative(path: string): string {
    return path.startsWith(`${this.root}/`) ? path.slice(this.root.length + 1) : path;
  }

  private setOverlay(path: string, text: string): void {
    if (this.overlays.get(path) === text && this.modules.has(path)) return;
    this.overlays.set(path, text);
    this.deleted.delete(path);
    this.modules.delete(path);
    this.sharedCache = createSharedAnalysisCache();
    this.mayHoldChecksCache.clear();
  }

  private readText(path: string, skipped: SkippedFiles): string | undefined {
    const outcome = readSourceText(this.options.fs, path);
    if ('text' in outcome) return outcome.text;
    skipped[outcome.skipped]++;
    return undefined;
  }

  private passesStaticPrefilter(text: string): boolean {
    if (this.staticTriggers.test(text)) return true;
    return this.triggerPattern ? this.triggerPattern.test(text) : false;
  }

  /** The pattern of trigger names added since the last call (undefined when none). */
  private takeTriggerPattern(): RegExp | undefined {
    const pattern = this.triggerPattern;
    this.triggerPattern = undefined;
    return pattern;
  }

  private addTriggerNames(names: string[]): void {
    const fresh = names.filter((name) => name.length > 1 && !this.triggerNames.has(name));
    if (!fresh.length) return;
    for (const name of fresh) this.triggerNames.add(name);
    this.allTriggersPattern = new RegExp(`\\b(${[...this.triggerNames].map(escapeRegExp).join('|')})\\b`);
    const previous = this.triggerPattern ? this.triggerPattern.source.slice(3, -3) : '';
    const alternatives = fresh.map(escapeRegExp).join('|');
    this.triggerPattern = new RegExp(`\\b(${previous ? `${previous}|` : ''}${alternatives})\\b`);
  }

  /**
   * Parses (if needed) and analyses one file, updating results and the dependency graph. A failure (deeply nested
   * code exhausting the stack, a parser failure) skips this file with the reason and never the scan.
   */
  private analyzePath(path: string, text: string, previousModule?: ParsedModule): FileAnalysis {
    try {
      const analysis = this.analyzePathUnguarded(path, text, previousModule);
      this.failures.delete(path);
      return analysis;
    } catch (error) {
      this.forget(path);
      // A failure half-way may have left partial cross-file results behind.
      this.sharedCache = createSharedAnalysisCache();
      this.failures.set(path, describeAnalysisFailure(error));
      return { references: [], dependencies: new Set(), triggerNames: [] };
    }
  }

  private analyzePathUnguarded(path: string, text: string, previousModule?: ParsedModule): FileAnalysis {
    let module = this.modules.get(path);
    if (!module || module.text !== text) {
      module = previousModule && previousModule.text !== text ? reparseModule(previousModule, text) : parseModule(path, this.relative(path), text);
      this.modules.set(path, module);
      this.parsedPaths.add(path);
    }
    const analysis = analyzeModule(module, this.store, { customChecks: this.options.config.checks, shared: this.sharedCache });
    const previous = this.analyses.get(path);
    if (previous) for (const dependency of previous.dependencies) this.dependents.get(dependency)?.delete(path);
    for (const dependency of analysis.dependencies) {
      let set = this.dependents.get(dependency);
      if (!set) this.dependents.set(dependency, (set = new Set()));
      set.add(path);
    }
    this.analyses.set(path, analysis);
    this.addTriggerNames(analysis.triggerNames);
    // Syntax trees are large: keep only those other files resolve through (or likely will: modules
    // exporting clients or wrappers). Others are parsed again if ever needed.
    if (!analysis.triggerNames.length && !this.dependents.get(path)?.size && !this.overlays.has(path)) this.modules.delete(path);
    return analysis;
  }

  private forget(path: string): void {
    const previous = this.analyses.get(path);
    if (previous) for (const dependency of previous.dependencies) this.dependents.get(dependency)?.delete(path);
    this.analyses.delete(path);
    this.modules.delete(path);
  }

  /**
   * Whether a module could define a check or pass one on (see ModuleStore.mayHoldChecks), from its text:
   * the prefilter's own test (an SDK specifier, a configured check name, a trigger name found so far) or
   * a re-export. Negative answers are recomputed once new trigger names are known.
   */
  private mayHoldChecks(path: string): boolean {
    const cached = this.mayHoldChecksCache.get(path);
    if (cached === true || (cached === false && this.mayHoldChecksTriggerCount === this.triggerNames.size)) return cached;
    if (this.mayHoldChecksTriggerCount !== this.triggerNames.size) {
      // New trigger names: earlier negative answers may change.
      for (const [key, value] of this.mayHoldChecksCache) if (!value) this.mayHoldChecksCache.delete(key);
      this.mayHoldChecksTriggerCount = this.triggerNames.size;
    }
    let text = this.modules.get(path)?.text ?? this.overlays.get(path) ?? this.pendingTexts?.get(path);
    if (text === undefined && !this.deleted.has(path)) {
      const outcome = readSourceText(this.options.fs, path);
      text = 'text' in outcome ? outcome.text : undefined;
    }
    const answer = text !== undefined && (this.staticTriggers.test(text) || REEXPORT_PATTERN.test(text) || (this.allTriggersPattern?.test(text) ?? false));
    this.mayHoldChecksCache.set(path, answer);
    return answer;
  }

  /** A module by absolute path, parsed on first use (overlay text first, then disk). */
  private module(path: string): ParsedModule | undefined {
    const cached = this.modules.get(path);
    if (cached) return cached;
    if (this.deleted.has(path)) return undefined;
    // Texts read by the indexing pass are reused: each file is read from disk once.
    let text = this.overlays.get(path) ?? this.pendingTexts?.get(path);
    if (text === undefined) {
      const outcome = readSourceText(this.options.fs, path);
      if (!('text' in outcome)) return undefined;
      text = outcome.text;
    }
    let module: ParsedModule;
    try {
      module = parseModule(path, this.relative(path), text);
    } catch {
      // A module that cannot be parsed resolves nothing; the file itself reports the failure when analysed.
      return undefined;
    }
    this.modules.set(path, module);
    this.parsedPaths.add(path);
    return module;
  }
}

/** Why a file's analysis failed, in words for people. */
function describeAnalysisFailure(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'nested too deeply to analyse (the parser ran out of stack)';
  return `analysis failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
}

function normalizePath(path: string): string {
  return resolvePath(path).split('\\').join('/');
}

function normalizeRoot(root: string): string {
  const normalized = normalizePath(root);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : posix.normalize(normalized);
}

/** `export … from '…'` and `export * from`: a module that re-exports may pass on another module's accessor. */
const REEXPORT_PATTERN = /\bexport\s*(?:\*|\{[^}]*\}|type\s*\{[^}]*\})\s*(?:as\s+\w+\s*)?from\b/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
