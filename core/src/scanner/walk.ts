// The scanner's view of the workspace: its source files (TS/JS, not .d.ts), listed by the one workspace walker
// (workspaceFiles.ts: .gitignore files at every level and above the root, .git/info/exclude, `config.exclude`,
// node_modules/.git, symlink loops); and one file read, refusing binary, too-large and unreadable ones (counted, never fatal).
import type { FileSystem } from '../io.js';
import { WorkspaceRules, walkWorkspace, type WalkMemo, type WalkResult } from '../workspaceFiles.js';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** Files larger than this are skipped as "too large" (minified bundles, generated code). */
export const MAX_FILE_BYTES = 1024 * 1024;

export function isSourceFile(path: string): boolean {
  if (/\.d\.[mc]?ts$/.test(path)) return false;
  const dot = path.lastIndexOf('.');
  return dot >= 0 && SOURCE_EXTENSIONS.includes(path.slice(dot));
}

export interface WorkspaceListing {
  /** Absolute paths, in a stable (sorted per directory) order. */
  files: string[];
  /** Files that could not be listed or stat'ed. */
  unreadable: number;
  /** The rules the listing followed, for asking about other paths later (watched files). */
  rules: WorkspaceRules;
  /** With `remember`: the walk's memo for the next listing, and how many folders were taken from the previous one or listed. */
  memo?: WalkMemo;
  foldersRemembered?: number;
  foldersListed?: number;
  unchangedFolders?: Set<string>;
}

/** The source files below `root` (absolute, `/`-separated). */
export function listWorkspaceFiles(fs: FileSystem, root: string, exclude: readonly string[]): WorkspaceListing {
  const { files, unreadable, rules } = walkWorkspace(fs, root, exclude, { accept: (_path, name) => isSourceFile(name) });
  return { files, unreadable, rules };
}

/**
 * The same listing one folder per step (see `WorkspaceRules.walkInSteps`), for callers that slice their work;
 * with a memo of an earlier listing (the scan cache keeps one), unchanged folders are not listed again.
 */
export function* listWorkspaceFilesInSteps(fs: FileSystem, root: string, exclude: readonly string[], memo: { previous?: WalkMemo; remember?: { now: number } } = {}): Generator<void, WorkspaceListing, void> {
  const rules = new WorkspaceRules(fs, root, exclude);
  const result: WalkResult = yield* rules.walkInSteps({ accept: (_path, name) => isSourceFile(name), ...memo });
  return { files: result.files, unreadable: result.unreadable, rules, memo: result.memo, foldersRemembered: result.foldersRemembered, foldersListed: result.foldersListed, unchangedFolders: result.unchangedFolders };
}

export type ReadOutcome = { text: string } | { skipped: 'binary' | 'tooLarge' | 'unreadable' };

/**
 * Reads a source file unless it is binary (a NUL byte in the first 8 KB), larger than 1 MB, or unreadable. A
 * caller that has just stat'ed the file passes its size, and it is not stat'ed again.
 */
export function readSourceText(fs: FileSystem, path: string, knownSize?: number): ReadOutcome {
  let bytes: Uint8Array;
  try {
    const size = knownSize ?? fs.stat(path).size;
    if (size > MAX_FILE_BYTES) return { skipped: 'tooLarge' };
    bytes = fs.readFileBytes(path);
  } catch {
    return { skipped: 'unreadable' };
  }
  if (bytes.length > MAX_FILE_BYTES) return { skipped: 'tooLarge' };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.subarray(0, 8192).indexOf(0) >= 0) return { skipped: 'binary' };
  return { text: buffer.toString('utf8') };
}
