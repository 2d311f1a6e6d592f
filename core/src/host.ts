// The incremental analysis host the language server drives, one per workspace folder: it holds the rollout
// state (providers from the registry, loaded in the background), health (plugged in by the live-metrics code
// through `setHealth`), the references per file and the findings. The scanner itself sits behind an
// asynchronous `WorkspaceAnalysis` (a worker thread in the server): changes are sent to it and its answers
// applied when they arrive, so every IDE feature is answered from memory — the last complete index plus the
// open buffers (it implements `FeatureWorkspace`). It never talks to an editor protocol.
import { isAbsolute, join, relative, sep } from 'node:path';
import { CONFIG_FILE_NAME, loadConfig, parseConfig, type FlaglensConfig } from './config.js';
import type { HttpTransport } from './http.js';
import type { Clock, FileSystem, FileWriter, GitHost, Timers } from './io.js';
import { storedTokenVault, tokenRequirements, type StoredToken, type TokenVault } from './trust.js';
import type {
  AbortRequest,
  BumpRequest,
  Finding,
  FlagHealth,
  FlagReference,
  FlagState,
  InputError,
  RolloutChange,
  StateProvider,
  StateSnapshot,
} from './model.js';
import { RolloutRefusedError } from './model.js';
import { WorkspaceRules } from './workspaceFiles.js';
import { isAnalysisCancelled, isAnalysisLost, type AnalysisChange, type AnalysisFactory, type DocumentsAnalysis, type DocumentsAnalysisFactory, type IndexOutcome, type ReferenceUpdate, type WorkspaceAnalysis } from './workspaceAnalysis.js';
import { flaglensFileWriter } from './workspaceWrites.js';
import { createStateProviders, loadState, providerForFlag } from './state/registry.js';
import { isFlagdFileName } from './state/flagdProvider.js';
import type { FeatureWorkspace } from './features/workspaceView.js';
import { computeHostFindings, mapReferenceKey } from './features/rulesBridge.js';
import { decideBumpByHealth, recordRolloutStep, startLiveUpdates, type LiveUpdates, type WatchLease } from './health/index.js';
import type { FlagdHistoryAnalysis } from './state/flagdHistory.js';
import type { FlagdTextAnalysis } from './state/flagdTexts.js';

export interface FlaglensHostOptions {
  /** Absolute workspace root. */
  root: string;
  fs: FileSystem;
  git: GitHost;
  clock: Clock;
  /** Schedules the delayed workspace-wide findings pass (the server passes `systemTimers`). */
  timers: Timers;
  /** The front-end's HTTP client, for Prometheus (health); never closed by the host. */
  http: HttpTransport;
  /** Bump and abort write state files through it, inside the workspace only; so do Flaglens' own files in `.flaglens/`. */
  writer: FileWriter;
  /** Creates the scanner's analysis for a root and config (again whenever the config changes). */
  analysis: AnalysisFactory;
  /**
   * The documents lane (the language server's): a second analysis, never indexed, that answers each open
   * document's buffer at once, so typing never waits behind the index's work. The main analysis then leaves
   * buffers to it until its index ends. Without it the main analysis answers buffers too.
   */
  documentsAnalysis?: DocumentsAnalysisFactory;
  /** Reads and parses flagd files' git histories off this thread (the language server's analysis worker); default: here, in slices. */
  flagdHistory?: FlagdHistoryAnalysis;
  /** Where flagd files are parsed (the server's analysis worker); default: in place. */
  flagdTexts?: FlagdTextAnalysis;
  /** Diagnostic log (never given secrets). */
  log?: (message: string) => void;
}

/** How the index ended, for the front-end's progress report. */
export type IndexEnd = { status: 'done'; outcome: IndexOutcome } | { status: 'cancelled' } | { status: 'replaced' } | { status: 'failed'; message: string };

/** One run of the index, as the front-end reports it (progress, cancel). */
export interface IndexRun {
  readonly done: Promise<IndexEnd>;
  /** Called after each batch of files with how many of the listed files were read. */
  onProgress(listener: (done: number, total: number) => void): void;
  /** Stops this run; requests keep answering from the open documents. */
  cancel(): void;
}

/** A token the configuration would send that the editor has not stored for its origin. */
export interface MissingToken {
  provider: string;
  variable: string;
  origin: string;
  /** Why nothing is sent, for people. */
  message: string;
}

/** What changed, so the server knows what to republish. */
export interface HostChange {
  /** Workspace-relative files whose references changed (code edits); undefined means "possibly all". */
  files?: string[];
  state?: boolean;
  config?: boolean;
  indexed?: boolean;
  /** The delayed full findings pass finished (workspace-wide rules may have changed anywhere). */
  findings?: boolean;
}

/** Files the scanner reads (TypeScript and JavaScript sources). */
const SOURCE_FILE = /\.(?:[cm]?[tj]sx?)$/;

/** Quiet time after the last edit before the workspace-wide rules run again. */
const FULL_FINDINGS_DELAY_MS = 200;

export type HostChangeListener = (change: HostChange) => void;

/** Outcome of a bump or abort, ready for the client. */
export type RolloutWriteResult = { ok: true; change: RolloutChange } | { ok: false; reason: string; message: string };

export class FlaglensHost implements FeatureWorkspace {
  config: FlaglensConfig;
  private configErrors: InputError[] = [];
  private analysis!: WorkspaceAnalysis;
  /** Bumped whenever the analysis is replaced (config change): answers of an older one are dropped. */
  private analysisGeneration = 0;
  /** Cancels the index in flight (a newer index or the person's cancel). */
  private indexAbort: AbortController | undefined;
  private providers: StateProvider[] = [];
  private currentSnapshot: StateSnapshot;
  private healthByKey = new Map<string, FlagHealth>();
  private watchLeases = new Map<string, WatchLease>();
  private flagsByKey = new Map<string, FlagState>();
  /** Editor buffers, keyed by workspace-relative path: they win over the disk. */
  private openDocuments = new Map<string, string>();
  /** The walk's ignore rules (.gitignore, exclude, node_modules), for files that change on disk. */
  private rules: WorkspaceRules | undefined;
  /**
   * References by workspace-relative file, as the analysis last answered: after the index every analysed file
   * with references, before it only the open documents.
   */
  private referencesByFile = new Map<string, FlagReference[]>();
  private allReferencesCache: FlagReference[] | undefined;
  private indexed = false;
  private indexing: Promise<IndexEnd> | undefined;
  /** Changes sent to the analysis and not answered yet (tests and the Refresh command wait for them). */
  private pendingUpdates = new Set<Promise<void>>();
  /** Files the analysis has answered for at least once since the analysis was created. */
  private answeredFiles = new Set<string>();
  /** Per workspace-relative file, the answer to its newest change and when it was sent (requests on that document wait for it). */
  private pendingByFile = new Map<string, { answered: Promise<void>; sentAtMs: number }>();
  /** The documents lane, when the front-end gave one (`FlaglensHostOptions.documentsAnalysis`). */
  private documents: DocumentsAnalysis | undefined;
  /** Numbers the changes sent, so an answer about an older text never replaces one about a newer text. */
  private changeCount = 0;
  /** Per file, the newest change sent and the change whose answer is shown (the two lanes answer independently). */
  private newestChange = new Map<string, number>();
  private shownChange = new Map<string, number>();
  private stateLoading: Promise<void> | undefined;
  private stateReloadRequested = false;
  private findingsCache: { byFile: Map<string, Finding[]>; byKey: Map<string, Finding[]> } | undefined;
  /** Files edited since the last full findings pass: their per-reference findings were recomputed alone. */
  private findingsStale = false;
  /** Cancels the pending full findings pass. */
  private fullFindingsTimer: (() => void) | undefined;
  /** Disk text of files with findings, for suppression comments (dropped when the file changes). */
  private diskTexts = new Map<string, string | undefined>();
  private referencesByKeyCache: Map<string, FlagReference[]> | undefined;
  private listeners: HostChangeListener[] = [];
  private indexListeners: Array<(run: IndexRun) => void> = [];
  private lastRecoveryMs: number | undefined;
  private nestedFolders: string[] = [];
  private trust: { tokens: StoredToken[]; trusted: boolean; vault?: TokenVault } = { tokens: [], trusted: false };
  private staleDaysOverride: number | null = null;
  private scanCacheEnabled = true;
  /** Background health evaluation and Unleash polling; started with `start`. */
  private live: LiveUpdates | undefined;

  constructor(readonly options: FlaglensHostOptions) {
    this.currentSnapshot = emptySnapshot(options.clock.now());
    this.config = this.readConfig();
    this.createAnalyses();
    this.providers = this.createProviders();
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  /** Loads the state, starts live updates and indexes the workspace in the background (progress: done/total files). */
  start(onProgress?: (done: number, total: number) => void): Promise<IndexEnd> {
    void this.reloadState();
    return this.startIndex(onProgress);
  }

  /**
   * Starts live updates and indexes the workspace (the state is loaded separately by `reloadState`). A running
   * index is cancelled: only the newest one's result is kept.
   */
  startIndex(onProgress?: (done: number, total: number) => void): Promise<IndexEnd> {
    this.live ??= startLiveUpdates(this, { http: this.options.http, files: { fs: this.options.fs, stateDirectory: this.stateDirectory } });
    this.indexAbort?.abort();
    const abort = new AbortController();
    this.indexAbort = abort;
    const progressListeners = onProgress ? [onProgress] : [];
    const done = this.runIndex(abort.signal, (count, total) => {
      for (const listener of progressListeners) listener(count, total);
    });
    this.indexing = done;
    const run: IndexRun = { done, onProgress: (listener) => progressListeners.push(listener), cancel: () => abort.abort() };
    for (const listener of this.indexListeners) {
      try {
        listener(run);
      } catch (error) {
        this.log(`index listener failed: ${messageOf(error)}`);
      }
    }
    return done;
  }

  /** Called for every index run the host starts (the first one, and each after a config or ignore-rule change). */
  onDidStartIndex(listener: (run: IndexRun) => void): void {
    this.indexListeners.push(listener);
  }

  /** Cancels the running index (the person cancelled its progress): requests keep answering from the open documents. */
  cancelIndex(): void {
    this.indexAbort?.abort();
  }

  /** Resolves when the current index run is done (however it ended). */
  async whenIndexed(): Promise<void> {
    for (let current = this.indexing; current; current = this.indexing === current ? undefined : this.indexing) await current;
  }

  /** Resolves when every change sent to the analysis so far has been answered and applied. */
  async whenAnalysed(): Promise<void> {
    while (this.pendingUpdates.size) await Promise.all([...this.pendingUpdates]);
  }

  /**
   * Resolves when the newest change of this file (its buffer) has been analysed, so a request on the document
   * answers for the text the editor has; at once when nothing is pending.
   */
  whenFileAnalysed(file: string): Promise<void> {
    return this.pendingByFile.get(file)?.answered ?? Promise.resolve();
  }

  /**
   * How long ago (monotonic ms) the newest change of this file was sent to the analysis; undefined when it was
   * answered, or when the file was never answered yet (just opened: there is nothing worth waiting for then, the
   * analysis worker may still be starting).
   */
  analysingFor(file: string): number | undefined {
    const pending = this.pendingByFile.get(file);
    if (!pending || (!this.indexed && !this.answeredFiles.has(file))) return undefined;
    return this.options.timers.monotonicMs() - pending.sentAtMs;
  }

  /** Resolves when the state load in flight (if any) is done. */
  async whenStateLoaded(): Promise<void> {
    while (this.stateLoading) await this.stateLoading;
  }

  get isIndexed(): boolean {
    return this.indexed;
  }

  indexComplete(): boolean {
    return this.indexed;
  }

  onDidChange(listener: HostChangeListener): void {
    this.listeners.push(listener);
  }

  /** Tokens (each stored for one origin) and workspace trust from the client; untrusted: no network, no writes. */
  setTrust(trust: { tokens: StoredToken[]; trusted: boolean; vault?: TokenVault }): void {
    const changed = trust.trusted !== this.trust.trusted || trust.vault !== this.trust.vault || JSON.stringify(trust.tokens) !== JSON.stringify(this.trust.tokens);
    this.trust = { tokens: trust.tokens.map((token) => ({ ...token })), trusted: trust.trusted, vault: trust.vault };
    if (!changed) return;
    this.disposeProviders();
    this.providers = this.createProviders();
    void this.reloadState();
  }

  /**
   * Where providers' tokens come from: the tokens the editor stored per origin, or (for clients that cannot send
   * them) the vault given with the trust, e.g. the environment's, trusted as the CLI trusts it.
   */
  private tokenVault(): TokenVault {
    return this.trust.vault ?? storedTokenVault(this.trust.tokens);
  }

  get writesAllowed(): boolean {
    return this.trust.trusted;
  }

  /** Tokens flaglens.yaml asks to send that have none stored for their origin (the client offers to set them). */
  missingTokens(): MissingToken[] {
    if (!this.trust.trusted) return [];
    const vault = this.tokenVault();
    const missing: MissingToken[] = [];
    for (const requirement of tokenRequirements(this.config)) {
      const grant = vault.tokenFor(requirement.variable, requirement.url);
      if (!grant.ok) missing.push({ provider: requirement.provider, variable: requirement.variable, origin: requirement.origin, message: grant.message });
    }
    return missing;
  }

  /** Seam for live metrics: the health of each flag (replaces the previous map). */
  setHealth(health: Map<string, FlagHealth>): void {
    this.healthByKey = new Map(health);
    this.invalidateFindings();
    this.emit({ state: true });
  }

  /** The `flaglens watch` leases in `.flaglens/watch/` (read by the live loop); hovers say when a flag is under watch. */
  setWatchLeases(leases: Map<string, WatchLease>): void {
    const changed = JSON.stringify([...leases]) !== JSON.stringify([...this.watchLeases]);
    this.watchLeases = new Map(leases);
    if (changed) this.emit({ state: true });
  }

  watchLease(key: string): WatchLease | undefined {
    return this.watchLeases.get(key);
  }

  /** The absolute folder root. */
  get root(): string {
    return this.options.root;
  }

  /** The open editor buffers of source files (workspace-relative file → text), for work done elsewhere (cleanup). */
  openBuffers(): Array<[string, string]> {
    return [...this.openDocuments].filter(([file]) => SOURCE_FILE.test(file));
  }

  /** `<root>/.flaglens`: snapshots, rollout step records, watch leases. */
  get stateDirectory(): string {
    return join(this.options.root, '.flaglens');
  }

  /**
   * Workspace folders of the editor inside this one (folder-relative paths): their files belong to them, so this
   * folder's walk, index and state discovery leave them out. A change re-reads the config and indexes again.
   */
  setNestedFolders(folders: readonly string[]): void {
    const sorted = [...new Set(folders)].sort();
    if (JSON.stringify(sorted) === JSON.stringify(this.nestedFolders)) return;
    this.nestedFolders = sorted;
    this.reloadConfig();
  }

  /** The persistent scan cache on or off (the editor's setting): a change replaces the analysis, which indexes again. */
  setScanCacheEnabled(enabled: boolean): void {
    if (enabled === this.scanCacheEnabled) return;
    this.scanCacheEnabled = enabled;
    this.replaceAnalysis();
  }

  /** `flaglens.staleDays` from the editor settings (null: use flaglens.yaml). */
  setStaleDaysOverride(days: number | null): void {
    if (days === this.staleDaysOverride) return;
    this.staleDaysOverride = days;
    this.invalidateFindings();
    this.emit({ state: true });
  }

  dispose(): void {
    this.indexAbort?.abort();
    this.analysis.dispose();
    this.documents?.dispose();
    this.analysisGeneration++;
    this.live?.dispose();
    this.fullFindingsTimer?.();
    this.disposeProviders();
    this.listeners = [];
    this.indexListeners = [];
  }

  // ------------------------------------------------------------------------------------------
  // Changes

  /** An editor opened a document: it is analysed now, even while the index is still running. */
  openDocument(absPath: string, text: string): void {
    const file = this.toRelative(absPath);
    this.openDocuments.set(file, text);
    if (this.isConfigFile(absPath)) return this.validateConfigBuffer(file, text);
    if (this.isStateFile(file) || !SOURCE_FILE.test(file)) return;
    this.analyse({ kind: 'buffer', path: absPath, text });
  }

  changeDocument(absPath: string, text: string): void {
    const file = this.toRelative(absPath);
    // Editors report the opening text as a change too: nothing to redo then.
    if (this.openDocuments.get(file) === text) return;
    this.openDocuments.set(file, text);
    if (this.isConfigFile(absPath)) return this.validateConfigBuffer(file, text);
    // Unsaved state-file edits are not the rollout state; the state reloads when the file is saved.
    if (this.isStateFile(file) || !SOURCE_FILE.test(file)) return;
    this.diskTexts.delete(file);
    this.analyse({ kind: 'buffer', path: absPath, text });
  }

  /**
   * flaglens.yaml being edited: its errors are shown as the user types, but the config (and the re-index it
   * implies) only changes when the file is saved.
   */
  private validateConfigBuffer(file: string, text: string): void {
    this.configErrors = parseConfig(text, this.toAbsolute(file)).errors;
    this.emit({ files: [file] });
  }

  /** The editor closed a document: the disk version applies again. */
  closeDocument(absPath: string): void {
    const file = this.toRelative(absPath);
    if (!this.openDocuments.delete(file)) return;
    if (this.isConfigFile(absPath)) {
      // Unsaved edits are gone: the errors of the file on disk apply again.
      this.configErrors = loadConfig(this.options.fs, this.options.root).errors;
      this.emit({ files: [file] });
      return;
    }
    if (this.isStateFile(file) || !SOURCE_FILE.test(file)) return;
    this.diskTexts.delete(file);
    if (!this.indexed && this.referencesByFile.delete(file)) {
      // Before the index ends only open documents are shown.
      this.allReferencesCache = undefined;
      this.invalidateFindings();
      this.emit({ files: [file] });
    }
    this.analyse({ kind: 'closed', path: absPath });
  }

  /** A file changed on disk (saved, git checkout, another tool). */
  fileChangedOnDisk(absPath: string): void {
    const file = this.toRelative(absPath);
    this.diskTexts.delete(file);
    if (this.isConfigFile(absPath)) return this.reloadConfig();
    if (file === '.gitignore' || file.endsWith('/.gitignore') || file === '.git/info/exclude') {
      // The rules changed: files may enter or leave the workspace, so it is listed and indexed again.
      this.rules = undefined;
      this.replaceAnalysis();
      return;
    }
    // What the walk leaves out (dist/ written by a build, node_modules by npm) is not part of the workspace,
    // unless it is a state file flaglens.yaml names or the state was read from.
    const ignored = !isAbsolute(file) && this.workspaceRules().isIgnored(file, false);
    if (this.isKnownStateFile(file) || (!ignored && (this.isStateFile(file) || looksLikeStateFile(file) || isFlagdFileName(file.slice(file.lastIndexOf('/') + 1))))) {
      // It may be new or gone: what providers discovered by walking is stale.
      for (const provider of this.providers) provider.workspaceFilesChanged?.();
      void this.reloadState();
      return;
    }
    if (ignored || isAbsolute(file) || this.openDocuments.has(file)) return;
    // Sources, and the tsconfig/package.json files that change how imports resolve: the analysis tells them apart.
    this.analyse({ kind: 'disk', path: absPath });
  }

  /** Re-reads config, state and the workspace index (the Refresh command). */
  async refresh(): Promise<void> {
    this.reloadConfig();
    await Promise.all([this.whenIndexed(), this.reloadState()]);
  }

  /** Loads the state from the providers in the background; requests keep answering from the last snapshot. */
  reloadState(): Promise<void> {
    if (this.stateLoading) {
      this.stateReloadRequested = true;
      return this.stateLoading;
    }
    this.stateLoading = (async () => {
      do {
        this.stateReloadRequested = false;
        await this.loadStateOnce();
      } while (this.stateReloadRequested);
    })().finally(() => {
      this.stateLoading = undefined;
    });
    return this.stateLoading;
  }

  // ------------------------------------------------------------------------------------------
  // Writes

  async bump(request: BumpRequest): Promise<RolloutWriteResult> {
    return this.write(request.key, async (provider) => {
      if (!provider.bump) throw new RolloutRefusedError(`the ${provider.id} provider cannot change rollouts`, 'unsupported');
      // Health guard: a failing or inconclusive rollout is not widened unless forced (the editor asks twice).
      const guard = await decideBumpByHealth(request.key, {
        metrics: this.config.metrics,
        clock: this.options.clock,
        allowNetwork: this.trust.trusted,
        force: request.force,
        http: this.options.http,
        steps: { fs: this.options.fs, stateDirectory: this.stateDirectory },
        flags: this.currentSnapshot.flags,
      });
      if (!guard.allowed) throw new RolloutRefusedError(`${request.key}: ${guard.reason}`, 'unhealthy');
      const change = await provider.bump({ ...request, expected: request.expected ?? this.flag(request.key) });
      // The step record is a second fsynced write: on its own turn of the event loop, after the state file's.
      await this.options.timers.sleep(0);
      this.recordStep(change, 'bump');
      return change;
    });
  }

  async abort(request: AbortRequest): Promise<RolloutWriteResult> {
    return this.write(request.key, async (provider) => {
      if (!provider.abort) throw new RolloutRefusedError(`the ${provider.id} provider cannot abort rollouts`, 'unsupported');
      const change = await provider.abort({ ...request, expected: request.expected ?? this.flag(request.key) });
      await this.options.timers.sleep(0);
      this.recordStep(change, 'abort');
      return change;
    });
  }

  /** A new rollout step begins now: health windows of this flag start here. */
  private recordStep(change: RolloutChange, by: 'bump' | 'abort'): void {
    recordRolloutStep(flaglensFileWriter({ root: this.options.root, fs: this.options.fs, writer: this.options.writer }), this.stateDirectory, { key: change.key, percentage: change.toPercentage, since: this.now().toISOString(), by });
  }

  // ------------------------------------------------------------------------------------------
  // FeatureWorkspace

  staleReleasedDays(): number {
    return this.staleDaysOverride ?? this.config.stale.releasedDays;
  }

  now(): Date {
    return this.options.clock.now();
  }

  flags(): FlagState[] {
    return this.currentSnapshot.flags;
  }

  flag(key: string): FlagState | undefined {
    return this.flagsByKey.get(key);
  }

  snapshot(): StateSnapshot {
    return this.currentSnapshot;
  }

  /** Every reference known, ordered by file (as the scanner orders them). */
  allReferences(): FlagReference[] {
    if (!this.allReferencesCache) {
      const files = [...this.referencesByFile.keys()].sort();
      this.allReferencesCache = files.flatMap((file) => this.referencesByFile.get(file)!);
    }
    return this.allReferencesCache;
  }

  referencesInFile(file: string): FlagReference[] {
    return this.referencesByFile.get(file) ?? [];
  }

  referencesForKey(key: string): FlagReference[] {
    if (!this.referencesByKeyCache) {
      const byKey = new Map<string, FlagReference[]>();
      for (const reference of this.allReferences()) {
        const mapped = this.flagKeyOf(reference);
        if (mapped === null) continue;
        let list = byKey.get(mapped);
        if (!list) byKey.set(mapped, (list = []));
        list.push(reference);
      }
      this.referencesByKeyCache = byKey;
    }
    return this.referencesByKeyCache.get(key) ?? [];
  }

  flagKeyOf(reference: FlagReference): string | null {
    return mapReferenceKey(reference, this.flagsByKey);
  }

  findingsInFile(file: string): Finding[] {
    return this.findings().byFile.get(file) ?? [];
  }

  findingsForKey(key: string): Finding[] {
    return this.findings().byKey.get(key) ?? [];
  }

  /** Every finding of the workspace (unsuppressed and suppressed). */
  allFindings(): Finding[] {
    return [...this.findings().byFile.values()].flat();
  }

  /** Files with findings or input errors (for publishing diagnostics beyond open documents). */
  filesWithDiagnostics(): string[] {
    const files = new Set(this.findings().byFile.keys());
    for (const error of [...this.configErrors, ...this.currentSnapshot.errors]) files.add(this.toRelative(error.file));
    return [...files];
  }

  health(key: string): FlagHealth | undefined {
    return this.healthByKey.get(key);
  }

  inputErrorsInFile(file: string): InputError[] {
    return [...this.configErrors, ...this.currentSnapshot.errors].filter((error) => this.toRelative(error.file) === file);
  }

  isStateFile(file: string): boolean {
    return this.isKnownStateFile(file) || (this.config.state.flagd.length === 0 && looksLikeStateFile(file));
  }

  /** Named in flaglens.yaml, or the state was read from it (it defines flags or has errors). */
  private isKnownStateFile(file: string): boolean {
    if (this.config.state.flagd.some((configured) => normalize(configured) === file)) return true;
    if (this.currentSnapshot.flags.some((flag) => flag.definition?.file === file)) return true;
    return this.currentSnapshot.errors.some((error) => this.toRelative(error.file) === file);
  }

  private workspaceRules(): WorkspaceRules {
    return (this.rules ??= new WorkspaceRules(this.options.fs, this.options.root, this.config.exclude));
  }

  /** Workspace-relative path with `/` separators (absolute paths outside the root stay absolute). */
  toRelative(path: string): string {
    if (!isAbsolute(path)) return normalize(path);
    const rel = relative(this.options.root, path);
    if (rel.startsWith('..') || isAbsolute(rel)) return path.split(sep).join('/');
    return rel.split(sep).join('/');
  }

  toAbsolute(file: string): string {
    return isAbsolute(file) ? file : join(this.options.root, ...file.split('/'));
  }

  // ------------------------------------------------------------------------------------------
  // Internals

  private async runIndex(signal: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<IndexEnd> {
    const generation = this.analysisGeneration;
    const analysis = this.analysis;
    let outcome: IndexOutcome;
    try {
      outcome = await analysis.index({ signal, onProgress });
    } catch (error) {
      if (generation !== this.analysisGeneration) return { status: 'replaced' };
      if (isAnalysisCancelled(error)) return signal.aborted && this.indexAbort !== undefined && this.indexAbort.signal !== signal ? { status: 'replaced' } : { status: 'cancelled' };
      this.log(`indexing failed: ${messageOf(error)}`);
      if (isAnalysisLost(error)) this.recoverLostAnalysis();
      return { status: 'failed', message: messageOf(error) };
    }
    // The config changed meanwhile: a new analysis and its own index replaced this one.
    if (generation !== this.analysisGeneration) return { status: 'replaced' };
    this.referencesByFile = new Map(outcome.references);
    this.allReferencesCache = undefined;
    this.indexed = true;
    for (const failure of outcome.failures) this.log(`skipped ${failure.file}: ${failure.reason}`);
    this.invalidateFindings();
    this.emit({ indexed: true });
    return { status: 'done', outcome };
  }

  /**
   * Sends a change to the analysis and applies its answer when it arrives (unless the analysis was replaced
   * meanwhile). Answers come back in the order the changes were sent, so the last one wins. With the documents
   * lane the change goes there too: its answer (the changed buffer's references) usually comes first and is shown
   * at once; the main analysis's answer (dependents too) follows. An answer about a file is shown only if no answer
   * about a newer change of that file is shown already.
   */
  private analyse(change: AnalysisChange): void {
    const generation = this.analysisGeneration;
    const file = this.toRelative(change.path);
    const number = ++this.changeCount;
    this.newestChange.set(file, number);
    const apply = (update: ReferenceUpdate, lane: 'documents' | 'main') => {
      if (generation !== this.analysisGeneration) return;
      this.answeredFiles.add(file);
      if (!update.files.length) return;
      const files: string[] = [];
      for (const [answered, references] of update.files) {
        // Before the index ends only open documents are shown (a closed one's answer may still be in flight).
        if (!this.indexed && !this.openDocuments.has(answered)) continue;
        if (answered === file) {
          // A newer text of this file is shown already (the other lane answered it); a lane answers only the newest.
          if ((this.shownChange.get(file) ?? 0) > number) continue;
          if (lane === 'documents' && this.newestChange.get(file) !== number) continue;
          this.shownChange.set(file, number);
        }
        if (references.length) this.referencesByFile.set(answered, references);
        else this.referencesByFile.delete(answered);
        this.diskTexts.delete(answered);
        files.push(answered);
      }
      if (!files.length) return;
      this.allReferencesCache = undefined;
      if (this.indexed) this.updateFindingsOf(files);
      else this.invalidateFindings();
      this.emit({ files });
    };
    const failed = (lane: 'documents' | 'main') => (error: unknown) => {
      if (generation !== this.analysisGeneration) return;
      this.log(`analysing ${file}${lane === 'documents' ? ' (open document)' : ''} failed: ${messageOf(error)}`);
      if (isAnalysisLost(error)) this.recoverLostAnalysis();
    };
    const track = (pending: Promise<void>) => {
      this.pendingUpdates.add(pending);
      void pending.finally(() => this.pendingUpdates.delete(pending));
      return pending;
    };
    const main = track(this.analysis.update(change).then((update) => apply(update, 'main'), failed('main')));
    // A request on the document waits for the first answer about its newest text: the documents lane's, for a buffer.
    const lane = this.documents && change.kind === 'buffer' ? track(this.documents.update(change).then((update) => apply(update, 'documents'), failed('documents'))) : undefined;
    if (this.documents && change.kind !== 'buffer') void this.documents.update(change).catch(() => undefined);
    const answered = lane ? Promise.race([lane, main]) : main;
    this.pendingByFile.set(file, { answered, sentAtMs: this.options.timers.monotonicMs() });
    void answered.finally(() => {
      if (this.pendingByFile.get(file)?.answered === answered) this.pendingByFile.delete(file);
    });
  }

  private async loadStateOnce(): Promise<void> {
    const previous = this.currentSnapshot;
    let snapshot: StateSnapshot;
    try {
      snapshot = await loadState(this.providers, this.now());
    } catch (error) {
      // Unreachable source: keep the last known state, marked as such.
      snapshot = { ...previous, staleness: previous.staleness ?? { since: previous.fetchedAt, reason: messageOf(error) } };
      this.log(`loading the rollout state failed: ${messageOf(error)}`);
    }
    this.currentSnapshot = snapshot;
    this.flagsByKey = new Map(snapshot.flags.map((flag) => [flag.key, flag]));
    this.invalidateFindings();
    this.emit({ state: true });
  }

  private async write(key: string, run: (provider: StateProvider) => Promise<RolloutChange>): Promise<RolloutWriteResult> {
    if (!this.trust.trusted) {
      return { ok: false, reason: 'untrusted', message: 'This workspace is not trusted: Flaglens makes no writes or network requests here.' };
    }
    // With a config that cannot be read or has errors the defaults apply for display, never for a write.
    if (this.configErrors.length) {
      const first = this.configErrors[0]!;
      return { ok: false, reason: 'invalid', message: `${this.toRelative(first.file)}:${first.line}:${first.column}: ${first.message} (fix flaglens.yaml before a bump or abort)` };
    }
    try {
      const provider = await providerForFlag(this.providers, key);
      if (!provider) return { ok: false, reason: 'not-found', message: `flag '${key}' is not defined by any configured state source` };
      const change = await run(provider);
      await this.reloadState();
      // The step changed: its health is judged on the new window, not on the next tick.
      void this.live?.evaluateHealthNow().catch(() => undefined);
      return { ok: true, change };
    } catch (error) {
      if (error instanceof RolloutRefusedError) return { ok: false, reason: error.reason, message: error.message };
      return { ok: false, reason: 'error', message: messageOf(error) };
    }
  }

  private findings(): { byFile: Map<string, Finding[]>; byKey: Map<string, Finding[]> } {
    if (this.findingsCache) return this.findingsCache;
    const cache = { byFile: new Map<string, Finding[]>(), byKey: new Map<string, Finding[]>() };
    this.findingsStale = false;
    try {
      this.addFindings(cache, computeHostFindings(this.findingsInput(this.allReferences())));
    } catch (error) {
      this.log(`computing findings failed: ${messageOf(error)}`);
    }
    this.findingsCache = cache;
    return cache;
  }

  private invalidateFindings(): void {
    this.findingsCache = undefined;
    this.referencesByKeyCache = undefined;
  }

  /**
   * The keystroke path: recomputes only the per-reference findings of the changed files (cost follows the
   * edited file, not the workspace), then schedules one full pass for the workspace-wide rules (FL004
   * unused flags, FL005 inconsistent defaults), which republishes when it is done.
   */
  private updateFindingsOf(files: string[]): void {
    this.referencesByKeyCache = undefined;
    const cache = this.findingsCache;
    if (!cache) return;
    const changed = new Set(files);
    const references = files.flatMap((file) => this.referencesInFile(file));
    let fresh: Finding[] = [];
    try {
      fresh = computeHostFindings({ ...this.findingsInput(references), indexed: false }).filter((finding) => changed.has(this.toRelative(finding.file)));
    } catch (error) {
      this.log(`computing findings failed: ${messageOf(error)}`);
    }
    for (const file of changed) {
      // Workspace-wide findings of other files stay until the full pass; this file's are all recomputed.
      for (const finding of cache.byFile.get(file) ?? []) {
        if (finding.key === null) continue;
        const keyed = cache.byKey.get(finding.key);
        if (keyed) cache.byKey.set(finding.key, keyed.filter((candidate) => candidate !== finding));
      }
      cache.byFile.delete(file);
    }
    this.addFindings(cache, fresh);
    this.findingsStale = true;
    this.fullFindingsTimer?.();
    this.fullFindingsTimer = this.options.timers.schedule(FULL_FINDINGS_DELAY_MS, () => {
      this.fullFindingsTimer = undefined;
      if (!this.findingsStale) return;
      this.invalidateFindings();
      this.emit({ files: undefined, findings: true });
    });
  }

  private findingsInput(references: FlagReference[]) {
    return {
      references,
      snapshot: this.currentSnapshot,
      config: { ...this.config, stale: { ...this.config.stale, releasedDays: this.staleReleasedDays() } },
      health: this.healthByKey,
      now: this.now(),
      indexed: this.indexed,
      readFile: (file: string) => this.sourceText(file),
    };
  }

  sourceText(file: string): string | undefined {
    const open = this.openDocuments.get(file);
    if (open !== undefined) return open;
    if (!this.diskTexts.has(file)) this.diskTexts.set(file, this.readDisk(this.toAbsolute(file)));
    return this.diskTexts.get(file);
  }

  private addFindings(cache: { byFile: Map<string, Finding[]>; byKey: Map<string, Finding[]> }, findings: Finding[]): void {
    for (const finding of findings) {
      const file = this.toRelative(finding.file);
      let list = cache.byFile.get(file);
      if (!list) cache.byFile.set(file, (list = []));
      list.push(finding);
      if (finding.key !== null) {
        let keyed = cache.byKey.get(finding.key);
        if (!keyed) cache.byKey.set(finding.key, (keyed = []));
        keyed.push(finding);
      }
    }
  }

  private reloadConfig(): void {
    this.config = this.readConfig();
    // `exclude` may have changed: the rules are read again.
    this.rules = undefined;
    this.disposeProviders();
    this.providers = this.createProviders();
    this.replaceAnalysis();
    this.emit({ config: true });
    void this.reloadState();
  }

  /**
   * The analysis stopped (its worker crashed): a new one is indexed, at most once a minute so that a workspace
   * that crashes the worker every time does not loop.
   */
  private recoverLostAnalysis(): void {
    const now = this.options.timers.monotonicMs();
    if (this.lastRecoveryMs !== undefined && now - this.lastRecoveryMs < 60_000) return;
    this.lastRecoveryMs = now;
    this.log('the analysis stopped: indexing again');
    this.replaceAnalysis();
  }

  /**
   * A new analysis for the current config and ignore rules, indexed in the background; the running index is
   * cancelled and the answers of the old analysis are dropped. Open documents are analysed at once.
   */
  private replaceAnalysis(): void {
    this.indexAbort?.abort();
    this.analysis.dispose();
    this.documents?.dispose();
    this.analysisGeneration++;
    this.createAnalyses();
    this.answeredFiles = new Set();
    this.shownChange = new Map();
    this.indexed = false;
    this.referencesByFile = new Map();
    this.allReferencesCache = undefined;
    this.invalidateFindings();
    for (const [file, text] of this.openDocuments) {
      if (this.isConfigFile(this.toAbsolute(file)) || this.isStateFile(file) || !SOURCE_FILE.test(file)) continue;
      this.analyse({ kind: 'buffer', path: this.toAbsolute(file), text });
    }
    if (this.live) void this.startIndex();
  }

  /** The main analysis for the current config, and the documents lane beside it when the front-end has one. */
  private createAnalyses(): void {
    const target = { root: this.options.root, config: this.config };
    this.documents = this.options.documentsAnalysis?.(target);
    this.analysis = this.options.analysis({ ...target, scanCache: this.scanCacheEnabled, ...(this.documents ? { documentsAnsweredElsewhere: true } : {}) });
  }

  private readConfig(): FlaglensConfig {
    const configFile = join(this.options.root, CONFIG_FILE_NAME);
    const open = this.openDocuments.get(CONFIG_FILE_NAME);
    const result = loadConfig(
      open === undefined ? this.options.fs : { ...this.options.fs, readFile: (path) => (path === configFile ? open : this.options.fs.readFile(path)) },
      this.options.root,
    );
    this.configErrors = result.errors;
    // Workspace folders inside this one serve their own files: they are left out like `exclude`.
    if (this.nestedFolders.length) result.config.exclude = [...result.config.exclude, ...this.nestedFolders.map((folder) => `${folder}/**`)];
    // An invalid config is reported in flaglens.yaml and the defaults apply, so the editor keeps working.
    return result.config;
  }

  private createProviders(): StateProvider[] {
    try {
      return createStateProviders({
        root: this.options.root,
        config: this.config,
        fs: this.options.fs,
        git: this.options.git,
        clock: this.options.clock,
        timers: this.options.timers,
        writer: this.options.writer,
        tokens: this.tokenVault(),
        allowNetwork: this.trust.trusted,
        outsideWorkspaceHint: 'the editor writes only inside the workspace (the CLI can, with --allow-outside-workspace)',
        snapshotDir: join(this.options.root, '.flaglens'),
        flagdHistory: this.options.flagdHistory,
        flagdTexts: this.options.flagdTexts,
      });
    } catch (error) {
      this.log(`creating state providers failed: ${messageOf(error)}`);
      return [];
    }
  }

  private disposeProviders(): void {
    for (const provider of this.providers) {
      try {
        provider.dispose?.();
      } catch {
        // A provider that fails to release its timers must not stop the others.
      }
    }
  }

  private isConfigFile(absPath: string): boolean {
    return this.toRelative(absPath) === CONFIG_FILE_NAME;
  }

  private readDisk(absPath: string): string | undefined {
    try {
      return this.options.fs.readFile(absPath);
    } catch {
      return undefined;
    }
  }

  private emit(change: HostChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.log(`change listener failed: ${messageOf(error)}`);
      }
    }
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}

/** flagd definition file names (`flags.flagd.json`, `*.flagd.yaml`), used when flaglens.yaml names none. */
export function looksLikeStateFile(file: string): boolean {
  return /(^|\/)[^/]*\.?flagd\.(json|ya?ml)$/.test(file);
}

function emptySnapshot(now: Date): StateSnapshot {
  return { provider: 'none', flags: [], removedKeys: [], errors: [], fetchedAt: now.toISOString() };
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
