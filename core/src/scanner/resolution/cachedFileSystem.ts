// The file-system view module resolution reads through: one directory listing per directory (so
// existence checks cost a readdir per directory, not a stat per candidate), cached file texts for the
// small files resolution reads (package.json, tsconfig), cached real paths, and the editor's knowledge
// of unsaved or deleted files, which wins over the disk.
import { dirname } from 'node:path';
import type { FileSystem } from '../../io.js';

type EntryKind = 'file' | 'directory';

export class CachedFileSystem {
  private readonly listings = new Map<string, Map<string, EntryKind> | null>();
  private readonly texts = new Map<string, string | null>();
  private readonly realpaths = new Map<string, string>();
  /** Entries (directory/name) that are symbolic links: only these need a real-path lookup of their own. */
  private readonly links = new Set<string>();

  /** `knownExistence` answers for files only the editor knows (true) or has deleted (false); undefined asks the disk. */
  constructor(
    readonly fs: FileSystem,
    private readonly knownExistence: (path: string) => boolean | undefined = () => undefined,
  ) {}

  clear(): void {
    this.listings.clear();
    this.texts.clear();
    this.realpaths.clear();
    this.links.clear();
  }

  /** The entries of a directory (symbolic links followed), or undefined when it cannot be read. */
  listing(directory: string): Map<string, EntryKind> | undefined {
    let listing = this.listings.get(directory);
    if (listing === undefined) {
      listing = null;
      try {
        listing = new Map();
        for (const entry of this.fs.readDirectory(directory)) {
          let kind: EntryKind | undefined = entry.isDirectory ? 'directory' : entry.isFile ? 'file' : undefined;
          if (entry.isSymbolicLink) {
            this.links.add(`${directory}/${entry.name}`);
            try {
              const stat = this.fs.stat(`${directory}/${entry.name}`);
              kind = stat.isDirectory ? 'directory' : stat.isFile ? 'file' : undefined;
            } catch {
              kind = undefined; // A dangling link is nothing.
            }
          }
          if (kind) listing.set(entry.name, kind);
        }
      } catch {
        listing = null;
      }
      this.listings.set(directory, listing);
    }
    return listing ?? undefined;
  }

  fileExists(path: string): boolean {
    const known = this.knownExistence(path);
    if (known !== undefined) return known;
    return this.listing(dirname(path))?.get(basename(path)) === 'file';
  }

  directoryExists(path: string): boolean {
    if (path === '/' || this.listings.get(path)) return true;
    return this.listing(dirname(path))?.get(basename(path)) === 'directory';
  }

  readFile(path: string): string | undefined {
    let text = this.texts.get(path);
    if (text === undefined) {
      try {
        text = this.fs.readFile(path);
      } catch {
        text = null;
      }
      this.texts.set(path, text);
    }
    return text ?? undefined;
  }

  /** The real path: the real path of its folder (cached per folder) plus its name, unless the entry itself is a link. */
  realpath(path: string): string {
    let real = this.realpaths.get(path);
    if (real === undefined) {
      const directory = dirname(path);
      if (directory !== path && this.listing(directory) && !this.links.has(path)) {
        const realDirectory = this.realpath(directory);
        real = `${realDirectory === '/' ? '' : realDirectory}/${basename(path)}`;
      } else {
        try {
          real = this.fs.realpath(path).split('\\').join('/');
        } catch {
          real = path;
        }
      }
      this.realpaths.set(path, real);
    }
    return real;
  }

  directories(path: string): string[] {
    return [...(this.listing(path) ?? new Map<string, EntryKind>())].filter(([, kind]) => kind === 'directory').map(([name]) => name);
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
