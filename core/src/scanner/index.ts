// The flag-reference scanner: finds every flag check in a workspace (see docs/scanner.md).
// Public API: `scanWorkspace` for one-shot scans and `ScannerHost` for incremental use (language server).
// The design in one paragraph: read every source file, parse only those whose text can hold a check (an SDK
// import, a configured check's words, a name exported by a flag-related module; prefilter.ts), keep only a word
// fingerprint of the others, resolve keys and clients through other modules parsed lazily on demand, and
// remember who depended on whom.
import { posix, resolve as resolvePath } from 'node:path';
import type { FlaglensConfig } from '../config.js';
import { describeReadError, systemClock, type Clock, type FileStat, type FileSystem } from '../io.js';
import type { FlagReference, ScanCacheReport, ScanFailure, ScanResult, SkippedFiles } from '../model.js';
import type { FileAnalysis, ModuleStore, ParsedModule, SharedAnalysisCache } from './analyze.js';
import { REEXPORT_PATTERN, StaticPrefilter, TriggerNameSet, fingerprintWords, mentionsName, type WordFingerprint } from './prefilter.js';
import { resolutionInputsUnchanged, type ResolutionInputs } from './resolution/cachedFileSystem.js';
import type { ts } from '../typescript.js';
import { ModuleResolver, type ResolvedImport } from './resolution/resolver.js';
import { ABSENT_HASH, contentHash, decodeScanCache, encodeScanCache, scanCacheIdentity, type CachedFile, type ScanCacheIdentity, type ScanCacheStore } from './scanCache.js';
import { TimeSlicer, type TimeSliceOptions } from './timeSlices.js';
import { MAX_FILE_BYTES, isSourceFile, listWorkspaceFilesInSteps, readSourceText } from './walk.js';
import type { WalkMemo } from '../workspaceFiles.js';
import { compareText } from '../collation.js';

export { toScanJson, formatScanText, type ScanJson } from './output.js';
export { ModuleResolver, isResolutionInput, type ResolvedImport } from './resolution/resolver.js';
export { defaultScanCacheDirectory, fileScanCacheStore, scanCacheStoreFor, type ScanCacheRequest, type ScanCacheStore } from './scanCache.js';

export interface ScanOptions {
  /** Absolute workspace root. */
  root: string;
  config: FlaglensConfig;
  fs: FileSystem;
  /** Called as files are processed (for progress reporting). */
  onProgress?: (done: number, total: number) => void;
  /** Stops the scan: it rejects with the signal's reason at its next check-in (within one slice). */
  signal?: AbortSignal;
  /** How the index shares the event loop: slice length (default 8 ms of work between turns) and clock. */
  slices?: Omit<TimeSliceOptions, 'signal'>;
  /**
   * The persistent cache (see scanCache.ts): an index starts from what it says about unchanged files and writes
   * it again when anything changed. Without it nothing is kept between runs.
   */
  cache?: ScanCacheStore;
  /** The real-time clock recent modification times are judged by (default: the system clock; never a pinned evaluation date). */
  clock?: Clock;
}

/** Options of one `indexWorkspace` run. */
export interface IndexOptions {
  /** Files read so far and the total, reported at every turn the index gives the event loop and at the end. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Cancels the run: `indexWorkspace` rejects with `signal.reason` at its next check-in (the index checks in
   * between folders and files, so within one slice). A cancelled host keeps what it analysed; calling
   * `indexWorkspace` again finishes the job with the same result as an uncancelled run.
   */
  signal?: AbortSignal;
  /**
   * With a cache: write it at the end when anything changed (default true). An editor that must not block its event
   * loop passes false and calls `saveCache()` when it is idle (writing encodes the whole cache and fsyncs it).
   */
  writeCache?: boolean;
}

/** Scans the whole workspace once. */
export async function scanWorkspace(options: ScanOptions): Promise<ScanResult> {
  const host = new ScannerHost(options);
  return host.indexWorkspace({ onProgress: options.onProgress, signal: options.signal });
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
  /** Module → files whose lookups for checks refused to open it (it could hold none when asked). */
  private readonly refusedBy = new Map<string, Set<string>>();
  /** How many trigger names there were when refused modules were last looked at again. */
  private triggerCountAtLastRepeat = 0;
  private readonly workspaceFiles = new Set<string>();
  /** What the prefilter learnt from each workspace file's text when it was read (the text itself is not kept). */
  private readonly prefilterFacts = new Map<string, PrefilterFacts>();
  /** Workspace files read and passed over: each may still name a trigger name found later. */
  private readonly passedOver = new Set<string>();
  /** Every trigger name found so far, and those not yet looked for in the files passed over. */
  private readonly triggerNames = new Set<string>();
  private allTriggers = new TriggerNameSet([]);
  private freshTriggerNames: string[] = [];
  private readonly prefilter: StaticPrefilter;
  private readonly store: ModuleStore;
  /** Distinct files parsed (a module dropped and parsed again counts once). */
  private readonly parsedPaths = new Set<string>();
  /** Set once indexWorkspace has finished. */
  private indexed = false;
  /** Cross-file analysis results (wrapper detection); dropped on every change (made again when next needed). */
  private sharedCache: SharedAnalysisCache | undefined;
  /** Files whose parse or analysis failed, with the reason; they have no references and the scan goes on. */
  private readonly failures = new Map<string, string>();
  /** mayHoldChecks answers by path; cleared on every change. */
  private readonly mayHoldChecksCache = new Map<string, boolean>();
  private mayHoldChecksTriggerCount = 0;
  /** Files read a second time: passed over when first read, parsed later (a lazy module, a later trigger name). */
  private rereads = 0;
  /** Trigger names whose mention was checked on a file's text (a fingerprint "maybe"), and the answer. */
  private readonly mentions = new Map<string, Map<string, boolean>>();
  /** The persistent cache's state for this host (only with `options.cache`). */
  private readonly caching: CacheState | undefined;

  constructor(readonly options: ScanOptions) {
    this.root = normalizeRoot(options.root);
    this.resolver = new ModuleResolver(options.fs, this.root, (path) => (this.deleted.has(path) ? false : this.overlays.has(path) ? true : undefined));
    this.prefilter = new StaticPrefilter(options.config.checks);
    this.caching = options.cache ? new CacheState(options.cache, scanCacheIdentity(this.root, options.config)) : undefined;
    this.store = {
      module: (path) => this.module(path),
      mayHoldChecks: (path) => this.mayHoldChecks(path),
      resolve: (from, specifier, mode) => this.resolver.resolveImport(from, specifier, mode),
    };
  }

  /**
   * Indexes every file of the workspace. Time-sliced: it gives the event loop a turn whenever a slice's time
   * (8 ms by default) of walking, reading or analysing is used up, so requests are answered meanwhile. Accepts
   * the progress callback alone, or `IndexOptions` with a cancellation signal.
   */
  async indexWorkspace(progressOrOptions?: ((done: number, total: number) => void) | IndexOptions): Promise<ScanResult> {
    const options: IndexOptions = typeof progressOrOptions === 'function' ? { onProgress: progressOrOptions } : (progressOrOptions ?? {});
    const { onProgress } = options;
    const slicer = new TimeSlicer({ ...this.options.slices, signal: options.signal });
    const started = performance.now();
    const cache = this.caching;
    cache?.readPrevious(this.options.fs);
    const walk = listWorkspaceFilesInSteps(this.options.fs, this.root, this.options.config.exclude, cache ? { previous: cache.previousWalk, remember: { now: (this.options.clock ?? systemClock).now().getTime() } } : {});
    let step = walk.next();
    while (!step.done) {
      if (slicer.due()) await slicer.pause();
      step = walk.next();
    }
    const listing = step.value;
    if (cache) cache.noteWalk(this.options.fs, listing);
    const skipped: SkippedFiles = { binary: 0, tooLarge: 0, unreadable: listing.unreadable, failed: 0 };
    const total = listing.files.length;
    // Files whose analysis waits until every file's content is known (their cached analysis may still hold).
    const analyseLater: string[] = [];
    for (let index = 0; index < total; index++) {
      if (slicer.due()) {
        onProgress?.(index, total);
        await slicer.pause();
      }
      const path = listing.files[index];
      this.workspaceFiles.add(path);
      if (this.analyses.has(path) && !this.overlays.has(path)) continue;
      const overlay = this.overlays.get(path);
      if (overlay !== undefined) {
        if (this.learnFromText(path, overlay)) this.analyzePath(path, overlay);
      } else if (this.learnFromDisk(path, skipped) === 'analyse later') analyseLater.push(path);
    }
    onProgress?.(total, total);
    slicer.throwIfAborted();
    for (const path of analyseLater) {
      if (slicer.due()) await slicer.pause();
      this.analyzeKnown(path, skipped);
    }
    for (let round = 0; round < 20; round++) {
      // Names exported by flag-related modules (clients, wrappers) found after a file was passed over pull it in:
      // its fingerprint says which files may name them, and their texts (read again) say which do.
      if (this.freshTriggerNames.length && this.passedOver.size) {
        const names = this.takeFreshTriggerNames();
        for (const path of [...this.passedOver]) {
          if (slicer.due()) await slicer.pause();
          if (this.namesTriggerIn(path, names)) this.analyzeKnown(path, skipped);
        }
        continue;
      }
      // Analyses that refused a module which may hold checks now are done again (the answer must not depend on
      // the order files were analysed in).
      const repeat = this.analysesToRepeat();
      if (!repeat.length) break;
      for (const path of repeat) {
        if (slicer.due()) await slicer.pause();
        const text = this.textOf(path);
        if (text === undefined) this.forget(path);
        else this.analyzePath(path, text);
      }
    }
    this.indexed = true;
    const failures = this.failedFiles();
    let cacheReport: ScanCacheReport | undefined;
    if (cache) {
      // A file gone since the cache was written: the cache must forget it.
      if (cache.previous && !cache.dirty) for (const record of cache.previous.values()) if (record.walked && !this.workspaceFiles.has(record.path)) cache.dirty = true;
      const readable = total - (skipped.unreadable - listing.unreadable);
      cacheReport = { hits: Math.max(0, readable - cache.misses.size), misses: cache.misses.size };
      if (cache.problem) cacheReport.ignored = cache.problem;
      if (cache.dirty && options.writeCache !== false) {
        const problem = this.saveCache();
        if (problem) cacheReport.notWritten = problem;
      }
    }
    return {
      references: this.references(),
      files: total,
      parsedFiles: this.parsedPaths.size,
      skipped: { ...skipped, failed: failures.length },
      failures,
      durationMs: Math.round(performance.now() - started),
      ...(cacheReport ? { cache: cacheReport } : {}),
    };
  }

  /**
   * Writes the persistent cache now (an index writes it itself when anything changed): what is known of every
   * file as it is on disk (files the editor holds are left out: their disk text was not what was analysed).
   * Returns why it could not be written, or undefined. Without `options.cache`, or when the cache on disk already
   * says all this, does nothing. Synchronous: it encodes the whole cache and fsyncs it.
   */
  saveCache(): string | undefined {
    const cache = this.caching;
    if (!cache || !cache.dirty) return undefined;
    try {
      const bytes = encodeScanCache(cache.identity, { files: this.cacheRecords(), resolution: cache.resolutionToKeep(this.resolver.readInputs()), walk: cache.walkMemo });
      cache.store.write(bytes);
      cache.dirty = false;
      return undefined;
    } catch (error) {
      return `${cache.store.location}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Files skipped because their analysis failed, with the reason (workspace-relative, sorted). */
  failedFiles(): ScanFailure[] {
    return [...this.failures].map(([path, reason]) => ({ file: this.relative(path), reason })).sort((a, b) => compareText(a.file, b.file));
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
      this.passedOver.delete(path);
      this.prefilterFacts.delete(path);
      this.mentions.delete(path);
    } else {
      this.setOverlay(path, text);
      if (isSourceFile(path) && path.startsWith(`${this.root}/`)) this.workspaceFiles.add(path);
    }
    // A file appearing or disappearing changes how specifiers resolve.
    if (text === undefined || !existedBefore) this.resolver.clear();
    this.modules.delete(path);
    this.sharedCache = undefined;
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
    // The edit may have created a wrapper or client other files already call: look for its names in the files
    // the prefilter passed over, and in the modules other analyses refused (rare, and only after indexing;
    // during indexing its rounds do it).
    for (let round = 0; this.indexed && round < 20; round++) {
      if (this.freshTriggerNames.length) {
        const names = this.takeFreshTriggerNames();
        for (const file of [...this.passedOver]) {
          if (!this.namesTriggerIn(file, names)) continue;
          const fileText = this.textOf(file);
          if (fileText !== undefined && this.analyzePath(file, fileText).references.length) changed.push(this.relative(file));
        }
        continue;
      }
      const repeat = this.analysesToRepeat();
      if (!repeat.length) break;
      for (const file of repeat) {
        const before = JSON.stringify(this.analyses.get(file)?.references ?? []);
        const fileText = this.textOf(file);
        const after = fileText === undefined ? (this.forget(file), []) : this.analyzePath(file, fileText).references;
        if (JSON.stringify(after) !== before && !changed.includes(this.relative(file))) changed.push(this.relative(file));
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
    this.sharedCache = undefined;
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

  /**
   * Runs `visit` over a file's syntax tree with the scanner's own key evaluation (literals, constants, enums,
   * objects and imports across the workspace's modules), for parts that read code the scanner does not match:
   * `flaglens init` weighing candidate checks. `evaluateKey` gives the string or number an expression holds,
   * or undefined. Nothing of the visit is kept.
   */
  inspectFile<T>(absPath: string, text: string, visit: (sourceFile: ts.SourceFile, evaluateKey: (expression: ts.Expression) => string | undefined) => T): T {
    const path = normalizePath(absPath);
    const cached = this.modules.get(path);
    const module = cached && cached.text === text ? cached : analysisEngine().parseModule(path, this.relative(path), text);
    // The analyser's modules, loaded on first use like every parse (see analysisEngine).
    const { AnalysisSession } = require('./session.js') as typeof import('./session.js');
    const { keyText } = require('./keys.js') as typeof import('./keys.js');
    const session = new AnalysisSession(this.store, { customChecks: this.options.config.checks, shared: this.sharedCache }, module);
    return visit(module.sourceFile, (expression) => keyText(session.keys.evaluate(expression, module)));
  }

  /** All references currently known, ordered by file and position. */
  references(): FlagReference[] {
    const files = [...this.analyses.keys()].sort();
    const out: FlagReference[] = [];
    for (const file of files) out.push(...this.analyses.get(file)!.references);
    return out;
  }

  /** How many parsed files this host holds (what an analysis that is never indexed lets grow). */
  get parsedModuleCount(): number {
    return this.modules.size;
  }

  /** References in one workspace-relative file. */
  referencesInFile(file: string): FlagReference[] {
    return this.analyses.get(`${this.root}/${file}`)?.references ?? [];
  }

  // -------------------------------------------------------------------------------------------

  /** What the cache keeps of every file known as it is on disk (the editor's files left out). */
  private cacheRecords(): CachedFile[] {
    const cache = this.caching!;
    const now = (this.options.clock ?? systemClock).now().getTime();
    // A file modified just before it was read may be modified again within the same tick of its clock: the next
    // run confirms it by its hash instead of trusting its time.
    const timeOf = (stat: FileStat) => (now - stat.mtimeMs < RECENT_MODIFICATION_MS ? -1 : stat.mtimeMs);
    const records: CachedFile[] = [];
    const recorded = new Set<string>();
    for (const path of [...this.workspaceFiles].sort()) {
      const stat = cache.stats.get(path);
      const hash = cache.hashes.get(path);
      if (this.overlays.has(path) || !stat || hash === undefined) continue;
      recorded.add(path);
      const skippedKind = cache.skippedKinds.get(path);
      if (skippedKind) {
        records.push({ path, walked: true, size: stat.size, mtimeMs: timeOf(stat), hash, skipped: skippedKind });
        continue;
      }
      const facts = this.prefilterFacts.get(path);
      if (!facts) continue;
      const mentions = this.mentions.get(path);
      const record: CachedFile = { path, walked: true, size: stat.size, mtimeMs: timeOf(stat), hash, facts: { ...facts, mentions: mentions ? Object.fromEntries(mentions) : undefined } };
      const analysis = this.analyses.get(path);
      const inputs = cache.analysisInputs.get(path);
      if (analysis && inputs) record.analysis = { references: analysis.references, dependencies: inputs, gatedOut: [...analysis.gatedOut], triggerNames: analysis.triggerNames };
      const failure = this.failures.get(path);
      if (failure !== undefined) record.failure = failure;
      records.push(record);
    }
    // Modules analyses consulted that the walk does not list (declaration files, excluded folders): their time and hash.
    for (const inputs of cache.analysisInputs.values()) {
      for (const [dependency] of inputs) {
        if (recorded.has(dependency) || this.overlays.has(dependency)) continue;
        recorded.add(dependency);
        const stat = cache.stats.get(dependency);
        const hash = cache.hashes.get(dependency);
        if (stat && hash !== undefined && hash !== ABSENT_HASH) records.push({ path: dependency, walked: false, size: stat.size, mtimeMs: timeOf(stat), hash });
      }
    }
    return records;
  }

  private relative(path: string): string {
    return path.startsWith(`${this.root}/`) ? path.slice(this.root.length + 1) : path;
  }

  private setOverlay(path: string, text: string): void {
    if (this.overlays.get(path) === text && this.modules.has(path)) return;
    this.overlays.set(path, text);
    this.deleted.delete(path);
    this.modules.delete(path);
    // What the prefilter learnt from the disk text no longer applies.
    this.prefilterFacts.delete(path);
    this.mentions.delete(path);
    this.sharedCache = undefined;
    this.mayHoldChecksCache.clear();
  }

  /**
   * Records what the prefilter learns from a workspace file's text and says whether to analyse it now: it imports
   * an SDK, names a configured check, or names a trigger name found so far. A file passed over keeps its
   * fingerprint (and whether it re-exports), never its text.
   */
  private learnFromText(path: string, text: string): boolean {
    const reexports = REEXPORT_PATTERN.test(text);
    this.mentions.delete(path);
    // An SDK import needs no fingerprint; for the other files the fingerprint rules most configured checks out.
    const fingerprint = this.prefilter.importsSdk(text) ? undefined : fingerprintWords(text);
    if (!fingerprint || this.prefilter.namesCheck(text, fingerprint)) {
      this.prefilterFacts.set(path, { passesStatic: true, reexports });
      this.passedOver.delete(path);
      return true;
    }
    const passesStatic = false;
    this.prefilterFacts.set(path, { passesStatic, reexports, fingerprint });
    if (this.allTriggers.size && this.namesTriggerIn(path, this.allTriggers, text)) {
      this.passedOver.delete(path);
      return true;
    }
    this.passedOver.add(path);
    return false;
  }

  /**
   * Whether a file passed over names one of `names`: its fingerprint rules most out; a "maybe" is answered by what
   * was checked on its text before (this run or, through the cache, an earlier one), or on its text now (`text`,
   * or read again). The answers are kept.
   */
  private namesTriggerIn(path: string, names: TriggerNameSet, text?: string): boolean {
    const fingerprint = this.prefilterFacts.get(path)?.fingerprint;
    const candidates = fingerprint ? names.namesMaybeIn(fingerprint) : names.names;
    if (!candidates.length) return false;
    let known = this.mentions.get(path);
    const unknown: string[] = [];
    for (const name of candidates) {
      const mentioned = known?.get(name);
      if (mentioned === true) return true;
      if (mentioned === undefined) unknown.push(name);
    }
    if (!unknown.length) return false;
    text ??= this.textOf(path);
    if (text === undefined) return false;
    if (!known) this.mentions.set(path, (known = new Map()));
    let found = false;
    for (const name of unknown) {
      const mentioned = mentionsName(text, name);
      known.set(name, mentioned);
      found ||= mentioned;
    }
    return found;
  }

  /**
   * Learns what a workspace file is from the disk: from the cache when its size and time (or else its content
   * hash) are what the cache recorded, else from its text. Says whether its analysis waits for the end of the
   * walk (its cached analysis may still hold once every file's content is known).
   */
  private learnFromDisk(path: string, skipped: SkippedFiles): 'done' | 'analyse later' {
    const cache = this.caching;
    let stat: FileStat;
    try {
      stat = this.options.fs.stat(path);
    } catch {
      skipped.unreadable++;
      return 'done';
    }
    const record = cache?.previous?.get(path);
    if (cache && record?.walked && sameTimeAndSize(record, stat)) {
      const adopted = this.adoptRecord(path, record, stat, skipped);
      if (adopted) return adopted;
    }
    const read = this.readFromDisk(path, stat);
    if ('skipped' in read) {
      skipped[read.skipped]++;
      if (cache && read.skipped !== 'unreadable') cache.noteSkipped(path, read.skipped);
      return 'done';
    }
    if (cache && record?.walked && record.hash === read.hash) {
      // Only its time changed (a checkout, a touch): what the cache knows of it holds.
      cache.dirty = true;
      const adopted = this.adoptRecord(path, record, stat, skipped);
      if (adopted) return adopted;
    }
    cache?.noteMiss(path);
    if (this.learnFromText(path, read.text)) this.analyzePath(path, read.text);
    return 'done';
  }

  /** Takes what the cache knows of an unchanged file; undefined when the record holds too little (then it is read). */
  private adoptRecord(path: string, record: CachedFile, stat: FileStat, skipped: SkippedFiles): 'done' | 'analyse later' | undefined {
    const cache = this.caching!;
    if (record.skipped) {
      cache.stats.set(path, stat);
      cache.hashes.set(path, record.hash);
      skipped[record.skipped]++;
      cache.skippedKinds.set(path, record.skipped);
      return 'done';
    }
    const facts = record.facts;
    if (!facts || (!facts.passesStatic && !facts.fingerprint)) return undefined;
    cache.stats.set(path, stat);
    cache.hashes.set(path, record.hash);
    this.prefilterFacts.set(path, { passesStatic: facts.passesStatic, reexports: facts.reexports, fingerprint: facts.fingerprint });
    if (facts.mentions) this.mentions.set(path, new Map(Object.entries(facts.mentions)));
    if (facts.passesStatic) return 'analyse later';
    // Whether a trigger name pulls it in is decided by the rounds, as for any file passed over.
    this.passedOver.add(path);
    return 'done';
  }

  /**
   * Analyses a file whose content is known (read this run or unchanged since the cache): its cached analysis when
   * every module it consulted still has the content it had, else from its text (read again).
   */
  private analyzeKnown(path: string, skipped: SkippedFiles): void {
    this.passedOver.delete(path);
    const cache = this.caching;
    const record = cache?.analysesReusable && !this.overlays.has(path) ? cache.previous?.get(path) : undefined;
    if (cache && record && (record.analysis || record.failure !== undefined) && cache.hashes.get(path) === record.hash && this.cachedAnalysisHolds(record)) {
      this.adoptAnalysis(path, record);
      return;
    }
    const text = this.textOf(path);
    if (text === undefined) {
      skipped.unreadable++;
      return;
    }
    cache?.noteMiss(path);
    this.analyzePath(path, text);
  }

  private cachedAnalysisHolds(record: CachedFile): boolean {
    for (const [dependency, hash] of record.analysis?.dependencies ?? []) if (this.currentHash(dependency) !== hash) return false;
    return true;
  }

  /** Takes a cached analysis (or failure) as this file's. */
  private adoptAnalysis(path: string, record: CachedFile): void {
    const cache = this.caching!;
    cache.usedPreviousResolution = true;
    if (record.failure !== undefined) {
      this.forget(path);
      this.failures.set(path, record.failure);
      return;
    }
    const cached = record.analysis!;
    this.failures.delete(path);
    this.linkAnalysis(path, {
      references: cached.references,
      dependencies: new Set(cached.dependencies.map(([dependency]) => dependency)),
      gatedOut: new Set(cached.gatedOut),
      triggerNames: cached.triggerNames,
    });
    cache.analysisInputs.set(path, cached.dependencies);
  }

  /**
   * The content hash of a file as it is now (the editor's text, the disk's, or ABSENT_HASH), remembered for the
   * run: from the cache when its size and time are what the cache recorded.
   */
  private currentHash(path: string): string {
    const overlay = this.overlays.get(path);
    if (overlay !== undefined) return contentHash(overlay);
    if (this.deleted.has(path)) return ABSENT_HASH;
    const cache = this.caching!;
    const known = cache.hashes.get(path);
    if (known !== undefined) return known;
    let stat: FileStat;
    try {
      stat = this.options.fs.stat(path);
    } catch {
      cache.hashes.set(path, ABSENT_HASH);
      return ABSENT_HASH;
    }
    const record = cache.previous?.get(path);
    if (record && sameTimeAndSize(record, stat)) {
      cache.stats.set(path, stat);
      cache.hashes.set(path, record.hash);
      return record.hash;
    }
    const read = this.readFromDisk(path, stat);
    return 'hash' in read ? read.hash : `(${read.skipped})`;
  }

  /** The hash of the version of a module an analysis used: the parsed module's, or the file's now. */
  private moduleHash(path: string): string {
    return this.modules.get(path)?.contentHash ?? this.currentHash(path);
  }

  /**
   * Reads a file's text from the disk. With the cache, its size, time and content hash are remembered for the
   * run (the time taken before the read, so a file changed meanwhile is read again next time).
   */
  private readFromDisk(path: string, knownStat?: FileStat): { text: string; hash: string } | { skipped: 'binary' | 'tooLarge' | 'unreadable' } {
    const cache = this.caching;
    let stat = knownStat;
    if (cache && !stat) {
      try {
        stat = this.options.fs.stat(path);
      } catch {
        return { skipped: 'unreadable' };
      }
    }
    if (stat && stat.size > MAX_FILE_BYTES) {
      if (cache) {
        cache.stats.set(path, stat);
        cache.hashes.set(path, '(tooLarge)');
      }
      return { skipped: 'tooLarge' };
    }
    const outcome = readSourceText(this.options.fs, path, stat?.size);
    if (!('text' in outcome)) {
      if (cache && stat && outcome.skipped !== 'unreadable') {
        cache.stats.set(path, stat);
        cache.hashes.set(path, `(${outcome.skipped})`);
      }
      return outcome;
    }
    const hash = cache ? contentHash(outcome.text) : '';
    if (cache) {
      cache.stats.set(path, stat!);
      cache.hashes.set(path, hash);
    }
    return { text: outcome.text, hash };
  }

  /** The text of a file as the scanner sees it now (editor text, a parsed module's text, the disk), or undefined. */
  private textOf(path: string): string | undefined {
    const known = this.overlays.get(path) ?? this.modules.get(path)?.text;
    if (known !== undefined) return known;
    if (this.deleted.has(path)) return undefined;
    const read = this.readFromDisk(path);
    if (!('text' in read)) return undefined;
    if (this.prefilterFacts.has(path)) this.rereads++;
    return read.text;
  }

  /**
   * Analysed files that refused to open a module which may hold checks now (trigger names were found since):
   * they are analysed again, with fresh shared results. Empty when no trigger name was found since the last call.
   */
  private analysesToRepeat(): string[] {
    if (this.triggerCountAtLastRepeat === this.triggerNames.size) return [];
    this.triggerCountAtLastRepeat = this.triggerNames.size;
    const files = new Set<string>();
    for (const [module, refusing] of this.refusedBy) {
      if (!refusing.size || !this.mayHoldChecks(module)) continue;
      for (const file of refusing) if (this.analyses.has(file)) files.add(file);
    }
    if (files.size) this.sharedCache = undefined;
    return [...files].sort();
  }

  /** Trigger names found since the last call (their files are looked for once). */
  private takeFreshTriggerNames(): TriggerNameSet {
    const names = new TriggerNameSet(this.freshTriggerNames);
    this.freshTriggerNames = [];
    return names;
  }

  private addTriggerNames(names: string[]): void {
    const fresh = names.filter((name) => name.length > 1 && !this.triggerNames.has(name));
    if (!fresh.length) return;
    for (const name of fresh) this.triggerNames.add(name);
    this.freshTriggerNames.push(...fresh);
    this.allTriggers = new TriggerNameSet(this.triggerNames);
  }

  /**
   * Parses (if needed) and analyses one file, updating results and the dependency graph. A failure (deeply nested
   * code exhausting the stack, a parser failure) skips this file with the reason and never the scan.
   */
  private analyzePath(path: string, text: string, previousModule?: ParsedModule): FileAnalysis {
    this.passedOver.delete(path);
    try {
      const analysis = this.analyzePathUnguarded(path, text, previousModule);
      this.failures.delete(path);
      return analysis;
    } catch (error) {
      this.forget(path);
      this.caching?.analysisInputs.delete(path);
      // A failure half-way may have left partial cross-file results behind.
      this.sharedCache = undefined;
      this.failures.set(path, describeAnalysisFailure(error));
      return { references: [], dependencies: new Set(), gatedOut: new Set(), triggerNames: [] };
    }
  }

  private analyzePathUnguarded(path: string, text: string, previousModule?: ParsedModule): FileAnalysis {
    let module = this.modules.get(path);
    if (!module || module.text !== text) {
      module = previousModule && previousModule.text !== text ? analysisEngine().reparseModule(previousModule, text) : analysisEngine().parseModule(path, this.relative(path), text);
      if (this.caching) module.contentHash = contentHash(text);
      this.modules.set(path, module);
      this.parsedPaths.add(path);
    }
    const analysis = analysisEngine().analyzeModule(module, this.store, { customChecks: this.options.config.checks, shared: (this.sharedCache ??= analysisEngine().createSharedAnalysisCache()) });
    if (this.caching) {
      // The version of each module consulted, for the cache: a later run takes this analysis only while they all hold.
      this.caching.analysisInputs.set(path, [...analysis.dependencies].map((dependency) => [dependency, this.moduleHash(dependency)]));
    }
    this.linkAnalysis(path, analysis);
    // Syntax trees are large: keep only those other files resolve through (or likely will: modules
    // exporting clients or wrappers). Others are parsed again if ever needed.
    if (!analysis.triggerNames.length && !this.dependents.get(path)?.size && !this.overlays.has(path)) this.modules.delete(path);
    return analysis;
  }

  /** Makes `analysis` the file's: its references, its place in the dependency graphs, its trigger names. */
  private linkAnalysis(path: string, analysis: FileAnalysis): void {
    this.unlinkAnalysis(path);
    for (const dependency of analysis.dependencies) {
      let set = this.dependents.get(dependency);
      if (!set) this.dependents.set(dependency, (set = new Set()));
      set.add(path);
    }
    for (const refused of analysis.gatedOut) {
      let set = this.refusedBy.get(refused);
      if (!set) this.refusedBy.set(refused, (set = new Set()));
      set.add(path);
    }
    this.analyses.set(path, analysis);
    this.addTriggerNames(analysis.triggerNames);
  }

  private forget(path: string): void {
    this.unlinkAnalysis(path);
    this.analyses.delete(path);
    this.modules.delete(path);
  }

  /** Removes a file's previous analysis from the dependency graphs. */
  private unlinkAnalysis(path: string): void {
    const previous = this.analyses.get(path);
    if (!previous) return;
    for (const dependency of previous.dependencies) this.dependents.get(dependency)?.delete(path);
    for (const refused of previous.gatedOut) this.refusedBy.get(refused)?.delete(path);
  }

  /**
   * Whether a module could define a check or pass one on (see ModuleStore.mayHoldChecks): the prefilter's own
   * test (an SDK import, a configured check, a trigger name found so far) or a re-export, answered from what the
   * prefilter learnt when the file was read (a fingerprint "maybe" is confirmed on the text) or from its text.
   * Negative answers are recomputed once new trigger names are known.
   */
  private mayHoldChecks(path: string): boolean {
    const cached = this.mayHoldChecksCache.get(path);
    if (cached === true || (cached === false && this.mayHoldChecksTriggerCount === this.triggerNames.size)) return cached;
    if (this.mayHoldChecksTriggerCount !== this.triggerNames.size) {
      // New trigger names: earlier negative answers may change.
      for (const [key, value] of this.mayHoldChecksCache) if (!value) this.mayHoldChecksCache.delete(key);
      this.mayHoldChecksTriggerCount = this.triggerNames.size;
    }
    const facts = this.overlays.has(path) ? undefined : this.prefilterFacts.get(path);
    let answer: boolean;
    if (facts && (facts.passesStatic || facts.reexports)) answer = true;
    else if (facts?.fingerprint) answer = this.allTriggers.size > 0 && this.namesTriggerIn(path, this.allTriggers);
    else {
      const text = this.textOf(path);
      answer = text !== undefined && (this.prefilter.passes(text) || REEXPORT_PATTERN.test(text) || this.allTriggers.matchesText(text));
    }
    this.mayHoldChecksCache.set(path, answer);
    return answer;
  }

  /** A module by absolute path, parsed on first use (overlay text first, then disk). */
  private module(path: string): ParsedModule | undefined {
    const cached = this.modules.get(path);
    if (cached) return cached;
    if (this.deleted.has(path)) return undefined;
    // The indexing pass keeps no text of the files it passed over: a module needed later is read again.
    const text = this.textOf(path);
    if (text === undefined) return undefined;
    let module: ParsedModule;
    try {
      module = analysisEngine().parseModule(path, this.relative(path), text);
    } catch {
      // A module that cannot be parsed resolves nothing; the file itself reports the failure when analysed.
      return undefined;
    }
    if (this.caching) module.contentHash = contentHash(text);
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

let loadedEngine: typeof import('./analyze.js') | undefined;

/**
 * The parser and analyser, loaded when the first file is parsed: they bind TypeScript's functions when they load,
 * and a scan answered from its cache parses nothing, so it never loads TypeScript (9 MB of code to compile).
 */
function analysisEngine(): typeof import('./analyze.js') {
  return (loadedEngine ??= require('./analyze.js') as typeof import('./analyze.js'));
}

/** A file modified less than this long before it was read is confirmed by its hash on the next run. */
const RECENT_MODIFICATION_MS = 3000;

function sameTimeAndSize(record: CachedFile, stat: FileStat): boolean {
  return record.mtimeMs >= 0 && record.mtimeMs === stat.mtimeMs && record.size === stat.size;
}

/**
 * A host's side of the persistent cache: the previous run's records, and what this run learnt of each file's
 * disk version (time, size, hash) and of each analysis's inputs, from which the next cache is written.
 */
class CacheState {
  previous: Map<string, CachedFile> | undefined;
  private previousResolution: ResolutionInputs | undefined;
  previousWalk: WalkMemo | undefined;
  /** This run's walk memo, to be written. */
  walkMemo: WalkMemo | undefined;
  /** Why the cache on disk was not used. */
  problem: string | undefined;
  /** The previous run's analyses may be taken: module resolution reads today what it read then. */
  analysesReusable = false;
  /** Some analysis was taken from the previous run: its resolution inputs are still this host's. */
  usedPreviousResolution = false;
  /** Files learnt afresh this run (read and prefiltered, or analysed again). */
  readonly misses = new Set<string>();
  /** The cache on disk no longer says what this host knows. */
  dirty = false;
  readonly stats = new Map<string, FileStat>();
  readonly hashes = new Map<string, string>();
  readonly skippedKinds = new Map<string, 'binary' | 'tooLarge'>();
  /** Analysed file → each module it consulted with that module's content hash. */
  readonly analysisInputs = new Map<string, Array<[string, string]>>();
  private read = false;

  constructor(
    readonly store: ScanCacheStore,
    readonly identity: ScanCacheIdentity,
  ) {}

  /** Reads the cache once per host (a cancelled index run again keeps what the first read found). */
  readPrevious(fs: FileSystem): void {
    if (this.read) return;
    this.read = true;
    let bytes: Uint8Array | undefined;
    try {
      bytes = this.store.read();
    } catch (error) {
      this.problem = `the file ${describeReadError(error)}`;
      this.dirty = true;
      return;
    }
    if (!bytes) {
      this.dirty = true;
      return;
    }
    const decoded = decodeScanCache(bytes, this.identity);
    if ('problem' in decoded) {
      this.problem = decoded.problem;
      this.dirty = true;
      return;
    }
    this.previous = new Map(decoded.contents.files.map((file) => [file.path, file]));
    this.previousResolution = decoded.contents.resolution;
    this.previousWalk = decoded.contents.walk;
  }

  /**
   * After the walk: its memo (written again when any folder had to be listed or was too recent to trust), and
   * whether the previous analyses may be taken (resolution reads today what it read then; folders the walk found
   * unchanged need no listing for that).
   */
  noteWalk(fs: FileSystem, listing: { memo?: WalkMemo; foldersListed?: number; unchangedFolders?: Set<string> }): void {
    this.walkMemo = listing.memo;
    if (!this.previousWalk || (listing.foldersListed ?? 0) > 0 || listing.memo?.folders.some((folder) => folder.mtimeMs < 0)) this.dirty = true;
    if (this.previousResolution) {
      this.analysesReusable = resolutionInputsUnchanged(fs, this.previousResolution, listing.unchangedFolders);
      if (!this.analysesReusable) this.dirty = true;
    }
  }

  noteMiss(path: string): void {
    this.misses.add(path);
    this.dirty = true;
  }

  noteSkipped(path: string, kind: 'binary' | 'tooLarge'): void {
    this.skippedKinds.set(path, kind);
    this.noteMiss(path);
  }

  /** The resolution inputs to write: this run's, plus the previous run's while analyses taken from it are kept. */
  resolutionToKeep(current: ResolutionInputs): ResolutionInputs {
    if (!this.usedPreviousResolution || !this.previousResolution) return current;
    const merge = <T>(before: Array<[string, T]>, now: Array<[string, T]>) => [...new Map([...before, ...now])];
    const mergeEntries = (before: ResolutionInputs['entries'], now: ResolutionInputs['entries']) => {
      const merged = new Map<string, Map<string, string> | null>(before.map(([directory, answers]) => [directory, answers ? new Map(answers) : null]));
      for (const [directory, answers] of now) {
        const known = merged.get(directory);
        if (answers && known) for (const [name, answer] of answers) known.set(name, answer);
        else merged.set(directory, answers ? new Map(answers) : null);
      }
      return [...merged].map(([directory, answers]): [string, Array<[string, string]> | null] => [directory, answers ? [...answers] : null]);
    };
    return {
      entries: mergeEntries(this.previousResolution.entries, current.entries),
      listings: merge(this.previousResolution.listings, current.listings),
      texts: merge(this.previousResolution.texts, current.texts),
      links: merge(this.previousResolution.links, current.links),
    };
  }
}

/** What the prefilter learnt from a file's text when it was read. */
interface PrefilterFacts {
  passesStatic: boolean;
  reexports: boolean;
  /** For a file that did not pass the static test: its words, for trigger names found later. */
  fingerprint?: WordFingerprint;
}

