// The file-system view module resolution reads through: one directory listing per directory (so
// existence checks cost a readdir per directory, not a stat per candidate), cached file texts for the
// small files resolution reads (package.json, tsconfig), cached real paths, and the editor's knowledge
// of unsaved or deleted files, which wins over the disk. What it read is also what resolution depended on:
// `readInputs` lists it for the persistent cache, and `resolutionInputsUnchanged` checks it again later.
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { FileSystem } from '../../io.js';
import { contentHash } from '../scanCache.js';

type EntryKind = 'file' | 'directory';

/**
 * What resolution read from the disk: the entries it asked about (not whole folders: a lookup of
 * `~/node_modules` depends on that one name, not on everything else in the home folder), the folders whose
 * whole listing it used, small files as hashes, and the real paths it asked for.
 */
export interface ResolutionInputs {
  /** Folder → each name asked about and what it was (see `describeEntry`), or null when the folder could not be listed. */
  entries: Array<[string, Array<[string, string]> | null]>;
  /** Folder → hash of all its entries, for folders listed as a whole (workspace globs), or null when unlistable. */
  listings: Array<[string, string | null]>;
  /** File → hash of its text, or null when it could not be read. */
  texts: Array<[string, string | null]>;
  /** Path → its real path, for every path whose real path came from the disk (symbolic links). */
  links: Array<[string, string]>;
}

export class CachedFileSystem {
  private readonly listings = new Map<string, Map<string, EntryKind> | null>();
  private readonly texts = new Map<string, string | null>();
  private readonly realpaths = new Map<string, string>();
  /** Entries (directory/name) that are symbolic links: only these need a real-path lookup of their own. */
  private readonly links = new Set<string>();
  /** Real paths asked of the disk itself (links, and paths whose folder cannot be listed). */
  private readonly diskRealpaths = new Map<string, string>();
  /** Names asked about, by folder, with the answer (null: the folder could not be listed). */
  private readonly queried = new Map<string, Map<string, string> | null>();
  /** Folders whose whole listing was used. */
  private readonly wholeListings = new Set<string>();

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
    this.diskRealpaths.clear();
    this.queried.clear();
    this.wholeListings.clear();
  }

  /** The entries of a directory (symbolic links followed), or undefined when it cannot be read. */
  listing(directory: string): Map<string, EntryKind> | undefined {
    this.wholeListings.add(directory);
    return this.rawListing(directory);
  }

  /** Everything read from the disk so far (see ResolutionInputs). */
  readInputs(): ResolutionInputs {
    return {
      entries: [...this.queried].map(([directory, answers]) => [directory, answers ? [...answers] : null]),
      listings: [...this.wholeListings].map((directory) => {
        const listing = this.listings.get(directory);
        return [directory, listing ? listingHash(listing) : null];
      }),
      texts: [...this.texts].map(([path, text]) => [path, text === null ? null : contentHash(text)]),
      links: [...this.diskRealpaths],
    };
  }

  fileExists(path: string): boolean {
    const known = this.knownExistence(path);
    if (known !== undefined) return known;
    return this.entryKind(dirname(path), basename(path)) === 'file';
  }

  directoryExists(path: string): boolean {
    if (path === '/') return true;
    if (this.listings.get(path)) {
      // Known to be listable: that is what the answer rests on.
      this.noteQuery(path, '.', this.listings.get(path)!, 'directory');
      return true;
    }
    return this.entryKind(dirname(path), basename(path)) === 'directory';
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
      const listing = directory !== path ? this.rawListing(directory) : undefined;
      if (directory !== path) this.noteQuery(directory, basename(path), listing ?? null, listing?.get(basename(path)));
      if (listing && !this.links.has(path)) {
        const realDirectory = this.realpath(directory);
        real = `${realDirectory === '/' ? '' : realDirectory}/${basename(path)}`;
      } else {
        real = diskRealpath(this.fs, path);
        this.diskRealpaths.set(path, real);
      }
      this.realpaths.set(path, real);
    }
    return real;
  }

  directories(path: string): string[] {
    return [...(this.listing(path) ?? new Map<string, EntryKind>())].filter(([, kind]) => kind === 'directory').map(([name]) => name);
  }

  private rawListing(directory: string): Map<string, EntryKind> | undefined {
    let listing = this.listings.get(directory);
    if (listing === undefined) {
      listing = readListing(this.fs, directory, (link) => this.links.add(link));
      this.listings.set(directory, listing);
    }
    return listing ?? undefined;
  }

  /** What `name` in `directory` is, recorded as an input of resolution. */
  private entryKind(directory: string, name: string): EntryKind | undefined {
    const listing = this.rawListing(directory);
    const kind = listing?.get(name);
    this.noteQuery(directory, name, listing ?? null, kind);
    return kind;
  }

  private noteQuery(directory: string, name: string, listing: Map<string, EntryKind> | null, kind: EntryKind | undefined): void {
    let answers = this.queried.get(directory);
    if (answers === undefined) this.queried.set(directory, (answers = listing ? new Map() : null));
    if (answers && !answers.has(name)) answers.set(name, describeEntry(kind, this.links.has(`${directory}/${name}`)));
  }
}

/** What an entry is, as recorded: `f` or `d` (with `@` for a symbolic link), `-` for nothing. */
function describeEntry(kind: EntryKind | undefined, isLink: boolean): string {
  return kind === undefined ? '-' : `${kind === 'file' ? 'f' : 'd'}${isLink ? '@' : ''}`;
}

/**
 * True when every input resolution read back then reads the same now (an entry it asked about, a tsconfig, a
 * package.json …). `unchangedFolders` are folders known to hold the entries they held (the walk took them from its
 * memo): only their symbolic links are looked at again.
 */
export function resolutionInputsUnchanged(fs: FileSystem, inputs: ResolutionInputs, unchangedFolders?: ReadonlySet<string>): boolean {
  for (const [directory, answers] of inputs.entries) {
    if (answers && unchangedFolders?.has(directory)) {
      for (const [name, was] of answers) {
        if (!was.endsWith('@')) continue;
        let kind: EntryKind | undefined;
        try {
          const stat = fs.stat(`${directory}/${name}`);
          kind = stat.isDirectory ? 'directory' : stat.isFile ? 'file' : undefined;
        } catch {
          kind = undefined;
        }
        if (describeEntry(kind, true) !== was) return false;
      }
      continue;
    }
    const links = new Set<string>();
    const listing = readListing(fs, directory, (link) => links.add(link));
    if (answers === null || listing === null) {
      if ((answers === null) !== (listing === null)) return false;
      continue;
    }
    for (const [name, was] of answers) {
      const now = name === '.' ? 'd' : describeEntry(listing.get(name), links.has(`${directory}/${name}`));
      if (now !== was) return false;
    }
  }
  for (const [directory, hash] of inputs.listings) {
    const listing = readListing(fs, directory, () => undefined);
    if ((listing ? listingHash(listing) : null) !== hash) return false;
  }
  for (const [path, hash] of inputs.texts) {
    let now: string | null;
    try {
      now = contentHash(fs.readFile(path));
    } catch {
      now = null;
    }
    if (now !== hash) return false;
  }
  for (const [path, real] of inputs.links) if (diskRealpath(fs, path) !== real) return false;
  return true;
}

function readListing(fs: FileSystem, directory: string, onLink: (path: string) => void): Map<string, EntryKind> | null {
  try {
    const listing = new Map<string, EntryKind>();
    for (const entry of fs.readDirectory(directory)) {
      let kind: EntryKind | undefined = entry.isDirectory ? 'directory' : entry.isFile ? 'file' : undefined;
      if (entry.isSymbolicLink) {
        onLink(`${directory}/${entry.name}`);
        try {
          const stat = fs.stat(`${directory}/${entry.name}`);
          kind = stat.isDirectory ? 'directory' : stat.isFile ? 'file' : undefined;
        } catch {
          kind = undefined; // A dangling link is nothing.
        }
      }
      if (kind) listing.set(entry.name, kind);
    }
    return listing;
  } catch {
    return null;
  }
}

function diskRealpath(fs: FileSystem, path: string): string {
  try {
    return fs.realpath(path).split('\\').join('/');
  } catch {
    return path;
  }
}

function listingHash(listing: Map<string, EntryKind>): string {
  const entries = [...listing].map(([name, kind]) => `${kind[0]}${name}`).sort();
  return createHash('sha1').update(entries.join('\0')).digest('base64url');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
