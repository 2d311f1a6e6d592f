// The one atomic-write helper and the workspace write rules on a real file system: mode and content survive,
// symlinks are written through only to targets inside the workspace, planted temp files and symlinks are never
// written through, temp files of dead writers are removed, special files are never read, and a multi-file write
// is all-or-nothing (a failing rename puts everything back; an interrupted one is completed or rolled back).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeFileWriter, firstInvalidUtf8Offset, nodeFileSystem, nodeFileWriter, nodeProcessInfo, writeFileAtomic } from '../../core/src/nodeIo.js';
import type { FileWriter, ProcessInfo } from '../../core/src/io.js';
import { describeReadError } from '../../core/src/io.js';
import {
  flaglensDirectory,
  recoverInterruptedWrites,
  resolveWriteTarget,
  writeFilesAllOrNothing,
  WriteRefusedError,
  WRITE_JOURNAL_FILE,
  type WorkspaceWriteContext,
} from '../../core/src/workspaceWrites.js';

const sandboxes: string[] = [];
after(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

/** A workspace `ws/` with a sibling `outside/` folder holding a victim file. */
function sandbox(): { ws: string; outside: string; victim: string; context: WorkspaceWriteContext } {
  const dir = mkdtempSync(join(tmpdir(), 'flaglens-writes-'));
  sandboxes.push(dir);
  const ws = join(dir, 'ws');
  const outside = join(dir, 'outside');
  mkdirSync(join(ws, 'src'), { recursive: true });
  mkdirSync(outside);
  const victim = join(outside, 'victim.txt');
  writeFileSync(victim, 'victim\n');
  return { ws, outside, victim, context: { root: ws, fs: nodeFileSystem, writer: nodeFileWriter } };
}

/** A pid that is not running: a child that has exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
}

const modeOf = (path: string) => statSync(path).mode & 0o7777;

test('an atomic write keeps the file mode (0600, 0755) and writes exactly the content; a new file gets 0666 less the umask', () => {
  const { ws } = sandbox();
  const secret = join(ws, 'secret.yaml');
  const script = join(ws, 'run.sh');
  writeFileSync(secret, 'old');
  chmodSync(secret, 0o600);
  writeFileSync(script, '#!/bin/sh\necho old\n');
  chmodSync(script, 0o755);
  writeFileAtomic(secret, 'new: ✓\n');
  writeFileAtomic(script, '#!/bin/sh\necho new\n');
  assert.equal(modeOf(secret), 0o600);
  assert.equal(modeOf(script), 0o755);
  assert.equal(readFileSync(secret, 'utf8'), 'new: ✓\n');
  assert.equal(readFileSync(script, 'utf8'), '#!/bin/sh\necho new\n');
  const bytes = Buffer.from([0x66, 0xff, 0x0a]);
  writeFileAtomic(join(ws, 'bytes.bin'), bytes);
  assert.deepEqual(readFileSync(join(ws, 'bytes.bin')), bytes);
  assert.equal(modeOf(join(ws, 'bytes.bin')), 0o666 & ~process.umask());
  assert.deepEqual(readdirSync(ws).filter((name) => name.endsWith('.tmp')), [], 'no temp file left');
});

test('the helper refuses to replace a symlink (callers pass its target) and never writes through a planted temp name', () => {
  const { ws, victim } = sandbox();
  const link = join(ws, 'link.ts');
  symlinkSync(victim, link);
  assert.throws(() => writeFileAtomic(link, 'x'), /symbolic link/);
  assert.equal(readFileSync(victim, 'utf8'), 'victim\n');
  // Temp names are unpredictable; a writer whose random source repeated itself would still fail on O_EXCL.
  const target = join(ws, 'src', 'app.ts');
  writeFileSync(target, 'app\n');
  const planted = join(ws, 'src', '.app.ts.flaglens-1-0000000000000000.tmp');
  symlinkSync(victim, planted);
  writeFileAtomic(target, 'cleaned\n');
  assert.equal(readFileSync(victim, 'utf8'), 'victim\n');
  assert.equal(readFileSync(target, 'utf8'), 'cleaned\n');
  assert.ok(lstatSync(target).isFile() && !lstatSync(target).isSymbolicLink());
});

test('temp files of dead writers are removed; those of live writers are kept', () => {
  const { ws } = sandbox();
  const target = join(ws, 'flags.flagd.yaml');
  writeFileSync(target, 'flags: {}\n');
  const dead = join(ws, `.flags.flagd.yaml.flaglens-${deadPid()}-0123456789abcdef.tmp`);
  const live = join(ws, `.flags.flagd.yaml.flaglens-${process.pid}-fedcba9876543210.tmp`);
  const unrelated = join(ws, `.other.yaml.flaglens-${deadPid()}-0123456789abcdef.tmp`);
  for (const path of [dead, live, unrelated]) writeFileSync(path, 'half');
  assert.equal(nodeFileWriter.removeDeadTemps(target), 1);
  assert.ok(!existsSync(dead));
  assert.ok(existsSync(live), 'a running writer keeps its temp file');
  assert.ok(existsSync(unrelated), 'only temp files of this target');
});

test('process liveness: this process is alive, an exited one is dead, a reused pid with another start time is dead, pid 0 is never probed', () => {
  const self = nodeProcessInfo.self;
  assert.equal(nodeProcessInfo.isAlive(self), true);
  assert.equal(nodeProcessInfo.isAlive({ pid: deadPid(), host: self.host }), false);
  if (self.start !== undefined) assert.equal(nodeProcessInfo.isAlive({ ...self, start: `${self.start}1` }), false);
  assert.equal(nodeProcessInfo.isAlive({ pid: 0, host: self.host }), true);
  assert.equal(nodeProcessInfo.isAlive({ pid: -1, host: self.host }), true);
  assert.equal(nodeProcessInfo.isAlive({ pid: deadPid(), host: 'another-host' }), true, 'another host cannot be checked');
});

test('exclusive creation is complete or absent, and loses to an existing file or symlink', () => {
  const { ws, victim } = sandbox();
  const lock = join(ws, 'a.lock');
  assert.equal(nodeFileWriter.createExclusive(lock, '{"pid":1}'), true);
  assert.equal(readFileSync(lock, 'utf8'), '{"pid":1}');
  assert.equal(nodeFileWriter.createExclusive(lock, 'second'), false);
  symlinkSync(victim, join(ws, 'b.lock'));
  assert.equal(nodeFileWriter.createExclusive(join(ws, 'b.lock'), 'x'), false);
  assert.equal(readFileSync(victim, 'utf8'), 'victim\n');
  assert.deepEqual(readdirSync(ws).filter((name) => name.endsWith('.tmp')), []);
});

test('reads open regular files only: a FIFO, a device and a directory are errors, never a hang; limits and strict UTF-8 apply', () => {
  const { ws } = sandbox();
  const fifo = join(ws, 'flaglens.yaml');
  execFileSync('mkfifo', [fifo]);
  assert.throws(() => nodeFileSystem.readFile(fifo), (error: NodeJS.ErrnoException) => error.code === 'ENOTREGULAR');
  assert.throws(() => nodeFileSystem.readFile('/dev/zero'), (error: NodeJS.ErrnoException) => error.code === 'ENOTREGULAR');
  assert.throws(() => nodeFileSystem.readFile(join(ws, 'src')), (error: NodeJS.ErrnoException) => error.code === 'EISDIR');
  const big = join(ws, 'big.yaml');
  writeFileSync(big, 'x'.repeat(2000));
  assert.throws(() => nodeFileSystem.readFile(big, { maxBytes: 1000 }), (error: NodeJS.ErrnoException) => error.code === 'EFBIG');
  assert.equal(nodeFileSystem.readFile(big, { maxBytes: 2000 }).length, 2000);
  const latin = join(ws, 'latin.yaml');
  writeFileSync(latin, Buffer.concat([Buffer.from('a: 1\nb: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
  assert.throws(() => nodeFileSystem.readFile(latin, { strictUtf8: true }), (error: NodeJS.ErrnoException) => error.code === 'EILSEQ' && /invalid byte 0xe9 at line 2, column 7/.test(error.message));
  assert.match(nodeFileSystem.readFile(latin), /caf\uFFFD/, 'lenient reads (the scanner) still replace');
  assert.match(describeReadError(Object.assign(new Error('x'), { code: 'ENOTREGULAR' })), /not a regular file/);
  const bom = join(ws, 'bom.yaml');
  writeFileSync(bom, '\uFEFFa: 1\n');
  assert.equal(nodeFileSystem.readFile(bom, { strictUtf8: true }), '\uFEFFa: 1\n', 'a byte-order mark survives a round trip');
});

test('the UTF-8 validator finds the first bad byte (overlong, surrogate, truncated, out of range)', () => {
  assert.equal(firstInvalidUtf8Offset(Buffer.from('héllo ✓ 😀')), Buffer.byteLength('héllo ✓ 😀'));
  assert.equal(firstInvalidUtf8Offset(Buffer.from([0x61, 0xc0, 0x80])), 1, 'overlong');
  assert.equal(firstInvalidUtf8Offset(Buffer.from([0x61, 0xed, 0xa0, 0x80])), 1, 'surrogate');
  assert.equal(firstInvalidUtf8Offset(Buffer.from([0x61, 0x62, 0xe2, 0x9c])), 2, 'truncated');
  assert.equal(firstInvalidUtf8Offset(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0, 'above U+10FFFF');
});

test('write targets resolve inside the workspace; links out, ../ paths and absolute paths are refused naming --allow-outside-workspace', () => {
  const { ws, outside, victim, context } = sandbox();
  writeFileSync(join(ws, 'src', 'real.ts'), 'x');
  symlinkSync(join(ws, 'src', 'real.ts'), join(ws, 'src', 'inside-link.ts'));
  assert.equal(resolveWriteTarget(context, join(ws, 'src', 'inside-link.ts')), join(nodeFileSystem.realpath(ws), 'src', 'real.ts'));
  symlinkSync(victim, join(ws, 'src', 'out-link.ts'));
  const refusedOutside = (path: string) =>
    assert.throws(() => resolveWriteTarget(context, path, 'shown'), (error: unknown) => error instanceof WriteRefusedError && error.reason === 'outside-workspace' && /--allow-outside-workspace/.test(error.message));
  refusedOutside(join(ws, 'src', 'out-link.ts'));
  refusedOutside(join(ws, '..', 'outside', 'new.yaml'));
  refusedOutside(join(outside, 'victim.txt'));
  symlinkSync(outside, join(ws, 'linked-dir'));
  refusedOutside(join(ws, 'linked-dir', 'fresh.yaml'));
  assert.equal(resolveWriteTarget({ ...context, allowOutsideWorkspace: true }, join(ws, 'src', 'out-link.ts')), nodeFileSystem.realpath(victim));
  assert.throws(() => resolveWriteTarget(context, join(ws, 'src')), (error: unknown) => error instanceof WriteRefusedError && /not a regular file/.test(error.message));
});

test('.flaglens/ must not lead out of the workspace, even when outside writes are allowed', () => {
  const { ws, outside, context } = sandbox();
  assert.equal(flaglensDirectory(context, { create: true }), join(nodeFileSystem.realpath(ws), '.flaglens'));
  rmSync(join(ws, '.flaglens'), { recursive: true });
  symlinkSync(outside, join(ws, '.flaglens'));
  for (const allow of [false, true]) {
    assert.throws(() => flaglensDirectory({ ...context, allowOutsideWorkspace: allow }, { create: true }), (error: unknown) => error instanceof WriteRefusedError && /leads out of the workspace/.test(error.message));
  }
});

function changes(ws: string, pairs: Array<[string, string, string]>) {
  return pairs.map(([file, before, after]) => ({ path: join(ws, file), shown: file, before, after }));
}

test('every file is written, or none when one changed on disk, is not UTF-8, or two names are one file', () => {
  const { ws, context } = sandbox();
  writeFileSync(join(ws, 'src/a.ts'), 'a1\n');
  writeFileSync(join(ws, 'src/b.ts'), 'b1\n');
  chmodSync(join(ws, 'src/b.ts'), 0o700);
  writeFilesAllOrNothing(context, changes(ws, [['src/a.ts', 'a1\n', 'a2\n'], ['src/b.ts', 'b1\n', 'b2\n']]), 'test');
  assert.equal(readFileSync(join(ws, 'src/a.ts'), 'utf8'), 'a2\n');
  assert.equal(readFileSync(join(ws, 'src/b.ts'), 'utf8'), 'b2\n');
  assert.equal(modeOf(join(ws, 'src/b.ts')), 0o700, 'modes survive a multi-file write');
  writeFileSync(join(ws, 'src/b.ts'), 'edited\n');
  assert.throws(() => writeFilesAllOrNothing(context, changes(ws, [['src/a.ts', 'a2\n', 'a3\n'], ['src/b.ts', 'b2\n', 'b3\n']]), 'test'), /src\/b\.ts changed on disk since it was read/);
  assert.equal(readFileSync(join(ws, 'src/a.ts'), 'utf8'), 'a2\n');
  writeFileSync(join(ws, 'src/c.ts'), Buffer.from([0x61, 0xff, 0x0a]));
  assert.throws(() => writeFilesAllOrNothing(context, changes(ws, [['src/a.ts', 'a2\n', 'a3\n'], ['src/c.ts', 'a\uFFFD\n', 'z\n']]), 'test'), /src\/c\.ts is not valid UTF-8/);
  assert.deepEqual(readFileSync(join(ws, 'src/c.ts')), Buffer.from([0x61, 0xff, 0x0a]), 'undecodable bytes are never re-encoded');
  symlinkSync(join(ws, 'src/a.ts'), join(ws, 'src/alias.ts'));
  assert.throws(() => writeFilesAllOrNothing(context, changes(ws, [['src/a.ts', 'a2\n', 'x\n'], ['src/alias.ts', 'a2\n', 'y\n']]), 'test'), /are the same file/);
  assert.deepEqual(readdirSync(join(ws, 'src')).filter((name) => name.endsWith('.tmp')), []);
  assert.ok(!existsSync(join(ws, '.flaglens', WRITE_JOURNAL_FILE)), 'no journal left');
});

test('a failing rename puts back the files already replaced and leaves no temp file or journal', () => {
  const { ws, context } = sandbox();
  writeFileSync(join(ws, 'src/a.ts'), 'a1\n');
  writeFileSync(join(ws, 'src/b.ts'), 'b1\n');
  let commits = 0;
  const failing: FileWriter = {
    ...nodeFileWriter,
    commit(temp, path) {
      if (++commits === 2) throw new Error('EIO: disk gone');
      nodeFileWriter.commit(temp, path);
    },
  };
  assert.throws(() => writeFilesAllOrNothing({ ...context, writer: failing }, changes(ws, [['src/a.ts', 'a1\n', 'a2\n'], ['src/b.ts', 'b1\n', 'b2\n']]), 'test'), /disk gone/);
  assert.equal(readFileSync(join(ws, 'src/a.ts'), 'utf8'), 'a1\n');
  assert.equal(readFileSync(join(ws, 'src/b.ts'), 'utf8'), 'b1\n');
  assert.deepEqual(readdirSync(join(ws, 'src')).sort(), ['a.ts', 'b.ts']);
  assert.ok(!existsSync(join(ws, '.flaglens', WRITE_JOURNAL_FILE)));
});

/**
 * A writer that "dies" (throws, leaving everything as a killed process would) at its Nth commit, or when it
 * removes the journal after `commitCount` commits (N = commitCount + 1), under a dead pid.
 */
function dyingWriter(dieAtCommit: number, commitCount: number): { writer: FileWriter; pid: number } {
  const pid = deadPid();
  const dead: ProcessInfo = { self: { pid, host: nodeProcessInfo.self.host }, isAlive: (identity) => nodeProcessInfo.isAlive(identity) };
  const base = createNodeFileWriter(dead);
  let commits = 0;
  const crash = new Error('killed');
  return {
    pid,
    writer: {
      ...base,
      commit(temp, path) {
        if (++commits === dieAtCommit) throw crash;
        base.commit(temp, path);
      },
      // A killed process cleans nothing up.
      remove(path) {
        if (commits >= dieAtCommit) return;
        if (dieAtCommit > commitCount && commits === commitCount && path.endsWith(WRITE_JOURNAL_FILE)) {
          commits = dieAtCommit;
          throw crash;
        }
        base.remove(path);
      },
      writeAtomic(path, content) {
        if (commits >= dieAtCommit) throw crash;
        base.writeAtomic(path, content);
      },
    },
  };
}

test('an interrupted write is completed on recovery when every temp file was on disk (committing), at every rename', () => {
  for (let dieAt = 1; dieAt <= 4; dieAt++) {
    const { ws, context } = sandbox();
    const files: Array<[string, string, string]> = [['src/a.ts', 'a1\n', 'a2\n'], ['src/b.ts', 'b1\n', 'b2\n'], ['flags.flagd.yaml', 'flags: {x: 1}\n', 'flags: {}\n']];
    for (const [file, before] of files) writeFileSync(join(ws, file), before);
    const { writer } = dyingWriter(dieAt, files.length);
    assert.throws(() => writeFilesAllOrNothing({ ...context, writer }, changes(ws, files), 'cleanup --write'), /killed/);
    const report = recoverInterruptedWrites(context);
    const contents = files.map(([file]) => readFileSync(join(ws, file), 'utf8'));
    if (dieAt <= 3) {
      assert.equal(report?.outcome, 'completed', `die at rename ${dieAt}: ${report?.message}`);
      assert.match(report!.message, new RegExp(`${4 - dieAt} of 3 files still had to be renamed`));
      assert.deepEqual(contents, files.map(([, , after]) => after), 'all new');
    } else {
      // The journal's removal was the last step: everything was already written.
      assert.equal(report?.outcome, 'completed');
      assert.match(report!.message, /0 of 3 files still had to be renamed/);
      assert.deepEqual(contents, files.map(([, , after]) => after));
    }
    assert.deepEqual(readdirSync(join(ws, 'src')).filter((name) => name.endsWith('.tmp')), []);
    assert.ok(!existsSync(join(ws, '.flaglens', WRITE_JOURNAL_FILE)));
    assert.equal(recoverInterruptedWrites(context), undefined, 'nothing left to recover');
  }
});

test('a write that died while preparing is rolled back on recovery: nothing changed, temp files removed', () => {
  const { ws, context } = sandbox();
  writeFileSync(join(ws, 'src/a.ts'), 'a1\n');
  writeFileSync(join(ws, 'src/b.ts'), 'b1\n');
  const pid = deadPid();
  const base = createNodeFileWriter({ self: { pid, host: nodeProcessInfo.self.host }, isAlive: (identity) => nodeProcessInfo.isAlive(identity) });
  let staged = 0;
  const writer: FileWriter = {
    ...base,
    stage(path, content) {
      if (++staged === 2) throw new Error('killed');
      return base.stage(path, content);
    },
    remove() {},
  };
  assert.throws(() => writeFilesAllOrNothing({ ...context, writer }, changes(ws, [['src/a.ts', 'a1\n', 'a2\n'], ['src/b.ts', 'b1\n', 'b2\n']]), 'cleanup --write'), /killed/);
  assert.equal(readdirSync(join(ws, 'src')).filter((name) => name.endsWith('.tmp')).length, 1, 'the first temp file was left behind');
  const report = recoverInterruptedWrites(context);
  assert.equal(report?.outcome, 'rolled-back');
  assert.match(report!.message, /rolled back: none of its files had been changed \(src\/a\.ts, src\/b\.ts; 1 temporary file removed\)/);
  assert.equal(readFileSync(join(ws, 'src/a.ts'), 'utf8'), 'a1\n');
  assert.deepEqual(readdirSync(join(ws, 'src')).sort(), ['a.ts', 'b.ts']);
});

test('a journal of a running writer is left alone, and a second writer is refused while it exists', () => {
  const { ws, context } = sandbox();
  writeFileSync(join(ws, 'src/a.ts'), 'a1\n');
  mkdirSync(join(ws, '.flaglens'));
  const journal = join(ws, '.flaglens', WRITE_JOURNAL_FILE);
  writeFileSync(journal, JSON.stringify({ version: 1, operation: 'cleanup --write', owner: nodeProcessInfo.self, phase: 'committing', files: [] }));
  assert.equal(recoverInterruptedWrites(context)?.outcome, 'busy');
  assert.ok(existsSync(journal));
  assert.throws(() => writeFilesAllOrNothing(context, changes(ws, [['src/a.ts', 'a1\n', 'a2\n']]), 'cleanup --write'), (error: unknown) => error instanceof WriteRefusedError && error.reason === 'busy' && /another Flaglens write is in progress \(cleanup --write, pid \d+\)/.test(error.message));
  assert.equal(readFileSync(join(ws, 'src/a.ts'), 'utf8'), 'a1\n');
});

test('a journal planted in a repository cannot move files outside the workspace or rename foreign files', () => {
  const { ws, victim, context } = sandbox();
  mkdirSync(join(ws, '.flaglens'));
  const pid = deadPid();
  const planted = join(ws, 'src', `.app.ts.flaglens-${pid}-0123456789abcdef.tmp`);
  writeFileSync(planted, 'attacker\n');
  const journal = (files: unknown[]) =>
    writeFileSync(join(ws, '.flaglens', WRITE_JOURNAL_FILE), JSON.stringify({ version: 1, operation: 'x', owner: { pid, host: nodeProcessInfo.self.host }, phase: 'committing', files }));
  journal([{ target: victim, shown: 'victim', temp: planted, afterSha256: '' }]);
  assert.equal(recoverInterruptedWrites(context)?.outcome, 'refused');
  assert.equal(readFileSync(victim, 'utf8'), 'victim\n');
  journal([{ target: join(ws, 'src', 'app.ts'), shown: 'src/app.ts', temp: join(ws, 'other', 'x.tmp'), afterSha256: '' }]);
  assert.equal(recoverInterruptedWrites(context)?.outcome, 'refused', 'a temp file must sit beside its target, named for the dead writer');
  writeFileSync(join(ws, '.flaglens', WRITE_JOURNAL_FILE), 'not json');
  assert.equal(recoverInterruptedWrites(context)?.outcome, 'refused');
});
