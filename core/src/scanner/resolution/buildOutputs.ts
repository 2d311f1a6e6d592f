// Build outputs mapped back to their sources, as TypeScript's source-of-project-reference redirect does:
// a package entry or a referenced project's output (`dist/index.d.ts`, `lib/flags.js`) that is missing
// — the usual state right after a checkout — or present, stands for the source it is built from. First
// the tsconfig's `outDir`/`declarationDir` → `rootDir`, then the conventional `src/` folder of the package.
import { posix } from 'node:path';
import type { CachedFileSystem } from './cachedFileSystem.js';
import type { TsconfigIndex } from './tsconfig.js';

const OUTPUT_EXTENSION = /(\.d\.[mc]?ts|\.[mc]?js|\.jsx)$/;
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** The tsconfig files a package's build usually reads (Nx and library templates add the last two). */
const BUILD_CONFIG_NAMES = ['tsconfig.json', 'tsconfig.build.json', 'tsconfig.lib.json'];

interface OutputMapping {
  outDir: string;
  rootDir: string;
}

export class BuildOutputs {
  private readonly mappingsByProject = new Map<string, OutputMapping[]>();

  constructor(
    private readonly files: CachedFileSystem,
    private readonly tsconfigs: TsconfigIndex,
  ) {}

  clear(): void {
    this.mappingsByProject.clear();
  }

  /**
   * The source a build output stands for, or undefined. `projectDirectory` is the package (or referenced
   * project) folder the output belongs to; `extraConfigs` are referenced projects' config files.
   */
  sourceFor(output: string, projectDirectory: string, extraConfigs: string[] = []): string | undefined {
    if (!OUTPUT_EXTENSION.test(output) && posix.extname(output) !== '') return undefined;
    for (const mapping of [...this.mappings(projectDirectory), ...extraConfigs.flatMap((config) => this.mappingsOfConfig(config))]) {
      if (!output.startsWith(`${mapping.outDir}/`)) continue;
      const found = this.sourceCandidate(`${mapping.rootDir}/${output.slice(mapping.outDir.length + 1)}`);
      if (found) return found;
    }
    // Conventional layout: <package>/<build dirs…>/x.js ← <package>/src/x.ts, and the entry ← src/index.ts.
    if (!output.startsWith(`${projectDirectory}/`)) return undefined;
    const segments = output.slice(projectDirectory.length + 1).split('/');
    for (let strip = 1; strip < segments.length; strip++) {
      const found = this.sourceCandidate(`${projectDirectory}/src/${segments.slice(strip).join('/')}`);
      if (found) return found;
    }
    return undefined;
  }

  /** The package's conventional entry source (`src/index.ts`), when its declared entry is missing. */
  conventionalEntry(projectDirectory: string): string | undefined {
    return this.sourceCandidate(`${projectDirectory}/src/index`);
  }

  private sourceCandidate(pathWithOutputExtension: string): string | undefined {
    const stem = pathWithOutputExtension.replace(OUTPUT_EXTENSION, '');
    for (const extension of SOURCE_EXTENSIONS) if (this.files.fileExists(stem + extension)) return stem + extension;
    for (const extension of SOURCE_EXTENSIONS) if (this.files.fileExists(`${stem}/index${extension}`)) return `${stem}/index${extension}`;
    return undefined;
  }

  private mappings(projectDirectory: string): OutputMapping[] {
    let mappings = this.mappingsByProject.get(projectDirectory);
    if (!mappings) {
      mappings = BUILD_CONFIG_NAMES.filter((name) => this.files.fileExists(`${projectDirectory}/${name}`)).flatMap((name) => this.mappingsOfConfig(`${projectDirectory}/${name}`));
      this.mappingsByProject.set(projectDirectory, mappings);
    }
    return mappings;
  }

  private mappingsOfConfig(configFile: string): OutputMapping[] {
    if (!this.files.fileExists(configFile)) return [];
    const { options } = this.tsconfigs.load(configFile);
    const projectDirectory = posix.dirname(configFile);
    // Without rootDir, TypeScript uses the common folder of the inputs: `src/` when there is one.
    const rootDir = options.rootDir ?? (this.files.directoryExists(`${projectDirectory}/src`) ? `${projectDirectory}/src` : projectDirectory);
    return [options.outDir, options.declarationDir].filter((dir): dir is string => typeof dir === 'string').map((outDir) => ({ outDir: outDir.replace(/\/$/, ''), rootDir: rootDir.replace(/\/$/, '') }));
  }
}
