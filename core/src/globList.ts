// Matches workspace paths against a long list of globs (flaglens.yaml `exclude`) with picomatch's meaning, without
// compiling the whole list up front: a matcher per pattern costs kilobytes, so 200,000 patterns would cost gigabytes.
// Literal paths go into a set; globs are grouped by their literal base folder (`packages/a` for
// `packages/a/**/fixtures/**`) and a group is compiled, into one regular expression per batch of patterns, only
// when a path inside its base is first tested. Negated globs (`!x`) can match anywhere and are always consulted.
// With many patterns that apply anywhere (`**/x/**`), each path still tries all of them: it is memory, not time, this bounds.
import picomatch from 'picomatch';

/** Patterns compiled into one regular expression: large enough to keep the count of objects low, small enough to compile fast. */
const PATTERNS_PER_EXPRESSION = 256;
const PICOMATCH_OPTIONS = { dot: true } as const;

export type GlobMatcher = (path: string) => boolean;

/** A matcher for `/`-separated relative paths: true when any pattern matches, as `picomatch(patterns, { dot: true })`. */
export function compileGlobList(patterns: readonly string[]): GlobMatcher {
  if (patterns.length === 0) return () => false;
  const literals = new Set<string>();
  /** Glob patterns as written: picomatch also matches a path that equals the pattern text itself. */
  const globTexts = new Set<string>();
  const groups = new Map<string, GlobGroup>();
  for (const pattern of patterns) {
    const scanned = picomatch.scan(pattern);
    // An escaped character (`a\*b`) is literal to picomatch but spelt differently: such patterns are compiled.
    if (!scanned.isGlob && !scanned.negated && !pattern.includes('\\')) {
      literals.add(scanned.base);
      continue;
    }
    globTexts.add(pattern);
    // A negated glob matches outside its base, and an escaped base is spelt unlike the paths it matches.
    const base = scanned.negated || scanned.base.includes('\\') ? '' : scanned.base.replace(/\/+$/, '');
    let group = groups.get(base);
    if (!group) groups.set(base, (group = new GlobGroup()));
    group.add(pattern);
  }
  const rootGroup = groups.get('');
  return (input) => {
    const path = input.startsWith('./') ? input.slice(2) : input;
    if (path === '') return false;
    if (literals.has(path) || globTexts.has(path)) return true;
    if (groups.size === 0) return false;
    if (rootGroup?.matches(path)) return true;
    // Every folder prefix of the path, and the path itself (`src/**` matches `src`), may be a group's base.
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      if (slash > 0 && groups.get(path.slice(0, slash))?.matches(path)) return true;
    }
    const whole = path.endsWith('/') ? path.slice(0, -1) : path;
    return whole !== '' && (groups.get(whole)?.matches(path) ?? false);
  };
}

/** The globs sharing one literal base: kept as text until first used, then as a few combined expressions. */
class GlobGroup {
  private patterns: string[] | undefined = [];
  private expressions: RegExp[] = [];

  add(pattern: string): void {
    this.patterns!.push(pattern);
  }

  matches(path: string): boolean {
    if (this.patterns) this.compile();
    for (const expression of this.expressions) if (expression.test(path)) return true;
    return false;
  }

  private compile(): void {
    const patterns = this.patterns!;
    this.patterns = undefined;
    for (let index = 0; index < patterns.length; index += PATTERNS_PER_EXPRESSION) {
      const sources = patterns.slice(index, index + PATTERNS_PER_EXPRESSION).map((pattern) => picomatch.makeRe(pattern, PICOMATCH_OPTIONS).source);
      // Each source is anchored (`^(?:…)$`), so the alternation keeps every pattern whole.
      this.expressions.push(new RegExp(sources.join('|')));
    }
  }
}
