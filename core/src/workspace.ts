// The facade both front-ends use for a whole-workspace analysis: config → scan → rollout state → findings
// → per-flag overview. Each step stays separately callable (the language server composes them incrementally).
import { join } from 'node:path';
import { loadConfig, type FlaglensConfig } from './config.js';
import type { HttpTransport } from './http.js';
import type { Clock, FileSystem, GitHost } from './io.js';
import { stateConfigurationErrors, type Finding, type FlagHealth, type InputError, type ProviderContext, type ScanResult, type StateProvider, type StateSnapshot } from './model.js';
import { computeFindings, resolveReferenceKeys, summarizeFlags, type FlagOverview } from './rules/index.js';
import { scanWorkspace, type ScanCacheStore } from './scanner/index.js';
import { createStateProviders, loadState } from './state/registry.js';
import { tokenTrustErrors } from './trust.js';
import { evaluateRolloutHealth } from './health/workspaceHealth.js';

/** The provider context (root, IO, env, trust, snapshot folder), with the config path instead of the config. */
export interface AnalyzeWorkspaceOptions extends Omit<ProviderContext, 'config'> {
  /** flaglens.yaml to use instead of `<root>/flaglens.yaml` (absolute, or relative to root). */
  configPath?: string;
  /** Health per flag (live metrics), for FL006; evaluated here through `http` when not given. */
  health?: Map<string, FlagHealth>;
  /** The front-end's HTTP client for Prometheus; without it (and without `health`) health is not evaluated. */
  http?: HttpTransport;
  /** Scan progress (files done, total). */
  onProgress?: (done: number, total: number) => void;
  /** The scanner's persistent cache (see scanner/scanCache.ts); without it every run scans from scratch. */
  scanCache?: ScanCacheStore;
}

export interface WorkspaceAnalysis {
  root: string;
  config: FlaglensConfig;
  /**
   * Non-empty: the config is invalid, names a server its token is not trusted for (code `token-untrusted`) or a
   * state file that is missing or unreadable (NAMED_STATE_FILE_ERROR); nothing else was done (scan, state,
   * findings and flags are empty).
   */
  configErrors: InputError[];
  scan: ScanResult;
  state: StateSnapshot;
  findings: Finding[];
  flags: FlagOverview[];
}

/** Runs the whole analysis. Never throws for bad input: config errors stop it, state errors land in `state.errors`. */
export async function analyzeWorkspace(options: AnalyzeWorkspaceOptions): Promise<WorkspaceAnalysis> {
  const now = options.clock.now();
  const loaded = loadConfig(options.fs, options.root, options.configPath);
  const config = loaded.config;
  // A token the repository points at a server it is not trusted for stops the run before anything is requested.
  const configErrors = loaded.errors.length ? loaded.errors : options.allowNetwork ? tokenTrustErrors(config, options.tokens) : [];
  if (configErrors.length) {
    return { root: options.root, config, configErrors, scan: emptyScanResult(), state: emptySnapshot(now), findings: [], flags: [] };
  }
  const providers = createStateProviders(providerContext(options, config));
  let state: StateSnapshot;
  try {
    state = await loadWorkspaceState(providers, now, config);
  } finally {
    for (const provider of providers) provider.dispose?.();
  }
  // A state file flaglens.yaml names that is missing is the configuration's error: nothing is checked against half a state.
  const namedStateErrors = stateConfigurationErrors(state.errors);
  if (namedStateErrors.length) {
    return { root: options.root, config, configErrors: namedStateErrors, scan: emptyScanResult(), state: emptySnapshot(now), findings: [], flags: [] };
  }
  const scan = await scanWorkspace({ root: options.root, config, fs: options.fs, onProgress: options.onProgress, cache: options.scanCache });
  // Live health for FL006 and the flag list: evaluated here when the caller passes none (the CLI).
  const health = options.health ?? (options.http ? await evaluateRolloutHealth(state, { metrics: config.metrics, clock: options.clock, allowNetwork: options.allowNetwork, http: options.http, steps: options.snapshotDir ? { fs: options.fs, stateDirectory: options.snapshotDir } : undefined }) : undefined);
  const findings = computeFindings({
    references: scan.references,
    state,
    config,
    clock: options.clock,
    health,
    readSource: workspaceSourceReader(options.root, options.fs),
  });
  const flags = summarizeFlags({ state, references: resolveReferenceKeys(scan.references, state), findings, clock: options.clock, health });
  return { root: options.root, config, configErrors, scan, state, findings, flags };
}

/** The ProviderContext for a workspace (also used by bump/abort). */
export function providerContext(options: Omit<AnalyzeWorkspaceOptions, 'configPath' | 'health' | 'onProgress' | 'http' | 'scanCache'>, config: FlaglensConfig): ProviderContext {
  return {
    root: options.root,
    config,
    fs: options.fs,
    git: options.git,
    clock: options.clock,
    timers: options.timers,
    writer: options.writer,
    tokens: options.tokens,
    allowNetwork: options.allowNetwork,
    allowOutsideWorkspace: options.allowOutsideWorkspace,
    outsideWorkspaceHint: options.outsideWorkspaceHint,
    snapshotDir: options.snapshotDir,
  };
}

/**
 * Loads and merges every provider's state. A provider whose source cannot be reached at all (it throws) does
 * not sink the others: its failure becomes a state error naming the config file.
 */
export async function loadWorkspaceState(providers: StateProvider[], now: Date, config: FlaglensConfig): Promise<StateSnapshot> {
  try {
    return await loadState(providers, now);
  } catch {
    const working: StateProvider[] = [];
    const errors: InputError[] = [];
    for (const provider of providers) {
      try {
        await provider.load();
        working.push(provider);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.push({ file: config.file ?? 'flaglens.yaml', line: 1, column: 1, message: `${provider.id}: cannot read the rollout state: ${message}`, code: 'state-unavailable' });
      }
    }
    const merged = await loadState(working, now);
    return { ...merged, errors: [...merged.errors, ...errors] };
  }
}

/** Reads workspace-relative files through the FileSystem (undefined when unreadable), for suppression comments. */
export function workspaceSourceReader(root: string, fs: FileSystem): (file: string) => string | undefined {
  return (file) => {
    try {
      return fs.readFile(join(root, file));
    } catch {
      return undefined;
    }
  };
}

export function emptyScanResult(): ScanResult {
  return { references: [], files: 0, parsedFiles: 0, skipped: { binary: 0, tooLarge: 0, unreadable: 0, failed: 0 }, failures: [], durationMs: 0 };
}

export function emptySnapshot(now: Date): StateSnapshot {
  return { provider: 'none', flags: [], removedKeys: [], errors: [], fetchedAt: now.toISOString() };
}
