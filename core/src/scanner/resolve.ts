// Module resolution for the scanner: relative specifiers (with TypeScript's extension rules and
// `index.*`) and tsconfig/jsconfig `baseUrl` + `paths` (following relative `extends`). Package
// specifiers are never resolved: SDK packages are recognised by name, and node_modules is not scanned.
import { ts } from 'ts-morph';
import { dirname, posix } from 'node:path';
import type { FileSystem } from '../io.js';

const RESOLUTION_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

interface PathsConfig {
  /** Absolute directory non-relative specifiers resolve against (baseUrl), if set. */
  baseUrl?: string;
  /** Absolute directory `paths` targets are relative to. */
  pathsBase: string;
  paths: Array<{ pattern: string; targets: string[] }>;
}

export class ModuleResolver {
  private readonly resolutionCache = new Map<string, string | null>();
  private readonly configForDirectory = new Map<string, PathsConfig | null>();
  private readonly existsCache = new Map<string, boolean>();

  /**
   * `knownExistence` lets the host answer for files only the editor knows (unsaved new files) or that
   * were deleted; undefined means "ask the file system".
   */
  constructor(
    private readonly fs: FileSystem,
    private readonly root: string,
    private readonly knownExistence: (path: string) => boolean | undefined = () => undefined,
  ) {}

  /** Forgets everything (a tsconfig or a file appeared or disappeared). */
  clear(): void {
    this.resolutionCache.clear();
    this.configForDirectory.clear();
    this.existsCache.clear();
  }

  /** The absolute file a specifier imported from `fromFile` refers to, or undefined (packages, missing files). */
  resolve(fromFile: string, specifier: string): string | undefined {
    const directory = dirname(fromFile);
    const cacheKey = `${directory}\0${specifier}`;
    const cached = this.resolutionCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const result = this.resolveUncached(directory, specifier) ?? null;
    this.resolutionCache.set(cacheKey, result);
    return result ?? undefined;
  }

  private resolveUncached(directory: string, specifier: string): string | undefined {
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
      return this.resolvePath(posix.join(directory, specifier));
    }
    if (specifier.startsWith('/')) return this.resolvePath(specifier);
    const config = this.pathsConfig(directory);
    if (!config) return undefined;
    for (const { pattern, targets } of config.paths) {
      const star = pattern.indexOf('*');
      let captured: string | undefined;
      if (star < 0) {
        if (pattern === specifier) captured = '';
      } else {
        const prefix = pattern.slice(0, star);
        const suffix = pattern.slice(star + 1);
        if (specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
          captured = specifier.slice(prefix.length, specifier.length - suffix.length);
        }
      }
      if (captured === undefined) continue;
      for (const target of targets) {
        const resolved = this.resolvePath(posix.join(config.pathsBase, target.replace('*', captured)));
        if (resolved) return resolved;
      }
    }
    if (config.baseUrl) return this.resolvePath(posix.join(config.baseUrl, specifier));
    return undefined;
  }

  private exists(path: string): boolean {
    const known = this.knownExistence(path);
    if (known !== undefined) return known;
    let value = this.existsCache.get(path);
    if (value === undefined) {
      try {
        value = this.fs.stat(path).isFile;
      } catch {
        value = false;
      }
      this.existsCache.set(path, value);
    }
    return value;
  }

  /** TypeScript's rules: the path itself, `.js`→`.ts`, added extensions, then `index.*`. */
  private resolvePath(base: string): string | undefined {
    const extension = posix.extname(base);
    if (RESOLUTION_EXTENSIONS.includes(extension)) {
      const stem = base.slice(0, -extension.length);
      const substitutes: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
      for (const substitute of substitutes[extension] ?? []) if (this.exists(stem + substitute)) return stem + substitute;
      if (this.exists(base)) return base;
    }
    for (const candidate of RESOLUTION_EXTENSIONS) if (this.exists(base + candidate)) return base + candidate;
    for (const candidate of RESOLUTION_EXTENSIONS) if (this.exists(`${base}/index${candidate}`)) return `${base}/index${candidate}`;
    return undefined;
  }

  /** The nearest tsconfig.json / jsconfig.json at or above `directory` (within the workspace). */
  private pathsConfig(directory: string): PathsConfig | undefined {
    const cached = this.configForDirectory.get(directory);
    if (cached !== undefined) return cached ?? undefined;
    let result: PathsConfig | undefined;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const file = `${directory}/${name}`;
      if (this.exists(file)) {
        result = this.readPathsConfig(file, 0);
        break;
      }
    }
    if (!result && directory.length > this.root.length && directory.startsWith(this.root)) result = this.pathsConfig(dirname(directory));
    this.configForDirectory.set(directory, result ?? null);
    return result;
  }

  private readPathsConfig(file: string, depth: number): PathsConfig | undefined {
    let text: string;
    try {
      text = this.fs.readFile(file);
    } catch {
      return undefined;
    }
    const parsed = ts.parseConfigFileTextToJson(file, text);
    const json = parsed.config as { extends?: string | string[]; compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } } | undefined;
    if (!json) return undefined;
    const directory = dirname(file);
    let inherited: PathsConfig | undefined;
    const parents = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
    for (const parent of parents) {
      if (depth > 8 || !(parent.startsWith('.') || parent.startsWith('/'))) continue;
      const parentFile = posix.join(directory, parent.endsWith('.json') ? parent : `${parent}.json`);
      inherited = this.readPathsConfig(parentFile, depth + 1) ?? inherited;
    }
    const options = json.compilerOptions ?? {};
    const baseUrl = options.baseUrl !== undefined ? posix.join(directory, options.baseUrl) : inherited?.baseUrl;
    if (options.paths) {
      return {
        baseUrl,
        pathsBase: baseUrl ?? directory,
        paths: Object.entries(options.paths).map(([pattern, targets]) => ({ pattern, targets: Array.isArray(targets) ? targets : [] })),
      };
    }
    if (inherited) return { ...inherited, baseUrl };
    return baseUrl ? { baseUrl, pathsBase: baseUrl, paths: [] } : undefined;
  }
}
