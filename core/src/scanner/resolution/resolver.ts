// Module resolution equal to TypeScript's: `ts.resolveModuleName` with each file's own compiler options
// (its governing tsconfig), through a resolution host over the core's FileSystem, with shared caches.
// Two additions make a fresh checkout resolve as a built and installed one would:
// - workspace packages without node_modules appear under a virtual `<root>/node_modules/<name>` (real
//   installs, symlinked or not, win), so TypeScript applies `exports`, `types`, `typesVersions`, `main`
//   and conditions to them itself;
// - build outputs (`dist/index.d.ts`) map back to their sources (see buildOutputs.ts).
// A failed resolution says precisely what was missing. `resolveImport` is the public entry point.
import { ts } from '../../typescript.js';
import { dirname, posix } from 'node:path';
import type { FileSystem } from '../../io.js';
import { packageNameOf } from '../presets.js';
import { BuildOutputs } from './buildOutputs.js';
import { CachedFileSystem, type ResolutionInputs } from './cachedFileSystem.js';
import { TsconfigIndex, type ProjectConfig } from './tsconfig.js';
import { discoverWorkspacePackages, type WorkspacePackage, type WorkspacePackages } from './workspacePackages.js';

/** Where an import leads: a source file (absolute path), or why it does not. */
export type ResolvedImport = { path: string } | { reason: string };

const SCRIPT_FILE = /\.[mc]?jsx?$/;
/** The TypeScript sources TypeScript tries first for a JavaScript extension in an import, in its order. */
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const KNOWN_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json', '.d.ts']);

export class ModuleResolver {
  private readonly files: CachedFileSystem;
  private readonly tsconfigs: TsconfigIndex;
  private readonly outputs: BuildOutputs;
  private workspace: WorkspacePackages | undefined;
  private readonly results = new Map<string, ResolvedImport>();
  private readonly resolutionCaches = new Map<ts.CompilerOptions, ts.ModuleResolutionCache>();
  private readonly javaScriptOptions = new Map<ts.CompilerOptions, ts.CompilerOptions>();
  private packageJsonInfoCache: ts.PackageJsonInfoCache | undefined;
  /** TypeScript-visible path of a missing build output → the source it stands for. */
  private readonly redirects = new Map<string, string>();
  private readonly projectDirectories = new Map<string, string | null>();
  private readonly virtualRoot: string;
  private readonly host: ts.ModuleResolutionHost;

  /** `knownExistence` lets the host answer for files only the editor knows (unsaved new files) or has deleted. */
  constructor(
    fs: FileSystem,
    private readonly root: string,
    knownExistence: (path: string) => boolean | undefined = () => undefined,
  ) {
    this.files = new CachedFileSystem(fs, knownExistence);
    this.tsconfigs = new TsconfigIndex(this.files, root);
    this.outputs = new BuildOutputs(this.files, this.tsconfigs);
    this.virtualRoot = `${root}/node_modules`;
    this.host = {
      fileExists: (path) => this.fileExists(path),
      directoryExists: (path) => this.directoryExists(path),
      readFile: (path) => this.files.readFile(this.toReal(path)),
      realpath: (path) => this.files.realpath(this.toReal(path)),
      getCurrentDirectory: () => root,
      getDirectories: (path) => this.files.directories(this.toReal(path)),
      useCaseSensitiveFileNames: true,
    };
  }

  /** What resolution has read from the disk so far, for the persistent cache to check later. */
  readInputs(): ResolutionInputs {
    return this.files.readInputs();
  }

  /** Forgets everything (a tsconfig, package.json or file appeared, changed or disappeared). */
  clear(): void {
    this.files.clear();
    this.tsconfigs.clear();
    this.outputs.clear();
    this.workspace = undefined;
    this.results.clear();
    this.resolutionCaches.clear();
    this.javaScriptOptions.clear();
    this.packageJsonInfoCache = undefined;
    this.redirects.clear();
    this.projectDirectories.clear();
  }

  /**
   * The source file an import of `specifier` in `fromFile` (absolute) refers to, or the reason there is
   * none: `import of '@acme/flags' not found: no workspace package named @acme/flags and no node_modules`.
   * `mode` is how the file imports it (`import` declarations and `import()`, or `require`).
   */
  resolveImport(fromFile: string, specifier: string, mode: 'import' | 'require' = 'import'): ResolvedImport {
    const key = `${dirname(fromFile)}\0${specifier}\0${mode}\0${SCRIPT_FILE.test(fromFile) ? 'js' : 'ts'}`;
    let result = this.results.get(key);
    if (!result) {
      result = this.resolveUncached(fromFile, specifier, mode);
      this.results.set(key, result);
    }
    return result;
  }

  /** Workspace-level problems (globs matching nothing, invalid package.json, duplicate names). */
  workspaceProblems(): string[] {
    return this.workspacePackages().problems;
  }

  // -------------------------------------------------------------------------------------------

  private resolveUncached(fromFile: string, specifier: string, mode: 'import' | 'require'): ResolvedImport {
    const config = this.tsconfigs.forDirectory(dirname(fromFile));
    const options = this.optionsFor(config, fromFile);
    const cache = this.cacheFor(options);
    const kind = moduleResolutionKind(options);
    let resolutionMode: ts.ResolutionMode = mode === 'require' ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext;
    if (mode === 'import' && (kind === ts.ModuleResolutionKind.Node16 || kind === ts.ModuleResolutionKind.NodeNext)) {
      resolutionMode = ts.getImpliedNodeFormatForFile(fromFile, cache.getPackageJsonInfoCache(), this.host, options) ?? ts.ModuleKind.CommonJS;
    }
    if (this.cannotResolve(fromFile, specifier, options)) return { reason: this.failureReason(fromFile, specifier, config, options) };
    const direct = this.relativeFileHit(fromFile, specifier, options, kind);
    if (direct) return { path: direct };
    const resolved = ts.resolveModuleName(specifier, fromFile, options, this.host, cache, undefined, resolutionMode).resolvedModule;
    if (resolved) return this.accept(resolved.resolvedFileName, specifier, config);
    // A workspace package whose package.json names no usable entry: its conventional source entry.
    if (!isRelative(specifier) && !specifier.startsWith('#')) {
      const name = packageNameOf(specifier);
      const packages = this.workspacePackages().byName.get(name);
      if (packages?.length === 1 && specifier === name) {
        const entry = this.outputs.conventionalEntry(packages[0].directory);
        if (entry) return { path: entry };
      }
    }
    return { reason: this.failureReason(fromFile, specifier, config, options) };
  }

  /**
   * A package specifier TypeScript cannot resolve, known without asking it: no `paths` pattern matches it,
   * `baseUrl` (if any) holds nothing of its first segment's name, no workspace package has its name, and
   * no node_modules above holds it. Most imports of a fresh checkout (react, lodash, …) are of this kind,
   * and each would cost TypeScript a full lookup.
   */
  private cannotResolve(fromFile: string, specifier: string, options: ts.CompilerOptions): boolean {
    if (isRelative(specifier) || specifier.startsWith('#')) return false;
    if (matchingPathsPattern(options.paths, specifier) !== undefined) return false;
    if (options.baseUrl !== undefined) {
      // `baseUrl` resolves `x/y` to `<baseUrl>/x…`: no entry named `x` (or `x.<extension>`) there, no match.
      const first = specifier.split('/')[0];
      const listing = this.files.listing(options.baseUrl);
      if (!listing) return false;
      for (const name of listing.keys()) if (name === first || name.startsWith(`${first}.`)) return false;
    }
    const name = packageNameOf(specifier);
    if (this.workspacePackages().byName.has(name)) return false;
    return this.nearestNodeModules(fromFile, name) === undefined;
  }

  /**
   * The file a relative, `paths` or `baseUrl` import names when it exists under the first name TypeScript
   * tries (`./x` → `./x.ts`, `./x.js` → `./x.ts`, `@/x` → `src/x.ts`): TypeScript would return exactly
   * that file, so it is not asked. Anything else (directories, declaration files, other targets, node16's
   * extension rules) goes to TypeScript.
   */
  private relativeFileHit(fromFile: string, specifier: string, options: ts.CompilerOptions, kind: ts.ModuleResolutionKind | undefined): string | undefined {
    if (kind !== ts.ModuleResolutionKind.Bundler && kind !== ts.ModuleResolutionKind.Node10) return undefined;
    let base: string;
    if (specifier.startsWith('./') || specifier.startsWith('../')) base = posix.join(dirname(fromFile), specifier);
    else {
      // `paths` (the longest matching pattern, its first target) and then `baseUrl`, as TypeScript tries them.
      const pattern = matchingPathsPattern(options.paths, specifier);
      const pathsBase = (options as { pathsBasePath?: string }).pathsBasePath ?? options.baseUrl;
      if (pattern !== undefined) {
        const target = options.paths![pattern][0];
        if (target === undefined || pathsBase === undefined) return undefined;
        const star = pattern.indexOf('*');
        const captured = star < 0 ? '' : specifier.slice(star, specifier.length - (pattern.length - star - 1));
        base = posix.join(pathsBase, target.replace('*', captured));
      } else if (options.baseUrl !== undefined && !specifier.startsWith('#') && !specifier.startsWith('/')) {
        base = posix.join(options.baseUrl, specifier);
      } else return undefined;
    }
    const extension = posix.extname(base);
    const candidates = JS_TO_TS[extension]
      ? JS_TO_TS[extension].map((replacement) => base.slice(0, -extension.length) + replacement)
      : extension === '' || !KNOWN_EXTENSIONS.has(extension) ? [`${base}.ts`, `${base}.tsx`] : [];
    // The first candidate TypeScript tries wins; only a hit on it (or on the second when the first is absent) is certain.
    for (const candidate of candidates) {
      if (this.files.fileExists(candidate)) return this.files.realpath(candidate);
      if (candidate.endsWith('.tsx')) break;
    }
    return undefined;
  }

  private accept(resolvedFileName: string, specifier: string, config: ProjectConfig): ResolvedImport {
    let path = this.redirects.get(resolvedFileName) ?? this.toReal(resolvedFileName);
    path = this.redirects.get(path) ?? path;
    if (/\.d\.[mc]?ts$/.test(path) && !path.includes('/node_modules/')) {
      // A declaration file built from a source of the workspace stands for that source.
      const project = this.projectDirectoryOf(path);
      const source = project ? this.outputs.sourceFor(path, project, config.references) : undefined;
      if (source) path = source;
    }
    if (path.includes('/node_modules/')) {
      return { reason: `import of '${specifier}' is a package outside the workspace (${this.relative(path)}), which is not scanned` };
    }
    return { path };
  }

  private optionsFor(config: ProjectConfig, fromFile: string): ts.CompilerOptions {
    // A JavaScript file is resolved as JavaScript even where the tsconfig does not allow it (it would not be compiled at all).
    if (!SCRIPT_FILE.test(fromFile) || config.options.allowJs) return config.options;
    let options = this.javaScriptOptions.get(config.options);
    if (!options) this.javaScriptOptions.set(config.options, (options = { ...config.options, allowJs: true }));
    return options;
  }

  private cacheFor(options: ts.CompilerOptions): ts.ModuleResolutionCache {
    let cache = this.resolutionCaches.get(options);
    if (!cache) {
      // One cache per set of options (results differ between them), one package.json cache for all.
      cache = ts.createModuleResolutionCache(this.root, (name) => name, options, this.packageJsonInfoCache);
      this.packageJsonInfoCache ??= cache.getPackageJsonInfoCache();
      this.resolutionCaches.set(options, cache);
    }
    return cache;
  }

  private workspacePackages(): WorkspacePackages {
    this.workspace ??= discoverWorkspacePackages(this.files, this.root);
    return this.workspace;
  }

  private uniquePackage(name: string): WorkspacePackage | undefined {
    const packages = this.workspacePackages().byName.get(name);
    return packages?.length === 1 ? packages[0] : undefined;
  }

  /** Maps a path under the virtual `<root>/node_modules/<workspace package>` to the package's folder. */
  private toReal(path: string): string {
    if (!path.startsWith(`${this.virtualRoot}/`)) return path;
    const rest = path.slice(this.virtualRoot.length + 1);
    const parts = rest.split('/');
    const nameLength = parts[0].startsWith('@') ? 2 : 1;
    if (parts.length < nameLength) return path;
    const name = parts.slice(0, nameLength).join('/');
    if (this.files.directoryExists(`${this.virtualRoot}/${name}`)) return path; // Really installed.
    const workspacePackage = this.uniquePackage(name);
    if (!workspacePackage) return path;
    const inner = parts.slice(nameLength).join('/');
    return inner ? `${workspacePackage.directory}/${inner}` : workspacePackage.directory;
  }

  private fileExists(path: string): boolean {
    const real = this.toReal(path);
    if (this.files.fileExists(real)) return true;
    if (this.redirects.has(path)) return true;
    // A missing build output of a package (or a referenced project) exists for resolution when its source does.
    const source = this.missingOutputSource(real);
    if (!source) return false;
    this.redirects.set(path, source);
    this.redirects.set(real, source);
    return true;
  }

  private directoryExists(path: string): boolean {
    if (path === this.virtualRoot || path.startsWith(`${this.virtualRoot}/@`) && !path.slice(this.virtualRoot.length + 2).includes('/')) {
      if (this.files.directoryExists(path)) return true;
      const scope = path === this.virtualRoot ? '' : `${path.slice(this.virtualRoot.length + 1)}/`;
      for (const name of this.workspacePackages().byName.keys()) if (name.startsWith(scope)) return true;
      return false;
    }
    const real = this.toReal(path);
    if (this.files.directoryExists(real)) return true;
    // A build-output folder that is not there yet (`dist/`): TypeScript must still look inside it.
    return this.outputProjects(real).some((project) => this.isUnbuiltFolder(real, project));
  }

  /** The source a missing output file stands for, in its package or in a referenced project. */
  private missingOutputSource(path: string): string | undefined {
    for (const project of this.outputProjects(path)) {
      if (!this.isUnbuiltFolder(path, project) || path.slice(project.length + 1).indexOf('/') < 0) continue;
      const source = this.outputs.sourceFor(path, project, [...this.tsconfigs.forDirectory(project).references, ...this.tsconfigs.referencedConfigsAt(project)]);
      if (source) return source;
    }
    return undefined;
  }

  /** Folders whose build outputs `path` may be: its package, and referenced projects containing it. */
  private outputProjects(path: string): string[] {
    if (path.includes('/node_modules/')) return [];
    const projects = this.tsconfigs.referencedProjectsContaining(path);
    const packageDirectory = this.projectDirectoryOf(path);
    if (packageDirectory && !projects.includes(packageDirectory)) projects.push(packageDirectory);
    return projects;
  }

  /** Whether `path` lies in a folder of `project` that does not exist (an unbuilt `dist/`, `lib/`, …). */
  private isUnbuiltFolder(path: string, project: string): boolean {
    if (path === project || !path.startsWith(`${project}/`)) return false;
    const top = path.slice(project.length + 1).split('/')[0];
    return !this.files.directoryExists(`${project}/${top}`);
  }

  /** The nearest folder at or above `path` (within the root) holding a package.json. */
  private projectDirectoryOf(path: string): string | undefined {
    let directory = dirname(path);
    const visited: string[] = [];
    let found: string | undefined;
    while (directory.length >= this.root.length && directory.startsWith(this.root)) {
      const cached = this.projectDirectories.get(directory);
      if (cached !== undefined) {
        found = cached ?? undefined;
        break;
      }
      visited.push(directory);
      if (this.files.fileExists(`${directory}/package.json`)) {
        found = directory;
        break;
      }
      const parent = dirname(directory);
      if (parent === directory) break;
      directory = parent;
    }
    for (const folder of visited) this.projectDirectories.set(folder, found ?? null);
    return found;
  }

  private failureReason(fromFile: string, specifier: string, config: ProjectConfig, options: ts.CompilerOptions): string {
    const from = this.relative(fromFile);
    let reason: string;
    if (isRelative(specifier)) {
      reason = `import of '${specifier}' not found: no file ${this.relative(posix.join(dirname(fromFile), specifier))}(.ts, .tsx, …, /index.*) for ${from}`;
    } else if (specifier.startsWith('#')) {
      reason = `import of '${specifier}' not found: no matching "imports" entry in the package.json above ${from}`;
    } else {
      const pattern = matchingPathsPattern(options.paths, specifier);
      const name = packageNameOf(specifier);
      const packages = this.workspacePackages().byName.get(name) ?? [];
      const subpath = specifier === name ? '.' : `.${specifier.slice(name.length)}`;
      if (pattern !== undefined) {
        reason = `import of '${specifier}' not found: tsconfig paths '${pattern}' (${config.file ? this.relative(config.file) : 'tsconfig'}) lead to no existing file`;
      } else if (packages.length > 1) {
        reason = `import of '${specifier}' is ambiguous: two workspace packages are named ${name} (${packages.map((p) => this.relative(p.directory)).join(', ')})`;
      } else if (packages.length === 1) {
        reason = `import of '${specifier}' not found: workspace package ${name} (${this.relative(packages[0].directory)}) has no entry for '${subpath}' (exports, types, main, or a source for them)`;
      } else {
        const installedAt = this.nearestNodeModules(fromFile, name);
        const anyNodeModules = this.nearestNodeModules(fromFile);
        reason = installedAt
          ? `import of '${specifier}' not found: ${this.relative(installedAt)} has no entry for '${subpath}'`
          : `import of '${specifier}' not found: no workspace package named ${name} and ${anyNodeModules ? 'not installed in node_modules' : 'no node_modules'}`;
      }
      // Why a package may be missing from the workspace: a glob matching nothing, a package.json that is not JSON.
      const notes = this.workspacePackages().problems.filter((problem) => !problem.startsWith('two workspace packages'));
      if (notes.length && packages.length === 0 && pattern === undefined) reason += ` (workspace: ${notes.join('; ')})`;
    }
    if (config.problems.length) reason += ` (${config.problems.join('; ')})`;
    return reason;
  }

  /** The closest node_modules folder above `fromFile` (holding `name`, when given), within the root. */
  private nearestNodeModules(fromFile: string, name?: string): string | undefined {
    for (let directory = dirname(fromFile); directory.length >= this.root.length && directory.startsWith(this.root); directory = dirname(directory)) {
      const candidate = name ? `${directory}/node_modules/${name}` : `${directory}/node_modules`;
      if (this.files.directoryExists(candidate)) return candidate;
      if (dirname(directory) === directory) break;
    }
    return undefined;
  }

  private relative(path: string): string {
    return path.startsWith(`${this.root}/`) ? path.slice(this.root.length + 1) : path;
  }
}

/** Files whose content module resolution reads: a change to one changes how imports resolve. */
export function isResolutionInput(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^(tsconfig|jsconfig)(\..+)?\.json$/.test(name) || ['package.json', 'pnpm-workspace.yaml', 'lerna.json', 'nx.json'].includes(name);
}

function isRelative(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/');
}

/** The `paths` pattern TypeScript would use for a specifier: the longest matching prefix. */
function matchingPathsPattern(paths: ts.MapLike<string[]> | undefined, specifier: string): string | undefined {
  let best: string | undefined;
  let bestPrefix = -1;
  for (const pattern of Object.keys(paths ?? {})) {
    const star = pattern.indexOf('*');
    const matches = star < 0 ? pattern === specifier : specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1));
    const prefix = star < 0 ? pattern.length : star;
    if (matches && prefix > bestPrefix) {
      best = pattern;
      bestPrefix = prefix;
    }
  }
  return best;
}

/** The resolution kind TypeScript uses for these options (its own function, which its typings do not declare). */
function moduleResolutionKind(options: ts.CompilerOptions): ts.ModuleResolutionKind | undefined {
  const internal = (ts as unknown as { getEmitModuleResolutionKind?: (options: ts.CompilerOptions) => ts.ModuleResolutionKind }).getEmitModuleResolutionKind;
  return internal ? internal(options) : options.moduleResolution;
}
