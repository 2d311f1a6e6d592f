// The small interfaces through which the core touches the outside world (files, clock, timers, git),
// so analyses stay deterministic and testable from strings. Node implementations are in `nodeIo.ts`;
// the CLI and the server pass them in, tests pass in-memory ones.

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

/** Synchronous file access with absolute paths. Every method may throw (ENOENT, EACCES …). */
export interface FileSystem {
  readFile(path: string): string;
  readFileBytes(path: string): Uint8Array;
  readDirectory(path: string): DirectoryEntry[];
  stat(path: string): FileStat;
  realpath(path: string): string;
  exists(path: string): boolean;
}

export interface Clock {
  now(): Date;
}

/** A callback scheduled through `Timers`; `cancel` is safe to call after it ran. */
export interface ScheduledTimer {
  cancel(): void;
}

/** Deferred work (a debounce, a delayed pass): the core schedules through this, so tests can run time by hand. */
export interface Timers {
  schedule(run: () => void, delayMs: number): ScheduledTimer;
}

/**
 * Writes the small files Flaglens keeps for itself in `<workspace>/.flaglens/` (rollout step records, watch
 * leases): atomically (temp file + rename), creating folders as needed. Never used for the user's files.
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

/** Read-only git access, used to derive when a flag reached 100% and which keys were removed. */
export interface GitHost {
  /** The file's revisions, newest first (bounded by `limit`); empty when not in a git repository. */
  fileHistory(absPath: string, limit?: number): FileRevision[];
  /** Lines added or changed in `absPath` since `ref` (1-based); undefined when git cannot say. */
  changedLines?(absPath: string, ref: string): Set<number> | undefined;
}

export const systemClock: Clock = { now: () => new Date() };

/** The JavaScript runtime's timers. */
export const systemTimers: Timers = {
  schedule(run, delayMs) {
    const handle = setTimeout(run, delayMs);
    return { cancel: () => clearTimeout(handle) };
  },
};
