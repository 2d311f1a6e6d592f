// `--write` is all or nothing: every file is replaced, or none (a file changed since it was read refuses
// the whole write before anything is touched, and no temporary file is left behind).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFilesAtomically } from '../../cli/src/commands/cleanup.js';

const root = join(resolve(__dirname, '../..'), '.cache', `cleanup-write-${process.pid}`);
after(() => rmSync(root, { recursive: true, force: true }));

test('every file is written, or none when one changed on disk since it was read', () => {
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src/a.ts'), 'a1\n');
  writeFileSync(join(root, 'src/b.ts'), 'b1\n');
  const changes = [
    { file: 'src/a.ts', before: 'a1\n', after: 'a2\n', edits: [] },
    { file: 'src/b.ts', before: 'b1\n', after: 'b2\n', edits: [] },
  ];
  writeFilesAtomically(root, changes);
  assert.equal(readFileSync(join(root, 'src/a.ts'), 'utf8'), 'a2\n');
  assert.equal(readFileSync(join(root, 'src/b.ts'), 'utf8'), 'b2\n');

  // Someone edits b.ts meanwhile: nothing is written, a.ts included.
  writeFileSync(join(root, 'src/b.ts'), 'edited\n');
  const next = [
    { file: 'src/a.ts', before: 'a2\n', after: 'a3\n', edits: [] },
    { file: 'src/b.ts', before: 'b2\n', after: 'b3\n', edits: [] },
  ];
  assert.throws(() => writeFilesAtomically(root, next), /src\/b\.ts changed on disk since it was read/);
  assert.equal(readFileSync(join(root, 'src/a.ts'), 'utf8'), 'a2\n');
  assert.equal(readFileSync(join(root, 'src/b.ts'), 'utf8'), 'edited\n');
  assert.deepEqual(readdirSync(join(root, 'src')).sort(), ['a.ts', 'b.ts']);
});

test('a failing rename puts back the files already replaced and leaves no temporary file', () => {
  mkdirSync(join(root, 'roll'), { recursive: true });
  writeFileSync(join(root, 'roll/a.ts'), 'a1\n');
  writeFileSync(join(root, 'roll/b.ts'), 'b1\n');
  const changes = [
    { file: 'roll/a.ts', before: 'a1\n', after: 'a2\n', edits: [] },
    { file: 'roll/b.ts', before: 'b1\n', after: 'b2\n', edits: [] },
  ];
  let renames = 0;
  const failingSecondRename = (from: string, to: string) => {
    if (++renames === 2) throw new Error('disk full');
    renameSync(from, to);
  };
  assert.throws(() => writeFilesAtomically(root, changes, { rename: failingSecondRename }), /disk full/);
  assert.equal(readFileSync(join(root, 'roll/a.ts'), 'utf8'), 'a1\n');
  assert.equal(readFileSync(join(root, 'roll/b.ts'), 'utf8'), 'b1\n');
  assert.deepEqual(readdirSync(join(root, 'roll')).sort(), ['a.ts', 'b.ts']);
});
