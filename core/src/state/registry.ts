// The registry of rollout-state providers: every source of rollout state implements `StateProvider`
// (model.ts); adding one touches its own folder and one line in `providerFactories` below. Providers receive a
// `ProviderContext` (model.ts), so they import nothing from here and the registry is the only one importing them.
import type { InputError, ProviderContext, StateProvider, StateSnapshot } from '../model.js';
import { FlagdFileProvider, flagdProviderFactory } from './flagdProvider.js';
import { unleashProviderFactory } from '../providers/unleash/provider.js';

/** Returns the providers configured for this workspace (or none). */
export type ProviderFactory = (context: ProviderContext) => StateProvider[];

export const providerFactories: ProviderFactory[] = [flagdProviderFactory, unleashProviderFactory];

export function createStateProviders(context: ProviderContext): StateProvider[] {
  return providerFactories.flatMap((factory) => factory(context));
}

/**
 * The state files flaglens.yaml names that are missing or unreadable (configuration errors), for commands that
 * do not load the state; the others find them in the state's errors (`stateConfigurationErrors`).
 */
export function namedStateFileErrors(context: ProviderContext): InputError[] {
  return new FlagdFileProvider(context).namedFileErrors();
}

/**
 * Loads every provider and merges their snapshots. A flag defined by several providers is taken from the
 * first (registry order); errors and removed keys are concatenated.
 */
export async function loadState(providers: StateProvider[], now: Date): Promise<StateSnapshot> {
  const merged: StateSnapshot = { provider: providers.map((p) => p.id).join('+') || 'none', flags: [], removedKeys: [], errors: [], fetchedAt: now.toISOString() };
  const seen = new Set<string>();
  let removalsKnown = providers.length > 0;
  for (const provider of providers) {
    const snapshot = await provider.load();
    removalsKnown &&= snapshot.removalsKnown === true;
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
  if (removalsKnown) merged.removalsKnown = true;
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
