// The file operations a guarded write needs (exclusive lock file, atomic replace), behind a small interface so the
// write protocol in `writeGuarded` is testable in memory; `nodeFileStore.ts` is the real implementation.
import { createHash } from 'node:crypto';
import { RolloutRefusedError } from '../model.js';

export interface StateFileStore {
  readFile(path: string): string;
  /** Creates `path` with `content` only if it does not exist (O_EXCL); false when it exists. */
  createExclusive(path: string, content: string): boolean;
  /** Age of a file in milliseconds, undefined when it does not exist. */
  ageMs(path: string): number | undefined;
  remove(path: string): void;
  /** Writes a temp file in the same directory and renames it over `path` (keeping `path`'s mode). */
  replaceAtomically(path: string, content: string): void;
  /** Waits a little before retrying the lock. */
  sleep(ms: number): Promise<void>;
}

export interface GuardedWriteOptions {
  /** The file's content hash when it was read and planned; the write is refused if it changed. */
  expectedHash: string;
  /** A lock older than this is considered left behind by a crashed writer and removed (default 30 s). */
  staleLockMs?: number;
  /** How long to wait for another writer's lock before refusing (default 3 s). */
  lockWaitMs?: number;
  /** Written into the lock file to help people find the holder. */
  owner?: string;
  /** The path as people should read it in messages (default: `path`). */
  displayPath?: string;
}

export const STATE_LOCK_SUFFIX = '.flaglens.lock';

export function stateFileHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Replaces `path` with `content` unless it changed since it was read: take `<path>.flaglens.lock` exclusively,
 * re-read and compare the hash, write a temp file and rename it, drop the lock. A concurrent writer loses with
 * RolloutRefusedError('… changed since read, retry', 'conflict'); no update is ever lost.
 */
export async function writeGuarded(store: StateFileStore, path: string, content: string, options: GuardedWriteOptions): Promise<void> {
  const lockPath = path + STATE_LOCK_SUFFIX;
  const shown = options.displayPath ?? path;
  const staleLockMs = options.staleLockMs ?? 30_000;
  const deadline = Date.now() + (options.lockWaitMs ?? 3_000);
  const lockContent = JSON.stringify({ owner: options.owner ?? 'flaglens', pid: typeof process === 'object' ? process.pid : undefined, at: new Date().toISOString() });
  for (;;) {
    if (store.createExclusive(lockPath, lockContent)) break;
    const age = store.ageMs(lockPath);
    if (age !== undefined && age > staleLockMs) {
      // Left behind by a crashed writer: remove it and race for it again (O_EXCL still decides the winner).
      try {
        store.remove(lockPath);
      } catch {
        // Someone else removed it first.
      }
      continue;
    }
    if (Date.now() >= deadline) throw new RolloutRefusedError(`${shown} is being changed by another write (lock file ${shown}${STATE_LOCK_SUFFIX}), retry`, 'conflict');
    await store.sleep(25 + Math.floor(Math.random() * 50));
  }
  try {
    let current: string;
    try {
      current = store.readFile(path);
    } catch {
      throw new RolloutRefusedError(`${shown} changed since read (it is gone), retry`, 'conflict');
    }
    if (stateFileHash(current) !== options.expectedHash) throw new RolloutRefusedError(`${shown} changed since read, retry`, 'conflict');
    store.replaceAtomically(path, content);
  } finally {
    try {
      store.remove(lockPath);
    } catch {
      // The lock was removed as stale by another writer; nothing more to release.
    }
  }
}
