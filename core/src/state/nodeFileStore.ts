// The node:fs implementation of `StateFileStore`: O_EXCL lock files, and temp file + fsync + rename in the same
// directory so readers see the old file or the new one, never half of one.
import * as fs from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { StateFileStore } from './fileStore.js';

export const nodeFileStore: StateFileStore = {
  readFile: (path) => fs.readFileSync(path, 'utf8'),
  createExclusive(path, content) {
    let fd: number;
    try {
      fd = fs.openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      fs.writeSync(fd, content);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  },
  ageMs(path) {
    try {
      return Date.now() - fs.statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
  },
  remove: (path) => fs.unlinkSync(path),
  replaceAtomically(path, content) {
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let mode: number | undefined;
    try {
      mode = fs.statSync(path).mode & 0o777;
    } catch {
      mode = undefined;
    }
    const fd = fs.openSync(temp, 'wx', mode ?? 0o644);
    try {
      fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(temp, { force: true });
      throw error;
    }
    fs.closeSync(fd);
    try {
      fs.renameSync(temp, path);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
    // Make the rename itself durable (best effort: not every file system lets a directory be fsynced).
    try {
      const directory = fs.openSync(dirname(path), 'r');
      try {
        fs.fsyncSync(directory);
      } finally {
        fs.closeSync(directory);
      }
    } catch {
      // Durability of the directory entry is a bonus; the content is already on disk.
    }
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
