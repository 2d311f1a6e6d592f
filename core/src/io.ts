// The small interfaces through which the core touches the outside world (files, clock, timers, git, the
// writing process), so analyses stay deterministic and testable from strings. Node implementations are in
// `nodeIo.ts`; the CLI and the server pass them in, tests pass in-memory ones.

export interface DirectoryEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

export interface FileStat {
  size: number;
  isFile: boolean;
  isDirectory: boolean;
  mtimeMs: number;
}

/** Limits a read puts on the file it opens. */
export interface ReadOptions {
  /** Refuse a file larger than this many bytes (error code `EFBIG`), before reading it. */
  maxBytes?: number;
  /** Refuse bytes that are not valid UTF-8 (error code `EILSEQ`) instead of replacing them with U+FFFD. */
  strictUtf8?: boolean;
}

/**
 * Synchronous file access with absolute paths. Every method may throw (ENOENT, EACCES …). Reads open only
 * regular files: a directory is `EISDIR`, a FIFO, socket or device `ENOTREGULAR`, and a read never blocks
 * on a FIFO.
 */
export interface FileSystem {
  readFile(path: string, options?: ReadOptions): string;
  readFileBytes(path: string, options?: ReadOptions): Uint8Array;
  readDirectory(path: string): DirectoryEntry[];
  stat(path: string): FileStat;
  realpath(path: string): string;
  exists(path: string): boolean;
}

/** Input files Flaglens parses as a whole (flagd state files, flaglens.yaml, the user config) are at most this big by default. */
export const MAX_INPUT_FILE_BYTES = 10 * 1024 * 1024;

/** Why a file could not be read, in words that fit after its path ("flags.yaml is a directory"). */
export function describeReadError(error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTREGULAR':
      return 'is not a regular file (a FIFO, socket or device): Flaglens reads only regular files';
    case 'EFBIG':
      return `is too large: ${(error as Error).message.replace(/^.*?: /, '')}`;
    case 'EILSEQ':
      return `is not valid UTF-8 (${(error as Error).message.replace(/^.*?: /, '')}): Flaglens does not re-encode files, fix the bytes first`;
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'ELOOP':
      return 'is a symbolic link loop';
    default:
      return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

export interface Clock {
  now(): Date;
}

/** Waiting and scheduling, and a monotonic reading for durations (a pinned Clock would make them all 0). */
export interface Timers {
  /** Runs `callback` after `ms`; the returned function cancels it. A pending timer never keeps the process alive. */
  schedule(ms: number, callback: () => void): () => void;
  sleep(ms: number): Promise<void>;
  /** Milliseconds on a monotonic clock (only differences mean anything). */
  monotonicMs(): number;
}

/**
 * Writes the small files Flaglens keeps for itself in `<workspace>/.flaglens/` (rollout step records, watch
 * leases), creating folders as needed. Built on the workspace's `FileWriter` by `flaglensFileWriter`
 * (workspaceWrites.ts), so these writes are atomic and never leave the workspace. Never used for the user's files.
 */
export interface WorkspaceFileWriter {
  writeFile(path: string, content: string): void;
  /** Removes the file; a file that is already gone is not an error. */
  removeFile(path: string): void;
}

/** One commit's view of a file, newest first in `fileHistory`. */
export interface FileRevision {
  commit: string;
  /** Commit date, ISO-8601. */
  date: string;
  /** File content at that commit; undefined when the file did not exist (deleted) at that commit. */
  content: string | undefined;
}

/**
 * Read-only git access, used to derive when a flag reached 100% and which keys were removed. The CLI reads it
 * synchronously; the language server answers asynchronously (git runs as child processes off its event loop).
 */
export interface GitHost {
  /** The file's revisions, newest first (bounded by `limit`); empty when not in a git repository. */
  fileHistory(absPath: string, limit?: number): FileRevision[] | Promise<FileRevision[]>;
  /** Lines added or changed in `absPath` since `ref` (1-based); undefined when git cannot say. */
  changedLines?(absPath: string, ref: string): Set<number> | undefined;
  /** True when the repository holding `absPath` is a shallow clone (its history stops before the first commit). */
  isShallow?(absPath: string): boolean | Promise<boolean>;
}

/** A process as lock files and journals record it, so a later process can tell whether it is still running. */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** The process's start time as the OS reports it (Linux), so a reused pid is not mistaken for the writer. */
  start?: string;
}

export interface ProcessInfo {
  /** The running process. */
  readonly self: ProcessIdentity;
  /**
   * False only when the process is known to be gone: same host and no such pid (or the pid now belongs to a
   * process that started later). A process on another host is assumed alive.
   */
  isAlive(identity: ProcessIdentity): boolean;
}

/**
 * The write side of the file system. Paths are absolute and already resolved (no symlink in the last
 * component: the caller writes through a link by passing its target). Every write keeps the replaced
 * file's mode, goes through a temp file in the target's directory created `O_EXCL|O_NOFOLLOW` under an
 * unpredictable name, is fsynced, and is renamed over the target, so readers see the old file or the new
 * one and never half of one.
 */
export interface FileWriter {
  readonly process: ProcessInfo;
  /** Replaces (or creates) `path` with `content` atomically. */
  writeAtomic(path: string, content: string | Uint8Array): void;
  /** Writes and fsyncs the temp file for `path` without renaming it; returns the temp file's path. */
  stage(path: string, content: string | Uint8Array): string;
  /** Renames a staged temp file over `path` (and fsyncs the directory). */
  commit(temp: string, path: string): void;
  /** Creates `path` with `content` only if nothing exists there (atomically, with the content complete); false when it exists. */
  createExclusive(path: string, content: string): boolean;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): void;
  /** Creates one directory (its parent must exist); an existing directory is not an error. */
  makeDirectory(path: string): void;
  /** Removes temp files of `path` left behind by writers that are no longer running; returns how many. */
  removeDeadTemps(path: string): number;
  /** How long ago (real time) `path` was last modified, in ms; undefined when it does not exist. */
  ageMs(path: string): number | undefined;
}

export const systemClock: Clock = { now: () => new Date() };

export const systemTimers: Timers = {
  schedule(ms, callback) {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  monotonicMs: () => performance.now(),
};

/** The user's cache folder: `$XDG_CACHE_HOME` when it is absolute, else `~/.cache`; undefined without HOME. */
export function userCacheBase(env: Record<string, string | undefined>): string | undefined {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : env.HOME ? `${env.HOME}/.cache` : undefined;
  return base?.replace(/\/+$/, '');
}

/** Creates `directory` and its missing parents, one `makeDirectory` each (an existing one is left as it is). */
export function makeDirectories(fs: FileSystem, writer: FileWriter, directory: string): void {
  const missing: string[] = [];
  let current = directory;
  while (current.length > 1 && !isExistingDirectory(fs, current)) {
    missing.push(current);
    current = current.slice(0, current.lastIndexOf('/')) || '/';
  }
  for (const path of missing.reverse()) writer.makeDirectory(path);
}

function isExistingDirectory(fs: FileSystem, path: string): boolean {
  try {
    return fs.stat(path).isDirectory;
  } catch {
    return false;
  }
}
