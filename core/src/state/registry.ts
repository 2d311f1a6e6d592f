// The registry of rollout-state providers: every source of rollout state implements `StateProvider`
// (model.ts); adding one touches its own folder and one line in `providerFactories` below.
import type { FlaglensConfig } from '../config.js';
import type { Clock, FileSystem, FileWriter, GitHost, Timers } from '../io.js';
import type { TokenVault } from '../trust.js';
import type { StateProvider, StateSnapshot } from '../model.js';
import { flagdProviderFactory } from './flagdProvider.js';
import { unleashProviderFactory } from '../providers/unleash/provider.js';

/** What a provider may use: the workspace, its config, and the IO interfaces (never globals). */
export interface ProviderContext {
  /** Absolute workspace root. */
  root: string;
  config: FlaglensConfig;
  fs: FileSystem;
  git: GitHost;
  clock: Clock;
  /** Waits and monotonic time (lock waits, request deadlines). */
  timers: Timers;
  /** Every write of a state file or the snapshot goes through it, confined to the workspace (workspaceWrites.ts). */
  writer: FileWriter;
  /** Provider tokens, each only for the origin it is trusted for (CLI: environment + FLAGLENS_TRUST; editor: stored per origin). */
  tokens: TokenVault;
  /** False in an untrusted workspace: no network requests and no writes. */
  allowNetwork: boolean;
  /** State-file writes may resolve outside the workspace root (the CLI's `--allow-outside-workspace`). */
  allowOutsideWorkspace?: boolean;
  /** How a refused outside-workspace write tells people to allow it (default: the CLI option). */
  outsideWorkspaceHint?: string;
  /** Folder for persisted snapshots (last known remote state), e.g. `<root>/.flaglens`; undefined: none. */
  snapshotDir?: string;
}

/** Returns the providers configured for this workspace (or none). */
export type ProviderFactory = (context: ProviderContext) => StateProvider[];

export const providerFactories: ProviderFactory[] = [flagdProviderFactory, unleashProviderFactory];

export function createStateProviders(context: ProviderContext): StateProvider[] {
  return providerFactories.flatMap((factory) => factory(context));
}

/**
 * Loads every provider and merges their snapshots. A flag defined by several providers is taken from the
 * first (registry order); errors and removed keys are concatenated.
 */
export async function loadState(providers: StateProvider[], now: Date): Promise<StateSnapshot> {
  const merged: StateSnapshot = { provider: providers.map((p) => p.id).join('+') || 'none', flags: [], removedKeys: [], errors: [], fetchedAt: now.toISOString() };
  const seen = new Set<string>();
  for (const provider of providers) {
    const snapshot = await provider.load();
    for (const flag of snapshot.flags) {
      if (seen.has(flag.key)) continue;
      seen.add(flag.key);
      merged.flags.push(flag);
    }
    merged.removedKeys.push(...snapshot.removedKeys.filter((key) => !seen.has(key)));
    merged.errors.push(...snapshot.errors);
    if (snapshot.staleness && !merged.staleness) merged.staleness = snapshot.staleness;
    if (snapshot.fetchedAt < merged.fetchedAt) merged.fetchedAt = snapshot.fetchedAt;
  }
  return merged;
}

/** The provider that owns a flag (for bump/abort): the first that defines it. */
export async function providerForFlag(providers: StateProvider[], key: string): Promise<StateProvider | undefined> {
  for (const provider of providers) {
    const snapshot = await provider.load();
    if (snapshot.flags.some((flag) => flag.key === key)) return provider;
  }
  return undefined;
}
