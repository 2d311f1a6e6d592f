// Which workspace files import the files a cleanup changes: they are type-checked with them, since a
// removed wrapper, constant or export can break a file that imports it. Specifiers are resolved the way
// TypeScript resolves them for the importing file's project (relative paths, tsconfig `paths` and
// `baseUrl` aliases, package exports), after a cheap text test on the specifier's last segment.
import { ts } from 'ts-morph';
import { basename, dirname, join } from 'node:path';
import type { FileSystem } from '../io.js';

export interface ImporterSearch {
  /** Absolute workspace root. */
  root: string;
  fs: FileSystem;
  /** Workspace-relative source files to search. */
  workspaceFiles: readonly string[];
  /** The compiler options of a workspace-relative file's project (its resolution settings). */
  compilerOptionsFor(file: string): ts.CompilerOptions;
}

const SPECIFIER_PATTERN = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bexport\s*\*\s*from\s*)['"]([^'"\n]+)['"]/g;

/** Workspace-relative files (not themselves changed) whose imports resolve to one of `changed`. */
export function findImporters(changed: readonly string[], search: ImporterSearch): string[] {
  const changedAbsolute = new Set(changed.map((file) => join(search.root, file)));
  // A specifier can only name a changed module through its file name, or its folder's name for an index file.
  const names = new Set<string>();
  for (const file of changed) {
    const stem = basename(file).replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
    names.add(stem);
    if (stem === 'index') names.add(basename(dirname(file)));
  }
  const host: ts.ModuleResolutionHost = {
    fileExists: (path) => {
      try {
        return search.fs.stat(path).isFile;
      } catch {
        return false;
      }
    },
    readFile: (path) => {
      try {
        return search.fs.readFile(path);
      } catch {
        return undefined;
      }
    },
    directoryExists: (path) => {
      try {
        return search.fs.stat(path).isDirectory;
      } catch {
        return false;
      }
    },
    realpath: (path) => {
      try {
        return search.fs.realpath(path);
      } catch {
        return path;
      }
    },
  };
  const importers: string[] = [];
  for (const file of search.workspaceFiles) {
    const absolute = join(search.root, file);
    if (changedAbsolute.has(absolute)) continue;
    let text: string;
    try {
      text = search.fs.readFile(absolute);
    } catch {
      continue;
    }
    for (const match of text.matchAll(SPECIFIER_PATTERN)) {
      const specifier = match[1]!;
      const last = specifier.split('/').pop()!.replace(/\.[cm]?[jt]sx?$/, '');
      if (!names.has(last)) continue;
      const resolved = ts.resolveModuleName(specifier, absolute, search.compilerOptionsFor(file), host).resolvedModule?.resolvedFileName;
      if (resolved && changedAbsolute.has(resolved)) {
        importers.push(file);
        break;
      }
    }
  }
  return importers;
}
