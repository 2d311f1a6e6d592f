// Guarded writes of state files and the one lock-file mechanism Flaglens uses: an exclusive lock file that
// records its holder, taken over at once when the holder is known to be dead, then re-read → hash compare →
// atomic replace. All IO goes through the interfaces the front-ends pass in (io.ts), so the protocol is
// testable with a racing or failing writer.
import { createHash } from 'node:crypto';
import type { Clock, FileSystem, FileWriter, ProcessIdentity, Timers } from '../io.js';
import { MAX_INPUT_FILE_BYTES, describeReadError } from '../io.js';
import { RolloutRefusedError } from '../model.js';

/** What a guarded write or a lock needs. */
export interface GuardedWriteIo {
  fs: FileSystem;
  writer: FileWriter;
  clock: Clock;
  timers: Timers;
}

export interface FileLockOptions {
  /** A lock whose holder cannot be checked (another host, unreadable) and is older than this is taken over (default 30 s). */
  staleLockMs?: number;
  /** How long to wait for a live holder before refusing (default 3 s). */
  lockWaitMs?: number;
  /** Written into the lock file to help people find the holder. */
  owner?: string;
  /** The locked file as people should read it in messages. */
  displayPath: string;
}

export interface GuardedWriteOptions extends Omit<FileLockOptions, 'displayPath'> {
  /** The file's content hash when it was read and planned; the write is refused if it changed. */
  expectedHash: string;
  /** The path as people should read it in messages (default: `path`). */
  displayPath?: string;
}

export const STATE_LOCK_SUFFIX = '.flaglens.lock';

export function stateFileHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface LockRecord extends Partial<ProcessIdentity> {
  owner?: string;
  at?: string;
}

/**
 * Takes `lockPath` exclusively and returns the function that releases it. A lock whose holder is dead (same
 * host, no such process) is taken over at once; one whose holder cannot be checked only once it is older than
 * `staleLockMs`; a live holder is waited for up to `lockWaitMs`, then the lock is refused with 'conflict'.
 */
export async function acquireFileLock(io: GuardedWriteIo, lockPath: string, options: FileLockOptions): Promise<() => void> {
  const staleLockMs = options.staleLockMs ?? 30_000;
  const deadline = io.timers.monotonicMs() + (options.lockWaitMs ?? 3_000);
  const self = io.writer.process.self;
  const record: LockRecord = { owner: options.owner ?? 'flaglens', pid: self.pid, host: self.host, start: self.start, at: io.clock.now().toISOString() };
  const content = JSON.stringify(record);
  for (;;) {
    if (io.writer.createExclusive(lockPath, content)) break;
    if (isAbandoned(io, lockPath, staleLockMs)) {
      // O_EXCL still decides the winner when several writers take over the same abandoned lock.
      io.writer.remove(lockPath);
      continue;
    }
    if (io.timers.monotonicMs() >= deadline) {
      throw new RolloutRefusedError(`${options.displayPath} is being changed by another write (lock file ${options.displayPath}${STATE_LOCK_SUFFIX}), retry`, 'conflict');
    }
    await io.timers.sleep(25 + Math.floor(Math.random() * 50));
  }
  return () => io.writer.remove(lockPath);
}

function isAbandoned(io: GuardedWriteIo, lockPath: string, staleLockMs: number): boolean {
  let holder: LockRecord | undefined;
  try {
    const parsed: unknown = JSON.parse(io.fs.readFile(lockPath, { maxBytes: 64 * 1024 }));
    if (parsed && typeof parsed === 'object') holder = parsed as LockRecord;
  } catch (error) {
    // Released between our attempt and this read: try again at once.
    if ((error as { code?: string }).code === 'ENOENT') return false;
  }
  if (holder && typeof holder.pid === 'number' && typeof holder.host === 'string') {
    const identity: ProcessIdentity = { pid: holder.pid, host: holder.host, start: typeof holder.start === 'string' ? holder.start : undefined };
    if (!io.writer.process.isAlive(identity)) return true;
    if (holder.host === io.writer.process.self.host) return false;
  }
  const age = io.writer.ageMs(lockPath);
  return age !== undefined && age > staleLockMs;
}

/**
 * Replaces `path` with `content` unless it changed since it was read: take `<path>.flaglens.lock`, remove temp
 * files of dead writers, re-read and compare the hash, replace atomically, drop the lock. A concurrent writer
 * loses with RolloutRefusedError('… changed since read, retry', 'conflict'); no update is ever lost.
 */
export async function writeGuarded(io: GuardedWriteIo, path: string, content: string, options: GuardedWriteOptions): Promise<void> {
  const shown = options.displayPath ?? path;
  const release = await acquireFileLock(io, path + STATE_LOCK_SUFFIX, { ...options, displayPath: shown });
  try {
    io.writer.removeDeadTemps(path);
    let current: string;
    try {
      current = io.fs.readFile(path, { strictUtf8: true, maxBytes: MAX_INPUT_FILE_BYTES });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENOENT') throw new RolloutRefusedError(`${shown} changed since read (it is gone), retry`, 'conflict');
      throw new RolloutRefusedError(`${shown} ${describeReadError(error)}`, 'invalid');
    }
    if (stateFileHash(current) !== options.expectedHash) throw new RolloutRefusedError(`${shown} changed since read, retry`, 'conflict');
    // The lock and the replacement each fsync: a turn of the event loop between them keeps a language server's
    // requests from waiting for both (the lock is held a moment longer, never released early).
    await io.timers.sleep(0);
    io.writer.writeAtomic(path, content);
  } finally {
    try {
      release();
    } catch {
      // The lock was taken over as abandoned by another writer; nothing more to release.
    }
  }
}
