// Compiler options per directory, as TypeScript reads them: the nearest tsconfig.json (or jsconfig.json)
// up to the workspace root, parsed by TypeScript itself (`extends` relative, from packages such as
// `@tsconfig/node20`, or arrays; `paths`, `baseUrl`, `moduleResolution`, `customConditions`, `allowJs`,
// `outDir`/`rootDir`, `references`). Problems (syntax errors, `extends` cycles, missing `extends` targets)
// are kept as one-line texts with file:line:column, for the references whose resolution they affect.
import { ts } from '../../typescript.js';
import { dirname, posix } from 'node:path';
import type { CachedFileSystem } from './cachedFileSystem.js';

export interface ProjectConfig {
  /** Absolute path of the tsconfig/jsconfig file; undefined for the defaults used where there is none. */
  file?: string;
  options: ts.CompilerOptions;
  /** One line each: `tsconfig.json:3:5: ',' expected.` (paths relative to the workspace root). */
  problems: string[];
  /** Absolute paths of referenced projects' config files (`references`). */
  references: string[];
}

let defaultOptions: ts.CompilerOptions | undefined;

/**
 * Options for files no tsconfig governs: the most permissive resolution, JavaScript included. Made on first use:
 * TypeScript loads when first needed, never when this module does.
 */
function defaultCompilerOptions(): ts.CompilerOptions {
  return (defaultOptions ??= { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, allowJs: true, resolveJsonModule: false });
}

/** Diagnostics that say nothing about resolution: no input files (we never list them), deprecations. */
const IGNORED_DIAGNOSTICS = new Set([18003, 5101, 5102, 5107, 5108, 5110, 5111]);

export class TsconfigIndex {
  private readonly byDirectory = new Map<string, ProjectConfig>();
  private readonly byFile = new Map<string, ProjectConfig>();
  private readonly extendedConfigCache = new Map<string, ts.ExtendedConfigCacheEntry>();
  private readonly parseHost: ts.ParseConfigHost;
  /** Every config file named in a loaded config's `references`. */
  private readonly referencedConfigs = new Set<string>();

  constructor(
    private readonly files: CachedFileSystem,
    private readonly root: string,
  ) {
    this.parseHost = {
      useCaseSensitiveFileNames: true,
      // Listing the project's files would stat the world; resolution needs the options only.
      readDirectory: () => [],
      fileExists: (path) => files.fileExists(path),
      readFile: (path) => files.readFile(path),
    };
  }

  clear(): void {
    this.byDirectory.clear();
    this.byFile.clear();
    this.extendedConfigCache.clear();
    this.referencedConfigs.clear();
  }

  /** Folders of referenced projects (seen so far) that contain `path`. */
  referencedProjectsContaining(path: string): string[] {
    const out: string[] = [];
    for (const config of this.referencedConfigs) {
      const directory = dirname(config);
      if (path.startsWith(`${directory}/`)) out.push(directory);
    }
    return out;
  }

  /** Referenced config files located in `directory`. */
  referencedConfigsAt(directory: string): string[] {
    return [...this.referencedConfigs].filter((config) => dirname(config) === directory);
  }

  /** The config governing files in `directory`: the nearest tsconfig.json/jsconfig.json at or above it, within the root. */
  forDirectory(directory: string): ProjectConfig {
    const cached = this.byDirectory.get(directory);
    if (cached) return cached;
    let config: ProjectConfig | undefined;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const file = `${directory}/${name}`;
      if (this.files.fileExists(file)) {
        config = this.load(file);
        break;
      }
    }
    if (!config) {
      const parent = dirname(directory);
      config = directory.length > this.root.length && parent !== directory && directory.startsWith(this.root) ? this.forDirectory(parent) : { options: defaultCompilerOptions(), problems: [], references: [] };
    }
    this.byDirectory.set(directory, config);
    return config;
  }

  /** Parses one config file (through its `extends` chain) with TypeScript's own parser. */
  load(file: string): ProjectConfig {
    const cached = this.byFile.get(file);
    if (cached) return cached;
    const text = this.files.readFile(file);
    let config: ProjectConfig;
    if (text === undefined) {
      config = { file, options: defaultCompilerOptions(), problems: [`${this.relative(file)}: cannot be read`], references: [] };
    } else {
      const source = ts.parseJsonText(file, text);
      const parsed = ts.parseJsonSourceFileConfigFileContent(source, this.parseHost, dirname(file), undefined, file, undefined, undefined, this.extendedConfigCache);
      const syntax = ((source as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? []);
      const problems = [...syntax, ...parsed.errors].filter((d) => !IGNORED_DIAGNOSTICS.has(d.code)).map((d) => this.describe(d));
      const options: ts.CompilerOptions = { ...parsed.options };
      // jsconfig.json means JavaScript: allowJs is its default.
      if (file.endsWith('/jsconfig.json') && options.allowJs === undefined) options.allowJs = true;
      config = {
        file,
        options,
        problems: [...new Set(problems)],
        references: (parsed.projectReferences ?? []).map((reference) => {
          const path = reference.path.split('\\').join('/');
          return path.endsWith('.json') ? path : `${path}/tsconfig.json`;
        }),
      };
    }
    for (const reference of config.references) this.referencedConfigs.add(reference);
    this.byFile.set(file, config);
    return config;
  }

  private describe(diagnostic: ts.Diagnostic): string {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${this.relative(diagnostic.file.fileName)}:${line + 1}:${character + 1}: ${message}`;
  }

  private relative(path: string): string {
    return path.startsWith(`${this.root}/`) ? path.slice(this.root.length + 1) : posix.normalize(path);
  }
}
