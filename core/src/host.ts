// The incremental analysis host the language server drives: it holds the scanner, the rollout state
// (providers from the registry, loaded in the background), health (plugged in by the live-metrics code
// through `setHealth`), and the findings per file. It applies document and on-disk changes, and answers
// every IDE feature from memory (it implements `FeatureWorkspace`). It never talks to an editor protocol.
import { isAbsolute, join, relative, sep } from 'node:path';
import { CONFIG_FILE_NAME, loadConfig, parseConfig, type FlaglensConfig } from './config.js';
import type { HttpTransport } from './http.js';
import type { Clock, FileSystem, FileWriter, GitHost, Timers } from './io.js';
import { storedTokenVault, tokenRequirements, type StoredToken } from './trust.js';
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
import { ScannerHost, isResolutionInput } from './scanner/index.js';
import { listWorkspaceFiles } from './scanner/walk.js';
import { WorkspaceRules } from './workspaceFiles.js';
import { flaglensFileWriter } from './workspaceWrites.js';
import { createStateProviders, loadState, providerForFlag } from './state/registry.js';
import type { FeatureWorkspace } from './features/workspaceView.js';
import { computeHostFindings, mapReferenceKey } from './features/rulesBridge.js';
import { decideBumpByHealth, recordRolloutStep, startLiveUpdates, type LiveUpdates, type WatchLease } from './health/index.js';

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
  /** Diagnostic log (never given secrets). */
  log?: (message: string) => void;
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
  private scanner: ScannerHost;
  private providers: StateProvider[] = [];
  private currentSnapshot: StateSnapshot;
  private healthByKey = new Map<string, FlagHealth>();
  private watchLeases = new Map<string, WatchLease>();
  private flagsByKey = new Map<string, FlagState>();
  /** Editor buffers, keyed by workspace-relative path: they win over the disk. */
  private openDocuments = new Map<string, string>();
  private sourceFileList: string[] | undefined;
  /** The walk's ignore rules (.gitignore, exclude, node_modules), for files that change on disk. */
  private rules: WorkspaceRules | undefined;
  /** References of files analysed before the index finished (opened documents). */
  private earlyReferences = new Map<string, FlagReference[]>();
  private indexed = false;
  private indexing: Promise<void> | undefined;
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
  private trust = { tokens: [] as StoredToken[], trusted: false };
  private staleDaysOverride: number | null = null;
  /** Background health evaluation and Unleash polling; started with `start`. */
  private live: LiveUpdates | undefined;

  constructor(readonly options: FlaglensHostOptions) {
    this.currentSnapshot = emptySnapshot(options.clock.now());
    this.config = this.readConfig();
    this.scanner = this.createScanner();
    this.providers = this.createProviders();
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  /** Loads the state, starts live updates and indexes the workspace in the background (progress: done/total files). */
  start(onProgress?: (done: number, total: number) => void): Promise<void> {
    void this.reloadState();
    return this.startIndex(onProgress);
  }

  /** Starts live updates and indexes the workspace (the state is loaded separately by `reloadState`). */
  startIndex(onProgress?: (done: number, total: number) => void): Promise<void> {
    this.live ??= startLiveUpdates(this, { http: this.options.http, files: { fs: this.options.fs, stateDirectory: this.stateDirectory } });
    this.indexing = this.runIndex(onProgress);
    return this.indexing;
  }

  /**
   * Compiles the analysis code paths once on a tiny in-memory snippet, so the first opened document is
   * not also the first thing the parser ever sees (JIT warm-up of the scanner and TypeScript).
   */
  warmUp(): void {
    try {
      const scratch = new ScannerHost({ root: this.options.root, config: this.config, fs: this.options.fs });
      scratch.analyzeFile(
        join(this.options.root, '.flaglens-warm-up.ts'),
        "const client = { getBooleanValue: (key: string, fallback: boolean) => fallback };\nexport const on = client.getBooleanValue('warm-up', false);\n",
      );
    } catch (error) {
      this.log(`warm-up failed: ${messageOf(error)}`);
    }
  }

  /** Resolves when the current index run is done. */
  whenIndexed(): Promise<void> {
    return this.indexing ?? Promise.resolve();
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

  /** Workspace-relative source files; listed on first use and again after a file is created or deleted on disk. */
  sourceFiles(): readonly string[] {
    if (!this.sourceFileList) {
      const listing = listWorkspaceFiles(this.options.fs, this.options.root, this.config.exclude);
      this.rules = listing.rules;
      this.sourceFileList = listing.files.map((absPath) => this.toRelative(absPath)).filter((file) => SOURCE_FILE.test(file));
    }
    return this.sourceFileList;
  }

  onDidChange(listener: HostChangeListener): void {
    this.listeners.push(listener);
  }

  /** Tokens (each stored for one origin) and workspace trust from the client; untrusted: no network, no writes. */
  setTrust(trust: { tokens: StoredToken[]; trusted: boolean }): void {
    const changed = trust.trusted !== this.trust.trusted || JSON.stringify(trust.tokens) !== JSON.stringify(this.trust.tokens);
    this.trust = { tokens: trust.tokens.map((token) => ({ ...token })), trusted: trust.trusted };
    if (!changed) return;
    this.disposeProviders();
    this.providers = this.createProviders();
    void this.reloadState();
  }

  get writesAllowed(): boolean {
    return this.trust.trusted;
  }

  /** Tokens flaglens.yaml asks to send that have none stored for their origin (the client offers to set them). */
  missingTokens(): MissingToken[] {
    if (!this.trust.trusted) return [];
    const vault = storedTokenVault(this.trust.tokens);
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

  /** `<root>/.flaglens`: snapshots, rollout step records, watch leases. */
  get stateDirectory(): string {
    return join(this.options.root, '.flaglens');
  }

  /** `flaglens.staleDays` from the editor settings (null: use flaglens.yaml). */
  setStaleDaysOverride(days: number | null): void {
    if (days === this.staleDaysOverride) return;
    this.staleDaysOverride = days;
    this.invalidateFindings();
    this.emit({ state: true });
  }

  dispose(): void {
    this.live?.dispose();
    this.fullFindingsTimer?.();
    this.disposeProviders();
    this.listeners = [];
  }

  // ------------------------------------------------------------------------------------------
  // Changes

  /** An editor opened a document: it is analysed now, even while the index is still running. */
  openDocument(absPath: string, text: string): void {
    const file = this.toRelative(absPath);
    this.openDocuments.set(file, text);
    if (this.isConfigFile(absPath)) return this.validateConfigBuffer(file, text);
    this.applyText(absPath, file, text);
  }

  changeDocument(absPath: string, text: string): void {
    const file = this.toRelative(absPath);
    // Editors report the opening text as a change too: nothing to redo then.
    if (this.openDocuments.get(file) === text) return;
    this.openDocuments.set(file, text);
    if (this.isConfigFile(absPath)) return this.validateConfigBuffer(file, text);
    if (this.isStateFile(file)) {
      // Unsaved state-file edits are not the rollout state; the state reloads when the file is saved.
      return;
    }
    this.applyText(absPath, file, text);
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
    this.earlyReferences.delete(file);
    if (this.isConfigFile(absPath)) {
      // Unsaved edits are gone: the errors of the file on disk apply again.
      this.configErrors = loadConfig(this.options.fs, this.options.root).errors;
      this.emit({ files: [file] });
      return;
    }
    if (this.isStateFile(file)) return;
    this.applyText(absPath, file, this.readDisk(absPath));
  }

  /** A file changed on disk (saved, git checkout, another tool). */
  fileChangedOnDisk(absPath: string): void {
    const file = this.toRelative(absPath);
    this.diskTexts.delete(file);
    if (this.isConfigFile(absPath)) return this.reloadConfig();
    if (file === '.gitignore' || file.endsWith('/.gitignore')) {
      // The rules changed: the next listing reads them again.
      this.rules = undefined;
      this.sourceFileList = undefined;
      return;
    }
    // What the walk leaves out (dist/ written by a build, node_modules by npm) is not part of the workspace,
    // unless it is a state file flaglens.yaml names or the state was read from.
    const ignored = !isAbsolute(file) && this.workspaceRules().isIgnored(file, false);
    if (this.isKnownStateFile(file) || (!ignored && (this.isStateFile(file) || looksLikeStateFile(file)))) {
      void this.reloadState();
      return;
    }
    if (ignored) return;
    // Created or deleted files change the listing; edits do not, but telling them apart costs a stat.
    if (this.sourceFileList && this.sourceFileList.includes(file) !== this.options.fs.exists(absPath)) this.sourceFileList = undefined;
    if (this.openDocuments.has(file)) return;
    // tsconfig, package.json and workspace declarations change how imports resolve (and so keys and clients).
    if (isResolutionInput(file) && this.indexed) {
      const changed = this.scanner.resolutionInputChanged().map((path) => this.toRelative(path));
      for (const path of changed) this.diskTexts.delete(path);
      this.updateFindingsOf(changed);
      if (changed.length) this.emit({ files: changed });
      return;
    }
    // Other JSON/YAML files (CI config) hold no flag checks.
    if (!SOURCE_FILE.test(file)) return;
    this.applyText(absPath, file, this.readDisk(absPath));
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
      this.recordStep(change, 'bump');
      return change;
    });
  }

  async abort(request: AbortRequest): Promise<RolloutWriteResult> {
    return this.write(request.key, async (provider) => {
      if (!provider.abort) throw new RolloutRefusedError(`the ${provider.id} provider cannot abort rollouts`, 'unsupported');
      const change = await provider.abort({ ...request, expected: request.expected ?? this.flag(request.key) });
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

  allReferences(): FlagReference[] {
    if (this.indexed) return this.scanner.references();
    return [...this.earlyReferences.values()].flat();
  }

  referencesInFile(file: string): FlagReference[] {
    if (!this.indexed) return this.earlyReferences.get(file) ?? [];
    return this.scanner.referencesInFile(file);
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

  private async runIndex(onProgress?: (done: number, total: number) => void): Promise<void> {
    const scanner = this.scanner;
    try {
      await scanner.indexWorkspace(onProgress);
    } catch (error) {
      this.log(`indexing failed: ${messageOf(error)}`);
    }
    if (scanner !== this.scanner) return; // the config changed meanwhile; a new run replaced this one
    // Documents edited while indexing: the buffer wins over what the index read from disk.
    for (const [file, text] of this.openDocuments) {
      if (this.isStateFile(file) || this.isConfigFile(this.toAbsolute(file))) continue;
      try {
        scanner.updateFile(this.toAbsolute(file), text);
      } catch (error) {
        this.log(`analysing ${file} failed: ${messageOf(error)}`);
      }
    }
    this.indexed = true;
    this.earlyReferences.clear();
    this.invalidateFindings();
    this.emit({ indexed: true });
  }

  private applyText(absPath: string, file: string, text: string | undefined): void {
    try {
      if (this.indexed) {
        const changed = [...new Set([file, ...this.scanner.updateFile(absPath, text).map((path) => this.toRelative(path))])];
        for (const path of changed) this.diskTexts.delete(path);
        this.updateFindingsOf(changed);
        this.emit({ files: changed });
      } else if (text !== undefined && this.openDocuments.has(file)) {
        this.earlyReferences.set(file, this.scanner.analyzeFile(absPath, text));
        this.invalidateFindings();
        this.emit({ files: [file] });
      }
    } catch (error) {
      this.log(`analysing ${file} failed: ${messageOf(error)}`);
    }
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
    const references = files.flatMap((file) => this.scanner.referencesInFile(file));
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
    const previous = this.scanner;
    this.config = this.readConfig();
    // `exclude` may have changed: the listing and its rules are read again.
    this.rules = undefined;
    this.sourceFileList = undefined;
    this.scanner = this.createScanner();
    void previous;
    this.indexed = false;
    this.disposeProviders();
    this.providers = this.createProviders();
    this.invalidateFindings();
    // Open documents are analysed at once against the new config; the rest re-indexes in the background.
    for (const [file, text] of this.openDocuments) {
      if (this.isConfigFile(this.toAbsolute(file))) continue;
      try {
        this.earlyReferences.set(file, this.scanner.analyzeFile(this.toAbsolute(file), text));
      } catch (error) {
        this.log(`analysing ${file} failed: ${messageOf(error)}`);
      }
    }
    this.emit({ config: true });
    this.indexing = this.runIndex();
    void this.reloadState();
  }

  private readConfig(): FlaglensConfig {
    const configFile = join(this.options.root, CONFIG_FILE_NAME);
    const open = this.openDocuments.get(CONFIG_FILE_NAME);
    const result = loadConfig(
      open === undefined ? this.options.fs : { ...this.options.fs, readFile: (path) => (path === configFile ? open : this.options.fs.readFile(path)) },
      this.options.root,
    );
    this.configErrors = result.errors;
    // An invalid config is reported in flaglens.yaml and the defaults apply, so the editor keeps working.
    return result.config;
  }

  private createScanner(): ScannerHost {
    return new ScannerHost({ root: this.options.root, config: this.config, fs: this.options.fs });
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
        tokens: storedTokenVault(this.trust.tokens),
        allowNetwork: this.trust.trusted,
        outsideWorkspaceHint: 'the editor writes only inside the workspace (the CLI can, with --allow-outside-workspace)',
        snapshotDir: join(this.options.root, '.flaglens'),
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
