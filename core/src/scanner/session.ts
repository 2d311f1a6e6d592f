// The state one file's analysis shares between the scanner's parts: the module store, the cross-file
// cache, the dependency recorder and the recursion guard, and the parts themselves (module graph,
// key evaluation, origins, wrappers, preset matching), which call each other through it.
import type { ts } from 'ts-morph';
import type { CustomCheck } from '../config.js';
import type { ResolvedImport } from './resolution/resolver.js';
import type { ParsedModule } from './parsedModule.js';
import { ModuleGraph, type Resolved } from './moduleGraph.js';
import { KeyEvaluator } from './keys.js';
import { OriginResolver } from './origins.js';
import { WrapperDetector, type WrapperInfo } from './wrappers.js';
import { CheckMatcher } from './matching.js';
import { DeclaredTypes } from './declaredTypes.js';

/** Gives the analyser other modules (parsed lazily) and resolves specifiers. */
export interface ModuleStore {
  module(path: string): ParsedModule | undefined;
  /**
   * Whether a module's text could hold a check or pass one on (the prefilter's test — an SDK specifier, a
   * configured check name, a known trigger name — or a re-export): answered from the text, without
   * parsing. Used to bound speculative lookups.
   */
  mayHoldChecks(path: string): boolean;
  /** Where an import of `specifier` from `fromFile` leads: a file of the workspace, or why not. */
  resolve(fromFile: string, specifier: string, mode?: 'import' | 'require'): ResolvedImport;
}

export interface AnalysisOptions {
  customChecks: CustomCheck[];
  shared?: SharedAnalysisCache;
}

/**
 * Results shared between the analyses of different files (wrapper detection is the costly part), each
 * with the modules it consulted so a file reusing it still records its dependencies. The host clears
 * it whenever any file changes.
 */
export interface SharedAnalysisCache {
  /** Weak: it must not keep the syntax trees of files the host has let go. */
  wrappers: WeakMap<ts.Node, { info: WrapperInfo | null; dependencies: string[] }>;
  /** `path\0name` → what a module's export resolves to (through re-exports and barrels). */
  exports: Map<string, { resolved: Resolved; dependencies: string[] }>;
}

export function createSharedAnalysisCache(): SharedAnalysisCache {
  return { wrappers: new WeakMap(), exports: new Map() };
}

/** How deep evaluation, origin and wrapper recursion may go before giving up (cycles end earlier, by memo). */
export const MAX_DEPTH = 40;

/**
 * Records which modules an analysis consulted. A nested scope (`collect`) gathers the modules one
 * cached sub-result needed, so a later file reusing that result records them too.
 */
export class DependencyRecorder {
  private readonly scopes: Array<Set<string>> = [new Set()];

  add(path: string): void {
    this.scopes[this.scopes.length - 1].add(path);
  }

  addAll(paths: Iterable<string>): void {
    const scope = this.scopes[this.scopes.length - 1];
    for (const path of paths) scope.add(path);
  }

  /** Runs `compute` in a scope of its own; its dependencies are returned and also added to the enclosing scope. */
  collect<T>(compute: () => T, initial: string[] = []): { value: T; dependencies: string[] } {
    const scope = new Set(initial);
    this.scopes.push(scope);
    let value: T;
    try {
      value = compute();
    } finally {
      this.scopes.pop();
      this.addAll(scope);
    }
    return { value, dependencies: [...scope] };
  }

  /** Every module consulted so far. */
  get all(): Set<string> {
    return this.scopes[0];
  }
}

export class AnalysisSession {
  readonly shared: SharedAnalysisCache;
  readonly dependencies = new DependencyRecorder();
  readonly graph: ModuleGraph;
  readonly keys: KeyEvaluator;
  readonly origins: OriginResolver;
  readonly types: DeclaredTypes;
  readonly wrappers: WrapperDetector;
  readonly matcher: CheckMatcher;
  /** Current recursion depth across the parts (evaluation, origins, wrappers). */
  depth = 0;
  /** Counts wrapper-recursion guard hits: a result computed while one happened may be incomplete. */
  guardHits = 0;
  /** Set when a check in this file is keyed by a function parameter (the file may define wrappers). */
  sawParameterKey = false;
  /** While set, only modules that may hold checks are opened (see `onlyModulesThatMayHoldChecks`). */
  moduleGate = false;

  constructor(
    readonly store: ModuleStore,
    readonly options: AnalysisOptions,
    /** The file being analysed. */
    readonly module: ParsedModule,
  ) {
    this.shared = options.shared ?? createSharedAnalysisCache();
    this.graph = new ModuleGraph(this);
    this.keys = new KeyEvaluator(this);
    this.origins = new OriginResolver(this);
    this.types = new DeclaredTypes(this);
    this.wrappers = new WrapperDetector(this);
    this.matcher = new CheckMatcher(this, options.customChecks);
  }

  /**
   * Runs a speculative lookup (is this zero-argument call an accessor? this JSX tag a wrapper component?)
   * opening only modules that may hold checks: any other module cannot define one, and parsing it would be wasted.
   * Results computed meanwhile are not shared with other files (they may be incomplete).
   */
  onlyModulesThatMayHoldChecks<T>(compute: () => T): T {
    const before = this.moduleGate;
    this.moduleGate = true;
    try {
      return compute();
    } finally {
      this.moduleGate = before;
    }
  }

  /** Runs `compute` one level deeper, or returns `tooDeep` past MAX_DEPTH. */
  deeper<T>(tooDeep: T, compute: () => T): T {
    if (this.depth > MAX_DEPTH) return tooDeep;
    this.depth++;
    try {
      return compute();
    } finally {
      this.depth--;
    }
  }
}
