// The cleanup's safety net: type-checks the changed files and the files importing them before and after
// a planned change (a ts-morph Project over the core's FileSystem, with the new texts laid over it) and
// reports every diagnostic the change introduces. The workspace tsconfig is used when there is one.
import type { FileSystemHost, Project, RuntimeDirEntry } from 'ts-morph';
import { ts } from '../typescript.js';
import { dirname, join, posix, relative, sep } from 'node:path';
import type { FileSystem, Timers } from '../io.js';
import { MAX_INPUT_FILE_BYTES } from '../io.js';
import { MAX_FILE_BYTES } from '../scanner/walk.js';
import { computeTextEdits, lineAndColumn, type TextEdit } from './textEdits.js';

export interface TypeCheckOptions {
  /** Absolute workspace root. */
  root: string;
  fs: FileSystem;
  /** Workspace-relative source files, searched for importers of the changed files. */
  workspaceFiles: readonly string[];
  /** Absolute tsconfig path; default `<root>/tsconfig.json` when it exists. */
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
  durationMs: number;
}

/**
 * Type-checks `changes` (workspace-relative file → new text) against the current workspace. A tsconfig that
 * does not parse (or extends a file that does not exist), or a check that cannot run (code nested too deeply),
 * is reported as an introduced problem with its place: the change is then refused, never applied unchecked.
 */
export function checkChangeTypes(changes: ReadonlyMap<string, string>, options: TypeCheckOptions): TypeCheckResult {
  const started = options.timers.monotonicMs();
  const checkedFiles = [...new Set([...changes.keys(), ...findImporters([...changes.keys()], options)])].sort();
  const durationMs = () => Math.round(options.timers.monotonicMs() - started);
  const problems = tsconfigProblems(options);
  if (problems.length) return { introduced: problems, beforeCount: 0, afterCount: problems.length, checkedFiles, durationMs: durationMs() };
  let diagnosed: { before: TypeDiagnostic[]; after: TypeDiagnostic[] };
  try {
    diagnosed = diagnoseBeforeAndAfter(changes, checkedFiles, options);
  } catch (error) {
    const reason = error instanceof RangeError ? 'the code is nested too deeply to type-check' : (error instanceof Error ? error.message : String(error)).split('\n')[0];
    const failure = { file: checkedFiles[0] ?? '.', line: 1, column: 1, code: 0, message: `the type check could not run (${reason}), so the change is not applied` };
    return { introduced: [failure], beforeCount: 0, afterCount: 1, checkedFiles, durationMs: durationMs() };
  }
  const { before, after } = diagnosed;
  const remaining = new Map<string, number>();
  for (const diagnostic of before) remaining.set(signature(diagnostic), (remaining.get(signature(diagnostic)) ?? 0) + 1);
  const introduced: TypeDiagnostic[] = [];
  for (const diagnostic of after) {
    const count = remaining.get(signature(diagnostic)) ?? 0;
    if (count > 0) remaining.set(signature(diagnostic), count - 1);
    else introduced.push(diagnostic);
  }
  return { introduced, beforeCount: before.length, afterCount: after.length, checkedFiles, durationMs: durationMs() };
}

/** Problems of the workspace tsconfig itself (syntax, a missing `extends`), each at its place in that file. */
function tsconfigProblems(options: TypeCheckOptions): TypeDiagnostic[] {
  const path = options.tsconfigPath ?? join(options.root, 'tsconfig.json');
  const read = (file: string): string | undefined => {
    try {
      return options.fs.readFile(file, { maxBytes: MAX_INPUT_FILE_BYTES });
    } catch {
      return undefined;
    }
  };
  if (read(path) === undefined) return [];
  const shown = (file: string) => {
    const rel = relative(options.root, file);
    return (rel.startsWith('..') ? file : rel).split(sep).join('/');
  };
  const toProblem = (diagnostic: ts.Diagnostic): TypeDiagnostic => {
    const file = diagnostic.file;
    const position = file && diagnostic.start !== undefined ? file.getLineAndCharacterOfPosition(diagnostic.start) : { line: 0, character: 0 };
    return { file: shown(file?.fileName ?? path), line: position.line + 1, column: position.character + 1, code: diagnostic.code, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') };
  };
  const parsed = ts.readConfigFile(path, read);
  if (parsed.error) return [toProblem(parsed.error)];
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: true,
    readDirectory: () => [],
    fileExists: (file) => read(file) !== undefined,
    readFile: read,
  };
  const content = ts.parseJsonConfigFileContent(parsed.config, host, dirname(path), undefined, path);
  // "No inputs were found" only reflects the empty directory listing above: the checked files are added by name.
  return content.errors.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error && diagnostic.code !== 18003).map(toProblem);
}

function signature(diagnostic: TypeDiagnostic): string {
  return `${diagnostic.file}\0${diagnostic.code}\0${diagnostic.message}`;
}

/** Files of the workspace whose import specifiers name one of the changed modules. */
function findImporters(changed: string[], options: TypeCheckOptions): string[] {
  const importers: string[] = [];
  for (const file of options.workspaceFiles) {
    if (changed.includes(file)) continue;
    let text: string;
    try {
      // Files the scanner skips as too large (generated bundles) are not read whole here either.
      text = options.fs.readFile(join(options.root, file), { maxBytes: MAX_FILE_BYTES });
    } catch {
      continue;
    }
    for (const match of text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)) {
      const specifier = match[1]!;
      if (!specifier.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.[cm]?[jt]sx?$/, '');
      const stripped = changed.map((changedFile) => changedFile.replace(/\.(d\.)?[cm]?[jt]sx?$/, ''));
      if (stripped.includes(target) || stripped.includes(`${target}/index`)) {
        importers.push(file);
        break;
      }
    }
  }
  return importers;
}

/** One project: diagnostics of the checked files, then the same after laying the new texts over them. */
function diagnoseBeforeAndAfter(changes: ReadonlyMap<string, string>, files: string[], options: TypeCheckOptions): { before: TypeDiagnostic[]; after: TypeDiagnostic[] } {
  const fileSystem = new OverlayFileSystemHost(options.fs, new Map(), options.root);
  const tsconfigPath = options.tsconfigPath ?? join(options.root, 'tsconfig.json');
  const hasTsconfig = fileSystem.fileExistsSync(tsconfigPath);
  const project = hasTsconfig
    ? new (tsMorph().Project)({ tsConfigFilePath: tsconfigPath, fileSystem, skipAddingFilesFromTsConfig: true })
    : new (tsMorph().Project)({
        fileSystem,
        compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, jsx: ts.JsxEmit.Preserve, skipLibCheck: true, noEmit: true, allowJs: true },
      });
  // The tsconfig's own files (ambient declarations, shims) shape the types: add them all.
  if (hasTsconfig) project.addSourceFilesFromTsConfig(tsconfigPath);
  const absolute = (file: string) => join(options.root, file);
  for (const file of files) if (fileSystem.fileExistsSync(absolute(file)) && !project.getSourceFile(absolute(file))) project.addSourceFileAtPath(absolute(file));
  project.resolveSourceFileDependencies();
  // Positions are reported in the files as they are on disk (the change is not applied when it fails).
  const originals = new Map<string, string>();
  const editsByFile = new Map<string, TextEdit[]>();
  const positionInOriginal = (file: string, offset: number): { line: number; column: number } => {
    if (!originals.has(file)) {
      try {
        originals.set(file, options.fs.readFile(absolute(file)));
      } catch {
        originals.set(file, '');
      }
    }
    const edits = editsByFile.get(file);
    return lineAndColumn(originals.get(file)!, edits ? mapOffsetBack(offset, edits) : offset);
  };
  const collect = (): TypeDiagnostic[] => {
    const program = project.getProgram().compilerObject;
    const diagnostics: TypeDiagnostic[] = [];
    for (const file of files) {
      const compiled = program.getSourceFile(project.getSourceFile(absolute(file))?.getFilePath() ?? absolute(file));
      if (!compiled) continue;
      for (const diagnostic of [...program.getSyntacticDiagnostics(compiled), ...program.getSemanticDiagnostics(compiled)]) {
        if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
        const position = positionInOriginal(file, diagnostic.start ?? 0);
        diagnostics.push({ file, line: position.line, column: position.column, code: diagnostic.code, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') });
      }
    }
    return diagnostics;
  };
  const before = collect();
  for (const [file, text] of changes) {
    positionInOriginal(file, 0);
    editsByFile.set(file, computeTextEdits(originals.get(file)!, text));
    const sourceFile = project.getSourceFile(absolute(file));
    if (sourceFile) sourceFile.replaceWithText(text);
    else project.createSourceFile(absolute(file), text, { overwrite: true });
  }
  const after = collect();
  return { before, after };
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

/** ts-morph's file system over the core's read-only FileSystem, with planned texts laid over it. */
class OverlayFileSystemHost implements FileSystemHost {
  constructor(
    private readonly fs: FileSystem,
    private readonly overlay: ReadonlyMap<string, string>,
    private readonly currentDirectory: string,
  ) {}

  isCaseSensitive(): boolean {
    return true;
  }
  readFileSync(filePath: string): string {
    const text = this.overlay.get(filePath);
    if (text !== undefined) return text;
    try {
      // A source or declaration file is never larger than this in practice; a huge (or endless) one is treated as absent.
      return this.fs.readFile(filePath, { maxBytes: MAX_INPUT_FILE_BYTES });
    } catch {
      const error = new Error(`File not found: ${filePath}`) as Error & { code: string };
      error.code = 'ENOENT';
      throw error;
    }
  }
  async readFile(filePath: string): Promise<string> {
    return this.readFileSync(filePath);
  }
  fileExistsSync(filePath: string): boolean {
    if (this.overlay.has(filePath)) return true;
    try {
      return this.fs.stat(filePath).isFile;
    } catch {
      return false;
    }
  }
  async fileExists(filePath: string): Promise<boolean> {
    return this.fileExistsSync(filePath);
  }
  directoryExistsSync(dirPath: string): boolean {
    try {
      return this.fs.stat(dirPath).isDirectory;
    } catch {
      return [...this.overlay.keys()].some((file) => dirname(file) === dirPath);
    }
  }
  async directoryExists(dirPath: string): Promise<boolean> {
    return this.directoryExistsSync(dirPath);
  }
  readDirSync(dirPath: string): RuntimeDirEntry[] {
    let entries: RuntimeDirEntry[] = [];
    try {
      entries = this.fs.readDirectory(dirPath).map((entry) => ({ name: join(dirPath, entry.name), isFile: entry.isFile, isDirectory: entry.isDirectory, isSymlink: entry.isSymbolicLink }));
    } catch {
      entries = [];
    }
    for (const file of this.overlay.keys()) {
      if (dirname(file) === dirPath && !entries.some((entry) => entry.name === file)) entries.push({ name: file, isFile: true, isDirectory: false, isSymlink: false });
    }
    return entries;
  }
  realpathSync(path: string): string {
    try {
      return this.fs.realpath(path);
    } catch {
      return path;
    }
  }
  getCurrentDirectory(): string {
    return this.currentDirectory;
  }
  globSync(): string[] {
    return [];
  }
  async glob(): Promise<string[]> {
    return [];
  }
  // The type check never writes: every write is refused.
  deleteSync(): void {
    throw new Error('read-only file system');
  }
  async delete(): Promise<void> {
    this.deleteSync();
  }
  writeFileSync(): void {
    throw new Error('read-only file system');
  }
  async writeFile(): Promise<void> {
    this.writeFileSync();
  }
  mkdirSync(): void {
    throw new Error('read-only file system');
  }
  async mkdir(): Promise<void> {
    this.mkdirSync();
  }
  moveSync(): void {
    throw new Error('read-only file system');
  }
  async move(): Promise<void> {
    this.moveSync();
  }
  copySync(): void {
    throw new Error('read-only file system');
  }
  async copy(): Promise<void> {
    this.copySync();
  }
}

/** ts-morph, loaded when a type check runs (a separate file in the bundles): scanning and editing never need it. */
function tsMorph(): typeof import('ts-morph') {
  return require('ts-morph') as typeof import('ts-morph');
}
