// The one workspace walker and its one set of ignore rules, shared by the scanner (source files), the flagd state
// discovery (definition files) and the language server's watched-file filter (`isIgnored`). The rules, as git and
// ripgrep apply them: `.gitignore` files at every level, including those above the workspace up to the git top level,
// and `.git/info/exclude`; flaglens.yaml `exclude` globs; node_modules and .git always skipped. The walk follows
// symlinks but walks each real folder once (no loops), and counts what it cannot read instead of failing.
import { posix } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { FileSystem } from './io.js';
import { compileGlobList, type GlobMatcher } from './globList.js';

/** Folders never walked, whatever the rules say. */
export const ALWAYS_SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git']);

/** One ignore file's rules, and how a workspace path is written relative to the folder that holds it. */
interface IgnoreLevel {
  /** Inside the workspace: the folder's root-relative path with a trailing `/` ('' for the root). */
  base?: string;
  /** Above the workspace: the root's path relative to the folder, with a trailing `/` ('' when it is the root). */
  above?: string;
  matcher: Ignore;
}

export interface WalkOptions {
  /** Which files to return, by root-relative path and name (folders are walked unless the rules skip them). */
  accept(relativePath: string, name: string): boolean;
  /** Folder depth below the root that is still walked (default: unlimited). */
  maxDepth?: number;
  /** Folder entries the walk may look at; beyond it the walk stops and `limitReached` is set (default: unlimited). */
  entryLimit?: number;
  /**
   * What an earlier walk with the same `accept`, root and exclude globs found (its `memo`): a folder whose time and
   * `.gitignore` are unchanged, under rules that are unchanged, is taken from it without listing it or asking the
   * rules about its entries. Not used with `maxDepth` or `entryLimit`.
   */
  previous?: WalkMemo;
  /** Return a memo of this walk for the next one (`now`: the real time, to leave out folders changed just now). */
  remember?: { now: number };
}

export interface WalkResult {
  /** Absolute `/`-separated paths, in a stable order (sorted per folder, depth first). */
  files: string[];
  /** Folders that could not be listed or resolved. */
  unreadable: number;
  /** True when `entryLimit` stopped the walk. */
  limitReached: boolean;
  /** With `remember`: what this walk found, and how many folders were taken from `previous` or listed. */
  memo?: WalkMemo;
  foldersRemembered?: number;
  foldersListed?: number;
  /** With `previous`: the folders (absolute) taken from it, whose entries are as they were. */
  unchangedFolders?: Set<string>;
}

/**
 * What a walk found per folder, for the next walk: a folder's listing changes only with its modification time
 * (an entry created, removed or renamed), and what the rules say of its entries only with an ignore file, so a
 * folder whose time and `.gitignore` are unchanged under unchanged rules above it can be taken as it was.
 */
export interface WalkMemo {
  /** `.git/info/exclude` and the `.gitignore` files above the root (and the git top level) as they read then. */
  rulesAbove: Array<[string, string | null]>;
  folders: WalkMemoFolder[];
}

export interface WalkMemoFolder {
  /** Root-relative, '' for the root. */
  folder: string;
  /** -1: changed too shortly before the walk to trust its time. */
  mtimeMs: number;
  /** The folder's own `.gitignore` text, or null when it has none. */
  gitignore: string | null;
  /** Names of the files the walk took, and of the folders it walked into, each with whether it is a symbolic link. */
  files: Array<[string, boolean]>;
  folders: Array<[string, boolean]>;
}

/** A folder modified less than this long before it was listed is listed again next time. */
const RECENT_FOLDER_CHANGE_MS = 3000;

/**
 * The ignore rules of one workspace. The rules above the root are read when they are created; each folder's
 * `.gitignore` is read once, when the walk or `isIgnored` first needs it.
 */
export class WorkspaceRules {
  readonly root: string;
  private readonly isExcluded: GlobMatcher;
  /** `.git/info/exclude` and the `.gitignore` files above the root, shallowest first. */
  private readonly levelsAbove: IgnoreLevel[];
  /** The files those levels were read from, with their texts (null: absent), for walk memos. */
  private readonly rulesAbove: Array<[string, string | null]>;
  /** Root-relative folder → its `.gitignore` text as read for its levels (null: none). */
  private readonly gitignoreTexts = new Map<string, string | null>();
  /** Root-relative folder → the levels that apply inside it, shallowest first. */
  private readonly levelsByFolder = new Map<string, IgnoreLevel[]>();

  constructor(
    private readonly fs: FileSystem,
    root: string,
    exclude: readonly string[],
  ) {
    this.root = root.length > 1 ? root.replace(/\/+$/, '') : root;
    this.isExcluded = compileGlobList(exclude);
    const above = readLevelsAbove(fs, this.root);
    this.levelsAbove = above.levels;
    this.rulesAbove = above.inputs;
  }

  /**
   * True when the walk leaves this root-relative path out, by itself or through a folder above it (`isDirectory`:
   * the path is a folder). The language server's watched-file filter: the same answer the walk gives.
   */
  isIgnored(relativePath: string, isDirectory: boolean): boolean {
    const segments = relativePath.split('/').filter((segment) => segment !== '' && segment !== '.');
    let folder = '';
    for (let index = 0; index < segments.length; index++) {
      const path = folder ? `${folder}/${segments[index]}` : segments[index];
      const isFolder = index < segments.length - 1 || isDirectory;
      if (this.isIgnoredEntry(folder, path, segments[index], isFolder)) return true;
      folder = path;
    }
    return false;
  }

  /** Whether the entry `name` (root-relative `path`) of `folder` is left out; the walk and `isIgnored` both ask this. */
  isIgnoredEntry(folder: string, path: string, name: string, isDirectory: boolean, folderHasGitignore?: boolean): boolean {
    if (isDirectory && ALWAYS_SKIPPED_DIRECTORIES.has(name)) return true;
    if (this.ignoredByGit(this.levelsFor(folder, folderHasGitignore), path, isDirectory)) return true;
    if (this.isExcluded(path)) return true;
    // A folder is excluded when a glob names it or everything in it (`fixtures/**`, `packages/*/fixtures/**`).
    return isDirectory && (this.isExcluded(`${path}/`) || this.isExcluded(`${path}/x`));
  }

  /** Walks the workspace below the root and returns the files `accept` takes. */
  walk(options: WalkOptions): WalkResult {
    const steps = this.walkInSteps(options);
    let step = steps.next();
    while (!step.done) step = steps.next();
    return step.value;
  }

  /**
   * The same walk, one folder per step: it pauses after each folder it lists, so a caller on the editor's event
   * loop can give other work a turn (or stop) between folders. The generator's return value is the walk's result.
   */
  *walkInSteps(options: WalkOptions): Generator<void, WalkResult, void> {
    const files: string[] = [];
    let unreadable = 0;
    let budget = options.entryLimit ?? Infinity;
    let limitReached = false;
    const maxDepth = options.maxDepth ?? Infinity;
    const visitedFolders = new Set<string>();
    const rules = this;
    const bounded = options.maxDepth !== undefined || options.entryLimit !== undefined;
    const remember = bounded ? undefined : options.remember;
    const previous = !bounded && options.previous && sameInputs(options.previous.rulesAbove, this.rulesAbove) ? new Map(options.previous.folders.map((entry) => [entry.folder, entry])) : undefined;
    const memoFolders: WalkMemoFolder[] = [];
    let foldersRemembered = 0;
    let foldersListed = 0;
    const unchangedFolders = new Set<string>();
    /**
     * `knownReal`: the folder's real path when it follows from its parent's (an entry that is no symbolic link).
     * `memoUsable`: the rules that apply here are those the previous walk had (no ignore file above changed).
     */
    function* visit(absolute: string, folder: string, depth: number, knownReal?: string, memoUsable = true): Generator<void, void, void> {
      let real: string;
      if (knownReal !== undefined) real = knownReal;
      else {
        try {
          real = rules.fs.realpath(absolute);
        } catch {
          unreadable++;
          return;
        }
      }
      // Symlinked folders can form loops; each real folder is walked once.
      if (visitedFolders.has(real)) return;
      visitedFolders.add(real);
      let mtimeMs = -1;
      if (remember || previous) {
        try {
          mtimeMs = rules.fs.stat(absolute).mtimeMs;
        } catch {
          unreadable++;
          return;
        }
      }
      const remembered = memoUsable ? previous?.get(folder) : undefined;
      if (remembered && remembered.mtimeMs >= 0 && remembered.mtimeMs === mtimeMs) {
        const replay = rules.replayFolder(absolute, remembered);
        if (replay) {
          foldersRemembered++;
          unchangedFolders.add(absolute);
          if (remember) memoFolders.push(remembered);
          yield;
          // In the order a listing gives (entries sorted by name): files and folders interleaved.
          let fileIndex = 0;
          for (const [name, isLink] of remembered.folders) {
            while (fileIndex < remembered.files.length && remembered.files[fileIndex]![0] < name) files.push(replay.files[fileIndex++]!);
            yield* visit(`${absolute}/${name}`, folder ? `${folder}/${name}` : name, depth + 1, isLink ? undefined : `${real === '/' ? '' : real}/${name}`, true);
          }
          while (fileIndex < replay.files.length) files.push(replay.files[fileIndex++]!);
          return;
        }
      }
      let entries;
      try {
        entries = rules.fs.readDirectory(absolute);
      } catch {
        unreadable++;
        return;
      }
      foldersListed++;
      yield;
      const hasGitignore = entries.some((entry) => entry.name === '.gitignore' && !entry.isDirectory);
      const memoEntry: WalkMemoFolder | undefined = remember
        ? { folder, mtimeMs: remember.now - mtimeMs < RECENT_FOLDER_CHANGE_MS ? -1 : mtimeMs, gitignore: null, files: [], folders: [] }
        : undefined;
      // The folder's own rules as they are now: when they differ from the previous walk's, nothing below can be taken.
      const ownGitignore = remember || remembered ? rules.gitignoreText(folder, hasGitignore) : null;
      if (memoEntry) memoEntry.gitignore = ownGitignore;
      const childrenMemoUsable = memoUsable && (!remembered || remembered.gitignore === ownGitignore);
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (--budget < 0) {
          limitReached = true;
          return;
        }
        const childAbsolute = `${absolute}/${entry.name}`;
        const childPath = folder ? `${folder}/${entry.name}` : entry.name;
        let isDirectory = entry.isDirectory;
        let isFile = entry.isFile;
        if (entry.isSymbolicLink) {
          try {
            const stat = rules.fs.stat(childAbsolute);
            isDirectory = stat.isDirectory;
            isFile = stat.isFile;
          } catch {
            continue; // A dangling link is not a file of the workspace.
          }
        }
        if (isDirectory) {
          if (depth >= maxDepth || rules.isIgnoredEntry(folder, childPath, entry.name, true, hasGitignore)) continue;
          memoEntry?.folders.push([entry.name, entry.isSymbolicLink]);
          // A real folder's entry that is no link is a real folder too: no realpath (a syscall per path segment) for it.
          yield* visit(childAbsolute, childPath, depth + 1, entry.isSymbolicLink ? undefined : `${real === '/' ? '' : real}/${entry.name}`, childrenMemoUsable);
          if (limitReached) return;
        } else if (isFile && options.accept(childPath, entry.name) && !rules.isIgnoredEntry(folder, childPath, entry.name, false, hasGitignore)) {
          memoEntry?.files.push([entry.name, entry.isSymbolicLink]);
          files.push(childAbsolute);
        }
      }
      if (memoEntry) memoFolders.push(memoEntry);
    }
    yield* visit(this.root, '', 0);
    if (!remember) return { files, unreadable, limitReached };
    return { files, unreadable, limitReached, memo: { rulesAbove: this.rulesAbove, folders: memoFolders }, foldersRemembered, foldersListed, unchangedFolders };
  }

  /**
   * The files of a remembered folder, when its `.gitignore` reads as it did and its symbolic links still lead to
   * what they did (a link's target can change without its folder's time changing); undefined otherwise.
   */
  private replayFolder(absolute: string, remembered: WalkMemoFolder): { files: string[] } | undefined {
    let gitignore: string | null = null;
    if (remembered.gitignore !== null) {
      try {
        gitignore = this.fs.readFile(`${absolute}/.gitignore`);
      } catch {
        gitignore = null;
      }
    }
    if (gitignore !== remembered.gitignore) return undefined;
    const files: string[] = [];
    for (const [name, isLink] of remembered.files) {
      if (isLink && !safeStat(this.fs, `${absolute}/${name}`)?.isFile) return undefined;
      files.push(`${absolute}/${name}`);
    }
    for (const [name, isLink] of remembered.folders) if (isLink && !safeStat(this.fs, `${absolute}/${name}`)?.isDirectory) return undefined;
    return { files };
  }

  /** A folder's `.gitignore` text as its rules read it (null: none). */
  private gitignoreText(folder: string, hasGitignore: boolean): string | null {
    if (!hasGitignore) return null;
    this.levelsFor(folder, hasGitignore);
    return this.gitignoreTexts.get(folder) ?? null;
  }

  /** The levels that apply to entries of `folder`: the parent folder's, plus the folder's own `.gitignore`. */
  private levelsFor(folder: string, hasGitignore?: boolean): IgnoreLevel[] {
    const known = this.levelsByFolder.get(folder);
    if (known) return known;
    const inherited = folder === '' ? this.levelsAbove : this.levelsFor(parentFolder(folder));
    let levels = inherited;
    if (hasGitignore !== false) {
      const text = readIgnoreText(this.fs, folder ? `${this.root}/${folder}/.gitignore` : `${this.root}/.gitignore`);
      this.gitignoreTexts.set(folder, text ?? null);
      if (text !== undefined) levels = [...inherited, { base: folder ? `${folder}/` : '', matcher: ignore().add(text) }];
    }
    this.levelsByFolder.set(folder, levels);
    return levels;
  }

  private ignoredByGit(levels: IgnoreLevel[], path: string, isDirectory: boolean): boolean {
    // The deepest ignore file with an opinion wins, as in git (a nested `!pattern` re-includes).
    for (let index = levels.length - 1; index >= 0; index--) {
      const level = levels[index];
      let inner: string;
      if (level.above !== undefined) inner = level.above + path;
      else if (path.startsWith(level.base!)) inner = path.slice(level.base!.length);
      else continue;
      if (!inner) continue;
      const verdict = level.matcher.test(isDirectory ? `${inner}/` : inner);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }
}

/** Walks the workspace below `root` (absolute, `/`-separated) with its ignore rules and `exclude` globs. */
export function walkWorkspace(fs: FileSystem, root: string, exclude: readonly string[], options: WalkOptions): WalkResult & { rules: WorkspaceRules } {
  const rules = new WorkspaceRules(fs, root, exclude);
  return { ...rules.walk(options), rules };
}

/**
 * `.git/info/exclude` (lowest precedence) and every `.gitignore` from the git top level down to the root's parent,
 * each with the root's path relative to its folder. Outside a git repository there are none. A level that ignores
 * the workspace itself (a copy unpacked under an ignored `.cache/`) is left out: the person chose to look inside it.
 */
function readLevelsAbove(fs: FileSystem, root: string): { levels: IgnoreLevel[]; inputs: Array<[string, string | null]> } {
  const folders: string[] = [];
  let topLevel: string | undefined;
  for (let folder = root; ; ) {
    if (safeExists(fs, `${folder}/.git`)) {
      topLevel = folder;
      break;
    }
    const parent = posix.dirname(folder);
    if (parent === folder) break;
    folder = parent;
    folders.push(folder);
  }
  if (topLevel === undefined) return { levels: [], inputs: [['(git top level)', null]] };
  const levels: IgnoreLevel[] = [];
  const inputs: Array<[string, string | null]> = [['(git top level)', topLevel]];
  const infoExclude = gitCommonDirectory(fs, topLevel);
  const candidates: Array<{ folder: string; file: string }> = [];
  if (infoExclude) candidates.push({ folder: topLevel, file: `${infoExclude}/info/exclude` });
  for (const folder of folders.reverse()) candidates.push({ folder, file: `${folder}/.gitignore` });
  for (const { folder, file } of candidates) {
    const text = readIgnoreText(fs, file);
    inputs.push([file, text ?? null]);
    if (text === undefined) continue;
    const matcher = ignore().add(text);
    const rootFromFolder = posix.relative(folder, root);
    const above = rootFromFolder ? `${rootFromFolder}/` : '';
    if (above && matcher.test(above).ignored) continue;
    levels.push({ above, matcher });
  }
  return { levels, inputs };
}

/** The repository's git folder shared by its worktrees (`.git`, or the main one a `gitdir:` file points to). */
function gitCommonDirectory(fs: FileSystem, topLevel: string): string | undefined {
  const dotGit = `${topLevel}/.git`;
  try {
    if (fs.stat(dotGit).isDirectory) return dotGit;
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFile(dotGit))?.[1];
    if (!pointer) return undefined;
    const gitDirectory = posix.resolve(topLevel, pointer);
    let common = gitDirectory;
    try {
      common = posix.resolve(gitDirectory, fs.readFile(`${gitDirectory}/commondir`).trim());
    } catch {
      // Not a linked worktree (a submodule): its git folder holds info/exclude itself.
    }
    return common;
  } catch {
    return undefined;
  }
}

function readIgnoreText(fs: FileSystem, path: string): string | undefined {
  try {
    return fs.readFile(path);
  } catch {
    // Missing or unreadable: it ignores nothing.
    return undefined;
  }
}

function safeStat(fs: FileSystem, path: string): { isFile: boolean; isDirectory: boolean } | undefined {
  try {
    return fs.stat(path);
  } catch {
    return undefined;
  }
}

function sameInputs(a: ReadonlyArray<[string, string | null]>, b: ReadonlyArray<[string, string | null]>): boolean {
  return a.length === b.length && a.every(([path, text], index) => b[index]![0] === path && b[index]![1] === text);
}

function safeExists(fs: FileSystem, path: string): boolean {
  try {
    return fs.exists(path);
  } catch {
    return false;
  }
}

function parentFolder(folder: string): string {
  const slash = folder.lastIndexOf('/');
  return slash === -1 ? '' : folder.slice(0, slash);
}
