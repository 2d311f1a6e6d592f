// Writes into a workspace, for every writer (state files, cleanup, the persisted snapshot): targets resolve
// (realpath) inside the workspace root unless the person allowed otherwise, a symlink is written through only
// to a target inside, the `.flaglens/` folder never leads out of the workspace, and a write of several files
// is all-or-nothing through a journal that the next command completes or rolls back after a crash.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { FileSystem, FileWriter, ProcessIdentity, WorkspaceFileWriter } from './io.js';
import { describeReadError } from './io.js';

/** The per-workspace folder for Flaglens' own files (snapshot, write journal). */
export const FLAGLENS_DIRECTORY = '.flaglens';
export const WRITE_JOURNAL_FILE = 'write-journal.json';

export interface WorkspaceWriteContext {
  /** Absolute workspace root. */
  root: string;
  fs: FileSystem;
  writer: FileWriter;
  /** Writes may resolve outside the root (a deliberate monorepo layout): the CLI's `--allow-outside-workspace`. */
  allowOutsideWorkspace?: boolean;
  /** How the refusal tells people to allow such a write (default: the CLI option). */
  outsideWorkspaceHint?: string;
}

export type WriteRefusal = 'outside-workspace' | 'conflict' | 'invalid' | 'busy';

/** A write that must not happen: outside the workspace, changed on disk, not UTF-8, another write in progress. */
export class WriteRefusedError extends Error {
  constructor(
    message: string,
    readonly reason: WriteRefusal,
  ) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}

export const OUTSIDE_WORKSPACE_OPTION = '--allow-outside-workspace';

/** True when `path` is `root` or below it (both absolute and resolved). */
export function isInsideDirectory(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function realRoot(context: WorkspaceWriteContext): string {
  try {
    return context.fs.realpath(context.root);
  } catch {
    return context.root;
  }
}

/**
 * The real file a write of `path` must replace: its symlinks resolved, refused when that lies outside the
 * workspace (unless allowed) or is not a regular file. `shown` is the path as people read it.
 */
export function resolveWriteTarget(context: WorkspaceWriteContext, path: string, shown: string = path): string {
  let target: string;
  let exists = true;
  try {
    target = context.fs.realpath(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw new WriteRefusedError(`cannot write ${shown}: it ${describeReadError(error)}`, 'invalid');
    exists = false;
    let parent: string;
    try {
      parent = context.fs.realpath(dirname(path));
    } catch (parentError) {
      throw new WriteRefusedError(`cannot write ${shown}: its folder ${describeReadError(parentError)}`, 'invalid');
    }
    target = join(parent, basename(path));
  }
  if (!context.allowOutsideWorkspace && !isInsideDirectory(realRoot(context), target)) {
    const resolved = target === path ? '' : ` (it resolves to ${target})`;
    const hint = context.outsideWorkspaceHint ?? `pass ${OUTSIDE_WORKSPACE_OPTION} to write there anyway`;
    throw new WriteRefusedError(`refusing to write ${shown}${resolved}: it is outside the workspace ${context.root}; ${hint}`, 'outside-workspace');
  }
  if (exists) {
    let isFile = false;
    try {
      isFile = context.fs.stat(target).isFile;
    } catch {
      isFile = false;
    }
    if (!isFile) throw new WriteRefusedError(`refusing to write ${shown}: it is not a regular file`, 'invalid');
  }
  return target;
}

/** Writes one file of the workspace atomically (through a symlink to a target inside), keeping its mode. */
export function writeWorkspaceFile(context: WorkspaceWriteContext, path: string, content: string, shown?: string): void {
  context.writer.writeAtomic(resolveWriteTarget(context, path, shown), content);
}

/**
 * `<root>/.flaglens`, refused when it is a symlink (or anything) leading out of the workspace; created when
 * `create` is set and it does not exist. The outside-workspace permission does not apply to it.
 */
export function flaglensDirectory(context: WorkspaceWriteContext, options: { create: boolean }): string {
  return workspaceDirectory(context, join(context.root, FLAGLENS_DIRECTORY), options);
}

/** A folder of Flaglens' own files (absolute path): it must resolve inside the workspace; created on request. */
export function workspaceDirectory(context: WorkspaceWriteContext, path: string, options: { create: boolean }): string {
  const shown = relative(context.root, path).split(sep).join('/') || '.';
  const check = (): string => {
    const real = context.fs.realpath(path);
    if (!isInsideDirectory(realRoot(context), real)) throw new WriteRefusedError(`refusing to write into ${shown}/: it leads out of the workspace (to ${real})`, 'outside-workspace');
    if (!context.fs.stat(real).isDirectory) throw new WriteRefusedError(`refusing to write into ${shown}/: it is not a folder`, 'invalid');
    return real;
  };
  try {
    return check();
  } catch (error) {
    if (error instanceof WriteRefusedError || (error as { code?: string }).code !== 'ENOENT' || !options.create) throw error;
  }
  context.writer.makeDirectory(path);
  return check();
}

/**
 * The writer of Flaglens' own small files below `<root>/.flaglens/` (rollout step records, watch leases): each
 * folder on the way must resolve inside the workspace and is created when missing, and each file is replaced
 * atomically through the workspace's `FileWriter`. A path outside `.flaglens/` is refused.
 */
export function flaglensFileWriter(context: WorkspaceWriteContext): WorkspaceFileWriter {
  const base = join(context.root, FLAGLENS_DIRECTORY);
  const folderOf = (path: string): string => {
    const rel = relative(base, dirname(path));
    if (rel.startsWith('..') || isAbsolute(rel)) throw new WriteRefusedError(`refusing to write ${path}: Flaglens keeps its own files in ${FLAGLENS_DIRECTORY}/ only`, 'outside-workspace');
    let folder = flaglensDirectory(context, { create: true });
    for (const segment of rel ? rel.split(sep) : []) folder = workspaceDirectory(context, join(folder, segment), { create: true });
    return folder;
  };
  return {
    writeFile(path, content) {
      context.writer.writeAtomic(join(folderOf(path), basename(path)), content);
    },
    removeFile(path) {
      context.writer.remove(join(folderOf(path), basename(path)));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// All-or-nothing writes of several files

/** One file of a multi-file write: its text as it was read (checked byte for byte) and the new text. */
export interface PlannedFileWrite {
  /** Absolute path (may be a symlink inside the workspace). */
  path: string;
  /** As people read it (workspace-relative). */
  shown: string;
  before: string;
  after: string;
}

interface JournalEntry {
  /** Resolved target. */
  target: string;
  shown: string;
  /** The staged temp file; set once the journal is committing. */
  temp?: string;
  afterSha256: string;
}

interface Journal {
  version: 1;
  /** What was being written, for the recovery message (e.g. `cleanup --write`). */
  operation: string;
  owner: ProcessIdentity;
  /** `preparing`: temp files being written, nothing renamed (recovery rolls back). `committing`: every temp file is on disk (recovery completes). */
  phase: 'preparing' | 'committing';
  files: JournalEntry[];
}

const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

function journalPath(context: WorkspaceWriteContext, create: boolean): string {
  return join(flaglensDirectory(context, { create }), WRITE_JOURNAL_FILE);
}

/**
 * Writes every file or none, also across a crash: every target is resolved and checked (inside the workspace,
 * unchanged byte for byte since it was read), a journal is recorded, every temp file is written and fsynced,
 * the journal says "committing", then each temp file is renamed over its target and the journal removed. A
 * failed rename puts back the files already replaced; a crash is completed or rolled back by
 * `recoverInterruptedWrites`, which the next command runs first.
 */
export function writeFilesAllOrNothing(context: WorkspaceWriteContext, writes: PlannedFileWrite[], operation: string): void {
  if (writes.length === 0) return;
  const targets = writes.map((write) => ({ write, target: resolveWriteTarget(context, write.path, write.shown) }));
  const seen = new Map<string, string>();
  for (const { write, target } of targets) {
    const other = seen.get(target);
    if (other !== undefined) throw new WriteRefusedError(`refusing to write: ${other} and ${write.shown} are the same file (${target})`, 'invalid');
    seen.set(target, write.shown);
  }
  const checkUnchanged = () => {
    for (const { write, target } of targets) assertUnchanged(context, target, write);
  };
  checkUnchanged();
  const path = journalPath(context, true);
  const journal: Journal = {
    version: 1,
    operation,
    owner: context.writer.process.self,
    phase: 'preparing',
    files: targets.map(({ write, target }) => ({ target, shown: write.shown, afterSha256: sha256(write.after) })),
  };
  if (!context.writer.createExclusive(path, JSON.stringify(journal))) {
    const holder = readJournal(context, path);
    const who = holder ? ` (${holder.operation}, pid ${holder.owner.pid})` : '';
    throw new WriteRefusedError(`another Flaglens write is in progress${who}: nothing was written; retry when it is done (journal ${FLAGLENS_DIRECTORY}/${WRITE_JOURNAL_FILE})`, 'busy');
  }
  const staged: string[] = [];
  const abandon = () => {
    for (const temp of staged) context.writer.remove(temp);
    context.writer.remove(path);
  };
  try {
    for (const { write, target } of targets) {
      context.writer.removeDeadTemps(target);
      staged.push(context.writer.stage(target, write.after));
    }
    // Someone may have edited a file while the temp files were written.
    checkUnchanged();
    journal.phase = 'committing';
    journal.files.forEach((entry, index) => (entry.temp = staged[index]));
    context.writer.writeAtomic(path, JSON.stringify(journal));
  } catch (error) {
    abandon();
    throw error;
  }
  let committed = 0;
  try {
    for (; committed < targets.length; committed++) context.writer.commit(staged[committed]!, targets[committed]!.target);
  } catch (error) {
    // Put back what was already replaced, so the workspace is as it was.
    for (let index = 0; index < committed; index++) context.writer.writeAtomic(targets[index]!.target, targets[index]!.write.before);
    for (const temp of staged.slice(committed)) context.writer.remove(temp);
    context.writer.remove(path);
    throw error;
  }
  context.writer.remove(path);
}

function assertUnchanged(context: WorkspaceWriteContext, target: string, write: PlannedFileWrite): void {
  let bytes: Uint8Array;
  try {
    bytes = context.fs.readFileBytes(target);
  } catch (error) {
    throw new WriteRefusedError(`${write.shown} ${describeReadError(error)}: nothing was written`, 'conflict');
  }
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(Buffer.from(write.before, 'utf8'))) return;
  // Text read with replacement characters does not encode back to the bytes on disk: never re-encode such a file.
  if (!isUtf8(bytes)) {
    throw new WriteRefusedError(`${write.shown} is not valid UTF-8: Flaglens does not re-encode files, so nothing was written`, 'invalid');
  }
  throw new WriteRefusedError(`${write.shown} changed on disk since it was read: nothing was written`, 'conflict');
}

/** True for a regular file that is not a symlink (a planted link must never be renamed over a target). */
function isPlainFile(fs: FileSystem, path: string): boolean {
  try {
    return fs.readDirectory(dirname(path)).some((entry) => entry.name === basename(path) && entry.isFile && !entry.isSymbolicLink);
  } catch {
    return false;
  }
}

function readJournal(context: WorkspaceWriteContext, path: string): Journal | undefined {
  try {
    const parsed = JSON.parse(context.fs.readFile(path, { maxBytes: 4 * 1024 * 1024 })) as Journal;
    if (parsed?.version !== 1 || !Array.isArray(parsed.files) || typeof parsed.owner?.pid !== 'number') return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

export interface RecoveryReport {
  /** `completed`: the interrupted write was finished; `rolled-back`: nothing of it was applied; `busy`: its writer still runs. */
  outcome: 'completed' | 'rolled-back' | 'busy' | 'refused';
  /** One line for people: what happened, and to which files. */
  message: string;
}

/**
 * Finds an interrupted multi-file write of a dead process and finishes it: a journal still `preparing` is rolled
 * back (its temp files removed: nothing had been renamed), one `committing` is completed (the remaining temp
 * files renamed). Undefined when there is nothing to recover. Every path in the journal must lie in the
 * workspace and every temp file beside its target, so a journal planted in a repository cannot move files.
 */
export function recoverInterruptedWrites(context: WorkspaceWriteContext): RecoveryReport | undefined {
  let path: string;
  try {
    path = journalPath(context, false);
  } catch (error) {
    if (error instanceof WriteRefusedError) return undefined;
    return undefined;
  }
  // Temp files of the journal itself (a writer killed while recording or updating it) go in any case.
  context.writer.removeDeadTemps(path);
  if (!context.fs.exists(path)) return undefined;
  const journal = readJournal(context, path);
  const shownJournal = `${FLAGLENS_DIRECTORY}/${WRITE_JOURNAL_FILE}`;
  if (!journal) return { outcome: 'refused', message: `${shownJournal} is not a Flaglens write journal: it was left alone (remove it if you know where it comes from)` };
  const who = `${journal.operation} (pid ${journal.owner.pid})`;
  if (context.writer.process.isAlive(journal.owner)) return { outcome: 'busy', message: `${who} is still writing: its journal ${shownJournal} was left alone` };
  const root = realRoot(context);
  const valid = journal.files.every(
    (entry) =>
      typeof entry.target === 'string' &&
      typeof entry.shown === 'string' &&
      (context.allowOutsideWorkspace || isInsideDirectory(root, entry.target)) &&
      (entry.temp === undefined || (typeof entry.temp === 'string' && dirname(entry.temp) === dirname(entry.target) && basename(entry.temp).startsWith(`.${basename(entry.target)}.flaglens-${journal.owner.pid}-`))),
  );
  if (!valid) return { outcome: 'refused', message: `${shownJournal} names files outside the workspace or foreign temp files: it was left alone` };
  const files = journal.files.map((entry) => entry.shown).join(', ');
  if (journal.phase !== 'committing') {
    let removed = 0;
    for (const entry of journal.files) removed += context.writer.removeDeadTemps(entry.target);
    context.writer.remove(path);
    return { outcome: 'rolled-back', message: `an interrupted ${who} was rolled back: none of its files had been changed (${files}; ${removed} temporary file${removed === 1 ? '' : 's'} removed)` };
  }
  let renamed = 0;
  const differing: string[] = [];
  for (const entry of journal.files) {
    if (entry.temp && isPlainFile(context.fs, entry.temp)) {
      context.writer.commit(entry.temp, entry.target);
      renamed++;
      continue;
    }
    try {
      if (sha256(context.fs.readFileBytes(entry.target)) !== entry.afterSha256) differing.push(entry.shown);
    } catch {
      differing.push(entry.shown);
    }
  }
  context.writer.remove(path);
  const note = differing.length ? `; ${differing.join(', ')} changed since (left as found)` : '';
  return { outcome: 'completed', message: `an interrupted ${who} was completed: ${renamed} of ${journal.files.length} file${journal.files.length === 1 ? '' : 's'} still had to be renamed (${files})${note}` };
}
