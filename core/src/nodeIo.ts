// Node implementations of the core's IO interfaces (files, git, the writing process), used by the CLI and the
// language server. This is the one place Flaglens writes files: `writeFileAtomic` and the staged writes of
// `nodeFileWriter` all create their temp file the same careful way.
import * as fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { dirname, basename, join } from 'node:path';
import type { FileSystem, FileWriter, GitHost, FileRevision, ProcessIdentity, ProcessInfo, ReadOptions } from './io.js';

export const nodeFileSystem: FileSystem = {
  readFile: (path, options) => decodeText(readRegularFile(path, options), options),
  readFileBytes: (path, options) => readRegularFile(path, options),
  readDirectory: (path) =>
    fs.readdirSync(path, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      isFile: entry.isFile(),
      isDirectory: entry.isDirectory(),
      isSymbolicLink: entry.isSymbolicLink(),
    })),
  stat: (path) => {
    const stat = fs.statSync(path);
    return { size: stat.size, isFile: stat.isFile(), isDirectory: stat.isDirectory(), mtimeMs: stat.mtimeMs };
  },
  realpath: (path) => fs.realpathSync(path),
  exists: (path) => fs.existsSync(path),
};

function fileError(code: string, message: string): NodeJS.ErrnoException {
  const error = new Error(message) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}

/**
 * Opens without blocking (a FIFO would otherwise wait for a writer forever), checks with fstat that it is a
 * regular file within the size limit, and reads at most that many bytes (a file growing meanwhile is refused too).
 */
function readRegularFile(path: string, options: ReadOptions | undefined): Buffer {
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw fileError('EISDIR', `${path}: is a directory`);
    if (!stat.isFile()) throw fileError('ENOTREGULAR', `${path}: not a regular file`);
    const limit = options?.maxBytes;
    if (limit === undefined) return fs.readFileSync(fd);
    const tooLarge = () => fileError('EFBIG', `${path}: more than ${formatBytes(limit)} (the limit for this file)`);
    if (stat.size > limit) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit + 1 - total));
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > limit) throw tooLarge();
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

function decodeText(bytes: Buffer, options: ReadOptions | undefined): string {
  if (options?.strictUtf8 && !isUtf8(bytes)) {
    const offset = firstInvalidUtf8Offset(bytes);
    const before = bytes.subarray(0, offset).toString('latin1');
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw fileError('EILSEQ', `invalid byte 0x${bytes[offset]!.toString(16).padStart(2, '0')} at line ${line}, column ${column}`);
  }
  // Buffer decoding keeps a byte-order mark as U+FEFF, so writing the text back reproduces it.
  return bytes.toString('utf8');
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    let length: number;
    let min: number;
    if (lead < 0x80) {
      index++;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) [length, min] = [2, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [length, min] = [3, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, min] = [4, 0x10000];
    else return index;
    if (index + length > bytes.length) return index;
    let codePoint = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[index + k]!;
      if ((next & 0xc0) !== 0x80) return index;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return index;
    index += length;
  }
  return bytes.length;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${bytes} bytes`;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/** Git through the `git` executable; every failure (no git, not a repository) reads as "no history". */
export const nodeGitHost: GitHost = {
  fileHistory(absPath, limit = 200) {
    const cwd = dirname(absPath);
    const log = git(cwd, ['log', `-n${limit}`, '--format=%H %cI', '--follow', '--', basename(absPath)]);
    if (!log) return [];
    const top = git(cwd, ['rev-parse', '--show-toplevel'])?.trim();
    if (!top) return [];
    const relative = fs.realpathSync(absPath).slice(fs.realpathSync(top).length + 1);
    const revisions: FileRevision[] = [];
    for (const line of log.trim().split('\n')) {
      const [commit, date] = line.split(' ');
      if (!commit) continue;
      revisions.push({ commit, date, content: git(top, ['show', `${commit}:${relative}`]) });
    }
    return revisions;
  },
  isShallow(absPath) {
    return git(dirname(absPath), ['rev-parse', '--is-shallow-repository'])?.trim() === 'true';
  },
  changedLines(absPath, ref) {
    const cwd = dirname(absPath);
    const diff = git(cwd, ['diff', '--unified=0', '--no-color', ref, '--', basename(absPath)]);
    if (diff === undefined) return undefined;
    const lines = new Set<number>();
    for (const match of diff.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
      const start = Number(match[1]);
      const count = match[2] === undefined ? 1 : Number(match[2]);
      for (let i = 0; i < count; i++) lines.add(start + i);
    }
    return lines;
  },
};

export interface AsyncGitHostOptions {
  /** Git processes running at once, across every file and workspace folder of the process (default 3). */
  maxProcesses?: number;
}

/**
 * Git for the language server: the same answers as `nodeGitHost`, from child processes that never block the
 * event loop. A file's history is one `git log` and one `git cat-file --batch` (every revision's content through
 * one process, not one `git show` each); it is cached per (HEAD, file), so a bump or abort, which changes the
 * working copy and not HEAD, costs one `git rev-parse`. No more than `maxProcesses` git processes run at once.
 */
export function createAsyncGitHost(options: AsyncGitHostOptions = {}): GitHost {
  const run = limitConcurrency(options.maxProcesses ?? 3);
  const histories = new Map<string, Promise<FileRevision[]>>();
  const gitText = async (cwd: string, args: string[]) => (await run(() => gitAsync(cwd, args)))?.toString('utf8');
  const shallowByFolder = new Map<string, Promise<boolean>>();
  return {
    isShallow(absPath) {
      // A repository does not become shallow (or whole) while an editor runs on it, except by a fetch: asked once per folder.
      const folder = dirname(absPath);
      let shallow = shallowByFolder.get(folder);
      if (!shallow) shallowByFolder.set(folder, (shallow = gitText(folder, ['rev-parse', '--is-shallow-repository']).then((text) => text?.trim() === 'true')));
      return shallow;
    },
    async fileHistory(absPath, limit = 200) {
      const cwd = dirname(absPath);
      const [top, head] = (await gitText(cwd, ['rev-parse', '--show-toplevel', 'HEAD']))?.trim().split('\n') ?? [];
      if (!top || !head) return [];
      let relative: string;
      try {
        relative = (await fs.promises.realpath(absPath)).slice((await fs.promises.realpath(top)).length + 1);
      } catch {
        return [];
      }
      const key = `${top}\0${head}\0${relative}\0${limit}`;
      let history = histories.get(key);
      if (!history) {
        history = readHistory(cwd, top, basename(absPath), relative, limit, run);
        // Only the newest HEAD of each file is worth keeping.
        for (const known of histories.keys()) if (known.startsWith(`${top}\0`) && known.endsWith(`\0${relative}\0${limit}`)) histories.delete(known);
        histories.set(key, history);
        history.catch(() => histories.delete(key));
      }
      return history;
    },
  };
}

async function readHistory(cwd: string, top: string, name: string, relative: string, limit: number, run: <T>(task: () => Promise<T>) => Promise<T>): Promise<FileRevision[]> {
  const log = (await run(() => gitAsync(cwd, ['log', `-n${limit}`, '--format=%H %cI', '--follow', '--', name])))?.toString('utf8');
  if (!log) return [];
  const commits = log
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .filter((parts): parts is [string, string] => Boolean(parts[0] && parts[1]));
  if (!commits.length) return [];
  const batch = await run(() => gitAsync(top, ['cat-file', '--batch'], commits.map(([commit]) => `${commit}:${relative}\n`).join('')));
  const contents = batch ? parseCatFileBatch(batch, commits.length) : [];
  return commits.map(([commit, date], index) => ({ commit, date, content: contents[index] }));
}

/** `git cat-file --batch` output: per object `<sha> <type> <size>\n<content>\n`, or `<name> missing\n`. */
function parseCatFileBatch(output: Buffer, count: number): Array<string | undefined> {
  const contents: Array<string | undefined> = [];
  let offset = 0;
  while (contents.length < count && offset < output.length) {
    const lineEnd = output.indexOf(0x0a, offset);
    if (lineEnd === -1) break;
    const header = output.subarray(offset, lineEnd).toString('utf8');
    offset = lineEnd + 1;
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!match) {
      contents.push(undefined); // `missing`: the file did not exist at that commit
      continue;
    }
    const size = Number(match[2]);
    contents.push(match[1] === 'blob' ? output.subarray(offset, offset + size).toString('utf8') : undefined);
    offset += size + 1;
  }
  return contents;
}

/** Runs git without a shell; every failure (no git, not a repository) is undefined. */
function gitAsync(cwd: string, args: string[], input?: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    if (input === undefined) {
      execFile('git', args, { cwd, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => resolve(error ? undefined : stdout));
      return;
    }
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 256 * 1024 * 1024) child.kill();
      else chunks.push(chunk);
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks) : undefined));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** At most `limit` tasks run at once; the others wait their turn in order. */
export function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The writing process

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux only). */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export const nodeProcessInfo: ProcessInfo = {
  self: { pid: process.pid, host: hostname(), start: processStartTime(process.pid) },
  isAlive(identity: ProcessIdentity): boolean {
    // pid 0 and negative pids address process groups in kill(): never probe them.
    if (!Number.isInteger(identity.pid) || identity.pid <= 0) return true;
    if (identity.host !== this.self.host) return true;
    try {
      process.kill(identity.pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    }
    if (identity.start === undefined) return true;
    const start = processStartTime(identity.pid);
    return start === undefined || start === identity.start;
  },
};

/** Temp files are `.<name>.flaglens-<pid>-<16 random hex>.tmp` beside their target. */
const TEMP_PATTERN = /^\.(.+)\.flaglens-(\d+)-[0-9a-f]{16}\.tmp$/;

function tempPathFor(path: string, pid: number): string {
  return join(dirname(path), `.${basename(path)}.flaglens-${pid}-${randomBytes(8).toString('hex')}.tmp`);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}

function fsyncDirectory(directory: string): void {
  // Makes a rename durable; best effort, since not every file system lets a directory be fsynced.
  try {
    const fd = fs.openSync(directory, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // The content itself is already on disk.
  }
}

/** A FileWriter over node:fs for the given process (the pid goes into temp-file names). */
export function createNodeFileWriter(processInfo: ProcessInfo = nodeProcessInfo): FileWriter {
  const stage = (path: string, content: string | Uint8Array): string => {
    let existing: fs.Stats | undefined;
    try {
      existing = fs.lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // Replacing a link with a file would silently detach it: callers pass the link's resolved target.
    if (existing?.isSymbolicLink()) throw fileError('ELINK', `${path} is a symbolic link: write to its target`);
    if (existing && !existing.isFile()) throw fileError('ENOTREGULAR', `${path} is not a regular file`);
    const temp = tempPathFor(path, processInfo.self.pid);
    // O_EXCL|O_NOFOLLOW: a planted file or symlink at the temp name makes this fail instead of writing through it.
    const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    try {
      if (existing) {
        fs.fchmodSync(fd, existing.mode & 0o7777);
        if (typeof process.getuid === 'function' && (existing.uid !== process.getuid() || existing.gid !== process.getgid!())) {
          try {
            fs.fchownSync(fd, existing.uid, existing.gid);
          } catch {
            // Only root may give a file away; an ordinary user's replacement is owned by that user, as with any editor.
          }
        }
      } else {
        // A new file gets the usual 0666 less the umask, like any file a tool creates.
        const umask = process.umask();
        fs.fchmodSync(fd, 0o666 & ~umask);
      }
      writeAll(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      fs.fsyncSync(fd);
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(temp, { force: true });
      throw error;
    }
    fs.closeSync(fd);
    return temp;
  };
  const commit = (temp: string, path: string): void => {
    fs.renameSync(temp, path);
    fsyncDirectory(dirname(path));
  };
  const writer: FileWriter = {
    process: processInfo,
    writeAtomic(path, content) {
      writer.removeDeadTemps(path);
      const temp = stage(path, content);
      try {
        commit(temp, path);
      } catch (error) {
        fs.rmSync(temp, { force: true });
        throw error;
      }
    },
    stage,
    commit,
    createExclusive(path, content) {
      // The content is complete before the name appears (link is atomic and fails when the name exists), so a
      // reader never sees an empty lock file from a writer that died between creating and writing it.
      const temp = stage(`${path}.new`, content);
      try {
        fs.linkSync(temp, path);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return false;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
        // File systems without hard links: O_EXCL still decides who wins.
        let fd: number;
        try {
          fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
        } catch (openError) {
          if ((openError as NodeJS.ErrnoException).code === 'EEXIST') return false;
          throw openError;
        }
        try {
          writeAll(fd, Buffer.from(content, 'utf8'));
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        return true;
      } finally {
        fs.rmSync(temp, { force: true });
      }
    },
    remove(path) {
      fs.rmSync(path, { force: true });
    },
    makeDirectory(path) {
      try {
        fs.mkdirSync(path, { mode: 0o755 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    },
    removeDeadTemps(path) {
      let removed = 0;
      let names: string[];
      try {
        names = fs.readdirSync(dirname(path));
      } catch {
        return 0;
      }
      const name = basename(path);
      for (const candidate of names) {
        const match = TEMP_PATTERN.exec(candidate);
        if (!match || (match[1] !== name && match[1] !== `${name}.new`)) continue;
        if (processInfo.isAlive({ pid: Number(match[2]), host: processInfo.self.host })) continue;
        try {
          fs.unlinkSync(join(dirname(path), candidate));
          removed++;
        } catch {
          // Removed by someone else meanwhile.
        }
      }
      return removed;
    },
    ageMs(path) {
      try {
        return Date.now() - fs.statSync(path).mtimeMs;
      } catch {
        return undefined;
      }
    },
  };
  return writer;
}

/** The writer of this process. */
export const nodeFileWriter: FileWriter = createNodeFileWriter();

/**
 * Replaces `path` (absolute, no symlink in its last component) with `content` atomically, keeping its mode:
 * the one helper behind every file Flaglens writes outside a multi-file transaction.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  nodeFileWriter.writeAtomic(path, content);
}
