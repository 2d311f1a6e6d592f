// The cleanup's safety net: type-checks the changed files and the files importing them before and after a
// planned change and reports every diagnostic the change introduces. Each checked file is checked in its
// own TypeScript project (the nearest tsconfig.json, or the referenced config of a solution-style one that
// includes it), one program per project before and one after, over the core's FileSystem with the new texts
// laid over it. Parsed files are cached for the process, so libraries and unchanged files are parsed once.
import { ts } from '../typescript.js';
import { dirname, join, relative } from 'node:path';
import type { FileSystem, Timers } from '../io.js';
import { MAX_INPUT_FILE_BYTES } from '../io.js';
import { findImporters } from './importers.js';
import { computeTextEdits, lineAndColumn, type TextEdit } from './textEdits.js';

export interface TypeCheckOptions {
  /** Absolute workspace root. */
  root: string;
  fs: FileSystem;
  /** Workspace-relative source files, searched for importers of the changed files. */
  workspaceFiles: readonly string[];
  /** Absolute tsconfig path for every file; default: each file's nearest tsconfig.json (see `projectFor`). */
  tsconfigPath?: string;
  /** For the duration figure. */
  timers: Pick<Timers, 'monotonicMs'>;
}

export interface TypeDiagnostic {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

export interface TypeCheckResult {
  /** Diagnostics present after the change and not before (matched by file, code and message). */
  introduced: TypeDiagnostic[];
  /** Diagnostic counts in the checked files before and after (pre-existing errors do not block). */
  beforeCount: number;
  afterCount: number;
  checkedFiles: string[];
  /** The tsconfig files (workspace-relative; `(default options)` without one) of the programs built. */
  projects: string[];
  durationMs: number;
}

/**
 * Type-checks `changes` (workspace-relative file → new text) against the current workspace. A tsconfig that
 * does not parse (or extends a file that does not exist), or a check that cannot run (code nested too deeply),
 * is reported as an introduced problem with its place: the change is then refused, never applied unchecked.
 */
export function checkChangeTypes(changes: ReadonlyMap<string, string>, options: TypeCheckOptions): TypeCheckResult {
  const started = options.timers.monotonicMs();
  const durationMs = () => Math.round(options.timers.monotonicMs() - started);
  const projects = new ProjectLocator(options);
  const changed = [...changes.keys()];
  const importers = findImporters(changed, { root: options.root, fs: options.fs, workspaceFiles: options.workspaceFiles });
  const checkedFiles = [...new Set([...changed, ...importers])].sort();
  const byProject = new Map<TsProject, string[]>();
  for (const file of checkedFiles) {
    const project = projects.projectFor(file);
    byProject.set(project, [...(byProject.get(project) ?? []), file]);
  }
  const projectNames = [...byProject.keys()].map((project) => (project.configPath ? shown(options.root, project.configPath) : '(default options)')).sort();
  const problems = projects.problems();
  if (problems.length) return { introduced: problems, beforeCount: 0, afterCount: problems.length, checkedFiles, projects: projectNames, durationMs: durationMs() };
  const before: TypeDiagnostic[] = [];
  const after: TypeDiagnostic[] = [];
  try {
    for (const [project, files] of byProject) {
      const result = diagnoseBeforeAndAfter(project, files, changes, options);
      before.push(...result.before);
      after.push(...result.after);
    }
  } catch (error) {
    const reason = error instanceof RangeError ? 'the code is nested too deeply to type-check' : (error instanceof Error ? error.message : String(error)).split('\n')[0];
    const failure = { file: checkedFiles[0] ?? '.', line: 1, column: 1, code: 0, message: `the type check could not run (${reason}), so the change is not applied` };
    return { introduced: [failure], beforeCount: 0, afterCount: 1, checkedFiles, projects: projectNames, durationMs: durationMs() };
  }
  const remaining = new Map<string, number>();
  for (const diagnostic of before) remaining.set(signature(diagnostic), (remaining.get(signature(diagnostic)) ?? 0) + 1);
  const introduced: TypeDiagnostic[] = [];
  for (const diagnostic of after) {
    const count = remaining.get(signature(diagnostic)) ?? 0;
    if (count > 0) remaining.set(signature(diagnostic), count - 1);
    else introduced.push(diagnostic);
  }
  return { introduced, beforeCount: before.length, afterCount: after.length, checkedFiles, projects: projectNames, durationMs: durationMs() };
}

/** A path as the report shows it: workspace-relative, or absolute when outside the workspace. */
function shown(root: string, path: string): string {
  const rel = relative(root, path);
  return (rel.startsWith('..') ? path : rel).split('\\').join('/');
}

function signature(diagnostic: TypeDiagnostic): string {
  return `${diagnostic.file}\0${diagnostic.code}\0${diagnostic.message}`;
}

// ---------------------------------------------------------------------------------------------
// Projects: which tsconfig a file belongs to.

interface TsProject {
  /** Absolute tsconfig path; undefined for the default options. */
  configPath?: string;
  options: ts.CompilerOptions;
  /** Absolute paths of every file the tsconfig includes (empty for the default options). */
  fileNames: ReadonlySet<string>;
  /** The declaration files the tsconfig includes: ambient types that shape the checked files. */
  ambientFiles: string[];
}

/** The options of a file no tsconfig governs (a function: TypeScript loads on first use, see typescript.js). */
const defaultOptions = (): ts.CompilerOptions => ({
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  skipLibCheck: true,
  noEmit: true,
  allowJs: true,
});

/** Finds and parses each file's tsconfig once per check. */
class ProjectLocator {
  private readonly parsed = new Map<string, TsProject | undefined>();
  private readonly byDirectory = new Map<string, TsProject>();
  private readonly defaultProject: TsProject = { options: defaultOptions(), fileNames: new Set(), ambientFiles: [] };
  /** Problems of the tsconfig files parsed (syntax, a missing `extends`), each at its place in its file. */
  private readonly configProblems = new Map<string, TypeDiagnostic[]>();

  constructor(private readonly options: TypeCheckOptions) {}

  problems(): TypeDiagnostic[] {
    return [...this.configProblems.values()].flat();
  }

  /** The project of a workspace-relative file. */
  projectFor(file: string): TsProject {
    if (this.options.tsconfigPath) return this.parse(this.options.tsconfigPath) ?? this.defaultProject;
    const absolute = join(this.options.root, file);
    const config = this.nearestConfig(dirname(absolute));
    if (!config) return this.defaultProject;
    const project = this.parse(config);
    if (!project) return this.defaultProject;
    if (project.fileNames.has(absolute)) return project;
    // A solution-style tsconfig (`files: []` + references): the referenced project that includes the file.
    for (const reference of this.references(config)) {
      const referenced = this.parse(reference);
      if (referenced?.fileNames.has(absolute)) return referenced;
    }
    return project;
  }

  private nearestConfig(directory: string): string | undefined {
    const root = this.options.root;
    for (let current = directory; ; current = dirname(current)) {
      const candidate = join(current, 'tsconfig.json');
      if (this.isFile(candidate)) return candidate;
      if (current === root || !current.startsWith(root) || dirname(current) === current) return undefined;
    }
  }

  private isFile(path: string): boolean {
    try {
      return this.options.fs.stat(path).isFile;
    } catch {
      return false;
    }
  }

  private references(configPath: string): string[] {
    const json = ts.readConfigFile(configPath, (path) => this.read(path)).config as { references?: { path?: string }[] } | undefined;
    return (json?.references ?? []).flatMap((reference) => {
      if (!reference.path) return [];
      const target = join(dirname(configPath), reference.path);
      return [this.isFile(target) ? target : join(target, 'tsconfig.json')];
    });
  }

  private read(path: string): string | undefined {
    try {
      return this.options.fs.readFile(path, { maxBytes: MAX_INPUT_FILE_BYTES });
    } catch {
      return undefined;
    }
  }

  private parse(configPath: string): TsProject | undefined {
    if (this.parsed.has(configPath)) return this.parsed.get(configPath);
    const host: ts.ParseConfigFileHost = {
      useCaseSensitiveFileNames: true,
      getCurrentDirectory: () => this.options.root,
      fileExists: (path) => this.isFile(path),
      readFile: (path) => this.read(path),
      readDirectory: (path, extensions, excludes, includes, depth) => readDirectoryWithTypeScriptGlobs(this.options.fs, path, extensions, excludes, includes, depth),
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => unrecoverable.push(diagnostic),
    };
    const unrecoverable: ts.Diagnostic[] = [];
    const commandLine = ts.getParsedCommandLineOfConfigFile(configPath, { noEmit: true }, host);
    // "No inputs were found" only means the config includes no file; the checked files are added by name.
    const errors = [...unrecoverable, ...(commandLine?.errors ?? [])].filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error && diagnostic.code !== 18003);
    if (errors.length) this.configProblems.set(configPath, errors.map((diagnostic) => this.toProblem(diagnostic, configPath)));
    const project: TsProject | undefined = commandLine
      ? {
          configPath,
          options: { ...commandLine.options, noEmit: true, incremental: false, composite: false, tsBuildInfoFile: undefined },
          fileNames: new Set(commandLine.fileNames),
          ambientFiles: commandLine.fileNames.filter((file) => /\.d\.[cm]?ts$/.test(file)),
        }
      : undefined;
    this.parsed.set(configPath, project);
    return project;
  }

  private toProblem(diagnostic: ts.Diagnostic, configPath: string): TypeDiagnostic {
    const file = diagnostic.file;
    const position = file && diagnostic.start !== undefined ? file.getLineAndCharacterOfPosition(diagnostic.start) : { line: 0, character: 0 };
    return { file: shown(this.options.root, file?.fileName ?? configPath), line: position.line + 1, column: position.character + 1, code: diagnostic.code, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') };
  }
}

/** TypeScript's own include/exclude matching (`matchFiles`) over the core's FileSystem. */
function readDirectoryWithTypeScriptGlobs(
  fs: FileSystem,
  path: string,
  extensions: readonly string[] | undefined,
  excludes: readonly string[] | undefined,
  includes: readonly string[],
  depth: number | undefined,
): string[] {
  const matchFiles = (ts as unknown as { matchFiles?: MatchFiles }).matchFiles;
  // Without TypeScript's matcher (an internal API) no included file is listed: only the checked files and
  // what they import are in the program, which loses ambient declarations but nothing else.
  if (typeof matchFiles !== 'function') return [];
  return matchFiles(path, extensions, excludes, includes, true, path, depth, (directory) => {
    const files: string[] = [];
    const directories: string[] = [];
    try {
      for (const entry of fs.readDirectory(directory)) {
        if (entry.isFile) files.push(entry.name);
        else if (entry.isDirectory && entry.name !== 'node_modules') directories.push(entry.name);
      }
    } catch {
      // An unreadable folder contributes nothing.
    }
    return { files, directories };
  }, (target) => target);
}

type MatchFiles = (
  path: string,
  extensions: readonly string[] | undefined,
  excludes: readonly string[] | undefined,
  includes: readonly string[],
  useCaseSensitiveFileNames: boolean,
  currentDirectory: string,
  depth: number | undefined,
  getFileSystemEntries: (path: string) => { files: readonly string[]; directories: readonly string[] },
  realpath: (path: string) => string,
) => string[];

// ---------------------------------------------------------------------------------------------
// Programs: before and after, over the file system with the new texts laid over it.

/** Parsed files for the whole process, keyed by path and parse settings; reused while the text is the same. */
const sourceFileCache = new Map<string, { text: string; sourceFile: ts.SourceFile }>();
/** The folder TypeScript's lib.*.d.ts files are read from (in memory, not on disk). */
const libFolderInMemoryPath = '/node_modules/typescript/lib';
let libraryTexts: Map<string, string> | undefined;
/**
 * TypeScript's lib.*.d.ts texts, by path under libFolderInMemoryPath: @ts-morph/common's copy, matching the
 * TypeScript the core parses with, loaded on the first type check (a file of its own in the bundles, 3 MB).
 */
function libraryFiles(): Map<string, string> {
  if (!libraryTexts) {
    const common = require('@ts-morph/common') as typeof import('@ts-morph/common');
    if (common.libFolderInMemoryPath !== libFolderInMemoryPath) throw new Error(`@ts-morph/common keeps its libraries under ${common.libFolderInMemoryPath}`);
    libraryTexts = new Map(common.getLibFiles().map((file) => [`${libFolderInMemoryPath}/${file.fileName}`, file.text]));
  }
  return libraryTexts;
}

function diagnoseBeforeAndAfter(project: TsProject, files: string[], changes: ReadonlyMap<string, string>, options: TypeCheckOptions): { before: TypeDiagnostic[]; after: TypeDiagnostic[] } {
  const absolute = (file: string) => join(options.root, file);
  const rootNames = [...new Set([...project.ambientFiles, ...files.map(absolute)])];
  const beforeProgram = ts.createProgram({ rootNames, options: project.options, host: compilerHost(options.fs, new Map()) });
  const overlay = new Map([...changes].map(([file, text]) => [absolute(file), text]));
  const afterProgram = ts.createProgram({ rootNames, options: project.options, host: compilerHost(options.fs, overlay), oldProgram: beforeProgram });
  // Positions are reported in the files as they are on disk (the change is not applied when it fails).
  const editsByFile = new Map<string, TextEdit[]>();
  const originals = new Map<string, string>();
  const original = (file: string): string => {
    if (!originals.has(file)) originals.set(file, readOrEmpty(options.fs, absolute(file)));
    return originals.get(file)!;
  };
  for (const [file, text] of changes) editsByFile.set(file, computeTextEdits(original(file), text));
  const collect = (program: ts.Program, mapped: boolean): TypeDiagnostic[] => {
    const diagnostics: TypeDiagnostic[] = [];
    for (const file of files) {
      const compiled = program.getSourceFile(absolute(file));
      if (!compiled) continue;
      for (const diagnostic of [...program.getSyntacticDiagnostics(compiled), ...program.getSemanticDiagnostics(compiled)]) {
        if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
        const edits = mapped ? editsByFile.get(file) : undefined;
        const offset = edits ? mapOffsetBack(diagnostic.start ?? 0, edits) : (diagnostic.start ?? 0);
        const position = lineAndColumn(original(file), offset);
        diagnostics.push({ file, line: position.line, column: position.column, code: diagnostic.code, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') });
      }
    }
    return diagnostics;
  };
  return { before: collect(beforeProgram, false), after: collect(afterProgram, true) };
}

function readOrEmpty(fs: FileSystem, path: string): string {
  try {
    return fs.readFile(path, { maxBytes: MAX_INPUT_FILE_BYTES });
  } catch {
    return '';
  }
}

function compilerHost(fs: FileSystem, overlay: ReadonlyMap<string, string>): ts.CompilerHost {
  const readFile = (path: string): string | undefined => {
    const planned = overlay.get(path) ?? libraryFiles().get(path);
    if (planned !== undefined) return planned;
    try {
      // A source or declaration file is never larger than this in practice; a huge (or endless) one is treated as absent.
      return fs.readFile(path, { maxBytes: MAX_INPUT_FILE_BYTES });
    } catch {
      return undefined;
    }
  };
  const fileExists = (path: string): boolean => {
    if (overlay.has(path) || libraryFiles().has(path)) return true;
    try {
      return fs.stat(path).isFile;
    } catch {
      return false;
    }
  };
  return {
    getSourceFile: (fileName, languageVersion) => {
      const text = readFile(fileName);
      if (text === undefined) return undefined;
      const settings = typeof languageVersion === 'object' ? `${languageVersion.languageVersion}:${languageVersion.impliedNodeFormat ?? ''}` : String(languageVersion);
      const key = `${fileName}\0${settings}`;
      const cached = sourceFileCache.get(key);
      if (cached && cached.text === text) return cached.sourceFile;
      const sourceFile = ts.createSourceFile(fileName, text, languageVersion, false);
      sourceFileCache.set(key, { text, sourceFile });
      return sourceFile;
    },
    getDefaultLibFileName: (compilerOptions) => `${libFolderInMemoryPath}/${ts.getDefaultLibFileName(compilerOptions)}`,
    getDefaultLibLocation: () => libFolderInMemoryPath,
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists,
    readFile,
    directoryExists: (path) => {
      if (path === libFolderInMemoryPath || path.startsWith(`${libFolderInMemoryPath}/`)) return true;
      try {
        return fs.stat(path).isDirectory;
      } catch {
        return [...overlay.keys()].some((file) => file.startsWith(`${path}/`));
      }
    },
    getDirectories: (path) => {
      try {
        return fs.readDirectory(path).filter((entry) => entry.isDirectory).map((entry) => entry.name);
      } catch {
        return [];
      }
    },
    realpath: (path) => {
      try {
        return fs.realpath(path);
      } catch {
        return path;
      }
    },
  };
}

/** An offset of the edited text mapped back to the original text (inside a replacement: its start). */
function mapOffsetBack(offset: number, edits: TextEdit[]): number {
  let delta = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    const newStart = edit.start + delta;
    if (offset < newStart) break;
    if (offset < newStart + edit.newText.length) return edit.start;
    delta += edit.newText.length - (edit.end - edit.start);
  }
  return offset - delta;
}
