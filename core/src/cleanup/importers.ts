// Which workspace files import the files a cleanup changes: they are type-checked with them, since a
// removed wrapper, constant or export can break a file that imports it. Specifiers are resolved by the
// scanner's module resolution (TypeScript's own, with each file's tsconfig: relative paths, `paths` and
// `baseUrl` aliases, package exports, workspace packages without node_modules, build outputs mapped back
// to their sources), after a cheap text test on the specifier's last segment.
import { basename, dirname, join } from 'node:path';
import type { FileSystem } from '../io.js';
import { ModuleResolver } from '../scanner/index.js';
import { MAX_FILE_BYTES } from '../scanner/walk.js';

export interface ImporterSearch {
  /** Absolute workspace root. */
  root: string;
  fs: FileSystem;
  /** Workspace-relative source files to search. */
  workspaceFiles: readonly string[];
}

const SPECIFIER_PATTERN = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bexport\s*\*\s*from\s*)['"]([^'"\n]+)['"]/g;

/** Workspace-relative files (not themselves changed) whose imports resolve to one of `changed`. */
export function findImporters(changed: readonly string[], search: ImporterSearch): string[] {
  const changedAbsolute = new Set(changed.map((file) => join(search.root, file)));
  // A specifier can only name a changed module through its file name, its folder's name for an index file,
  // or a package name (a workspace package's entry): the last two are resolved whatever their last segment.
  const names = new Set<string>();
  for (const file of changed) {
    const stem = basename(file).replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
    names.add(stem);
    if (stem === 'index') names.add(basename(dirname(file)));
  }
  const resolver = new ModuleResolver(search.fs, search.root);
  const importers: string[] = [];
  for (const file of search.workspaceFiles) {
    const absolute = join(search.root, file);
    if (changedAbsolute.has(absolute)) continue;
    let text: string;
    try {
      // Files the scanner skips as too large (generated bundles) are not read whole here either.
      text = search.fs.readFile(absolute, { maxBytes: MAX_FILE_BYTES });
    } catch {
      continue;
    }
    for (const match of text.matchAll(SPECIFIER_PATTERN)) {
      const specifier = match[1]!;
      const last = specifier.split('/').pop()!.replace(/\.[cm]?[jt]sx?$/, '');
      const isPackageEntry = /^(@[^/]+\/)?[^/.][^/]*$/.test(specifier);
      if (!names.has(last) && !isPackageEntry) continue;
      const resolved = resolver.resolveImport(absolute, specifier, match[0].includes('require') ? 'require' : 'import');
      if ('path' in resolved && changedAbsolute.has(resolved.path)) {
        importers.push(file);
        break;
      }
    }
  }
  return importers;
}
