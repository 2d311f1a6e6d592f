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
  /**
   * Weak: it must not keep the syntax trees of files the host has let go. Results computed while only modules
   * that may hold checks were opened are kept apart (`gated`), with the modules that were refused.
   */
  wrappers: WeakMap<ts.Node, SharedResult<WrapperInfo | null>>;
  /** `path\0name` → what a module's export resolves to (through re-exports and barrels). */
  exports: Map<string, SharedResult<Resolved>>;
  gatedWrappers: WeakMap<ts.Node, SharedResult<WrapperInfo | null>>;
  gatedExports: Map<string, SharedResult<Resolved>>;
}

/** A result shared between files, with what a file reusing it must record as consulted. */
export interface SharedResult<T> {
  value: T;
  dependencies: string[];
  gatedOut: string[];
}

export function createSharedAnalysisCache(): SharedAnalysisCache {
  return { wrappers: new WeakMap(), exports: new Map(), gatedWrappers: new WeakMap(), gatedExports: new Map() };
}

/** How deep evaluation, origin and wrapper recursion may go before giving up (cycles end earlier, by memo). */
export const MAX_DEPTH = 40;

/**
 * Records which modules an analysis consulted, and which of them a speculative lookup refused to open (they
 * could hold no check when asked: if one can later, the analysis is done again). A nested scope (`collect`)
 * gathers what one cached sub-result needed, so a later file reusing that result records it too.
 */
export class DependencyRecorder {
  private readonly scopes: Array<{ dependencies: Set<string>; gatedOut: Set<string> }> = [{ dependencies: new Set(), gatedOut: new Set() }];

  add(path: string): void {
    this.scopes[this.scopes.length - 1].dependencies.add(path);
  }

  /** A module a speculative lookup did not open: a dependency too (its text decided). */
  addGatedOut(path: string): void {
    const scope = this.scopes[this.scopes.length - 1];
    scope.dependencies.add(path);
    scope.gatedOut.add(path);
  }

  /** Records what a shared result consulted. */
  addShared(result: { dependencies: Iterable<string>; gatedOut: Iterable<string> }): void {
    const scope = this.scopes[this.scopes.length - 1];
    for (const path of result.dependencies) scope.dependencies.add(path);
    for (const path of result.gatedOut) {
      scope.dependencies.add(path);
      scope.gatedOut.add(path);
    }
  }

  /** Runs `compute` in a scope of its own; what it consulted is returned and also added to the enclosing scope. */
  collect<T>(compute: () => T, initial: string[] = []): SharedResult<T> {
    const scope = { dependencies: new Set(initial), gatedOut: new Set<string>() };
    this.scopes.push(scope);
    let value: T;
    try {
      value = compute();
    } finally {
      this.scopes.pop();
      this.addShared(scope);
    }
    return { value, dependencies: [...scope.dependencies], gatedOut: [...scope.gatedOut] };
  }

  /** Every module consulted so far. */
  get all(): Set<string> {
    return this.scopes[0].dependencies;
  }

  /** Every module a speculative lookup refused so far. */
  get allGatedOut(): Set<string> {
    return this.scopes[0].gatedOut;
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
   * Runs a speculative lookup (is this call a wrapper, an accessor or an SDK check? this JSX tag a wrapper
   * component?) opening only modules that may hold checks: any other module cannot define one, and parsing it
   * would be wasted. Every module refused is recorded (`DependencyRecorder.addGatedOut`): should one of them pass
   * later (a trigger name found afterwards), the host analyses the file again, so the answer never depends on
   * the order files were analysed in.
   */
  onlyModulesThatMayHoldChecks<T>(compute: () => T): T {
    return this.withModuleGate(true, compute);
  }

  /** Runs `compute` opening every module it needs (key evaluation: constants modules hold no check). */
  everyModule<T>(compute: () => T): T {
    return this.withModuleGate(false, compute);
  }

  private withModuleGate<T>(gate: boolean, compute: () => T): T {
    const before = this.moduleGate;
    if (before === gate) return compute();
    this.moduleGate = gate;
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
