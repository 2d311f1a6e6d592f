// Lists the workspace's source files (TS/JS, not .d.ts) honouring .gitignore files at every level,
// `config.exclude` globs and the always-skipped node_modules/.git, without hanging on symlink loops;
// and reads one file, refusing binary, too-large and unreadable ones (counted, never fatal).
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { FileSystem } from '../io.js';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** Files larger than this are skipped as "too large" (minified bundles, generated code). */
export const MAX_FILE_BYTES = 1024 * 1024;
const ALWAYS_SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

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
}

interface IgnoreLevel {
  /** Workspace-relative directory of the .gitignore ('' for the root), with a trailing `/` unless root. */
  base: string;
  matcher: Ignore;
}

/** Walks the workspace below `root` (absolute, `/`-separated). */
export function listWorkspaceFiles(fs: FileSystem, root: string, exclude: string[]): WorkspaceListing {
  const isExcluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  const files: string[] = [];
  let unreadable = 0;
  const visitedDirectories = new Set<string>();

  const ignoredByGit = (levels: IgnoreLevel[], relative: string, isDirectory: boolean): boolean => {
    // The deepest .gitignore that has an opinion wins, as in git (a nested `!pattern` re-includes).
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i];
      if (!relative.startsWith(level.base)) continue;
      const inner = relative.slice(level.base.length) + (isDirectory ? '/' : '');
      if (!inner) continue;
      const verdict = level.matcher.test(inner);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  };

  const visit = (absolute: string, relative: string, inheritedLevels: IgnoreLevel[]) => {
    let real: string;
    try {
      real = fs.realpath(absolute);
    } catch {
      unreadable++;
      return;
    }
    // Symlinked directories can form loops; each real directory is walked once.
    if (visitedDirectories.has(real)) return;
    visitedDirectories.add(real);
    let entries;
    try {
      entries = fs.readDirectory(absolute);
    } catch {
      unreadable++;
      return;
    }
    let levels = inheritedLevels;
    if (entries.some((entry) => entry.name === '.gitignore' && !entry.isDirectory)) {
      try {
        const matcher = ignore().add(fs.readFile(`${absolute}/.gitignore`));
        levels = [...inheritedLevels, { base: relative ? `${relative}/` : '', matcher }];
      } catch {
        // An unreadable .gitignore ignores nothing.
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childAbsolute = `${absolute}/${entry.name}`;
      const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
      let isDirectory = entry.isDirectory;
      let isFile = entry.isFile;
      if (entry.isSymbolicLink) {
        try {
          const stat = fs.stat(childAbsolute);
          isDirectory = stat.isDirectory;
          isFile = stat.isFile;
        } catch {
          continue; // A dangling link is not a file of the workspace.
        }
      }
      if (isDirectory) {
        if (ALWAYS_SKIPPED_DIRECTORIES.has(entry.name)) continue;
        if (ignoredByGit(levels, childRelative, true)) continue;
        if (isExcluded(childRelative) || isExcluded(`${childRelative}/`) || isExcluded(`${childRelative}/x`)) continue;
        visit(childAbsolute, childRelative, levels);
      } else if (isFile && isSourceFile(entry.name)) {
        if (ignoredByGit(levels, childRelative, false) || isExcluded(childRelative)) continue;
        files.push(childAbsolute);
      }
    }
  };
  visit(root, '', []);
  return { files, unreadable };
}

export type ReadOutcome = { text: string } | { skipped: 'binary' | 'tooLarge' | 'unreadable' };

/** Reads a source file unless it is binary (a NUL byte in the first 8 KB), larger than 1 MB, or unreadable. */
export function readSourceText(fs: FileSystem, path: string): ReadOutcome {
  let bytes: Uint8Array;
  try {
    const stat = fs.stat(path);
    if (stat.size > MAX_FILE_BYTES) return { skipped: 'tooLarge' };
    bytes = fs.readFileBytes(path);
  } catch {
    return { skipped: 'unreadable' };
  }
  if (bytes.length > MAX_FILE_BYTES) return { skipped: 'tooLarge' };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.subarray(0, 8192).indexOf(0) >= 0) return { skipped: 'binary' };
  return { text: buffer.toString('utf8') };
}
