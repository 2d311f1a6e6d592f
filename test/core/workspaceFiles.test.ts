// The one workspace walker and its rules, on real folders: .gitignore files at every level and above the root up to
// the git top level, .git/info/exclude (also through a linked worktree's `gitdir:` file), `exclude` globs,
// node_modules/.git, symlink loops, unreadable folders; and `isIgnored` (the watched-file filter) answers exactly
// as the walk does for every path of the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFileSystem } from '../../core/src/nodeIo.js';
import type { FileSystem } from '../../core/src/io.js';
import { walkWorkspace, WorkspaceRules } from '../../core/src/workspaceFiles.js';
import { permissionCheckingFileSystem } from '../scanner/fixture.js';
import { temporaryWorkspace } from '../state/helpers.js';

function tree(files: Record<string, string>): { top: string; cleanup(): void } {
  const workspace = temporaryWorkspace(files);
  return { top: workspace.root, cleanup: workspace.cleanup };
}

/** Every file below `root` as a root-relative path, whatever the rules say (node_modules and .git included). */
function everyFile(fs: FileSystem, root: string, folder = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readDirectory(folder ? `${root}/${folder}` : root)) {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...everyFile(fs, root, path));
    else if (entry.isFile) out.push(path);
  }
  return out;
}

const ALL = () => true;

test('.gitignore files above the root up to the git top level, .git/info/exclude, nested levels with negation, exclude, node_modules', (t) => {
  const { top, cleanup } = tree({
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/info/exclude': '*.local.ts\n',
    '.gitignore': 'generated/\n/apps/web/anchored.ts\n',
    'apps/.gitignore': '*.snap\n',
    'apps/web/.gitignore': 'dist/\n',
    'apps/web/src/app.ts': '',
    'apps/web/src/app.local.ts': '',
    'apps/web/src/app.test.snap': '',
    'apps/web/anchored.ts': '',
    'apps/web/generated/api.ts': '',
    'apps/web/dist/bundle.js': '',
    'apps/web/packages/a/.gitignore': 'tmp/\n*.gen.ts\n!keep.gen.ts\n',
    'apps/web/packages/a/tmp/t.ts': '',
    'apps/web/packages/a/x.gen.ts': '',
    'apps/web/packages/a/keep.gen.ts': '',
    'apps/web/packages/a/fixtures/f.ts': '',
    'apps/web/node_modules/pkg/index.js': '',
    'apps/web/.github/workflow.yml': '',
    'other/outside.ts': '',
  });
  t.after(cleanup);
  const root = `${top}/apps/web`;
  const walked = walkWorkspace(nodeFileSystem, root, ['**/fixtures/**'], { accept: ALL });
  const listed = walked.files.map((file) => file.slice(root.length + 1));
  assert.deepEqual(listed, ['.github/workflow.yml', '.gitignore', 'packages/a/.gitignore', 'packages/a/keep.gen.ts', 'src/app.ts']);
  assert.equal(walked.unreadable, 0);
  // The watched-file filter agrees with the walk on every file of the tree.
  for (const file of everyFile(nodeFileSystem, root)) {
    assert.equal(walked.rules.isIgnored(file, false), !listed.includes(file), file);
  }
  assert.equal(walked.rules.isIgnored('dist', true), true);
  assert.equal(walked.rules.isIgnored('src', true), false);
  assert.equal(walked.rules.isIgnored('node_modules/x/y.ts', false), true);
  // Created after the walk: the same rules apply.
  assert.equal(walked.rules.isIgnored('dist/new-chunk.js', false), true);
  assert.equal(walked.rules.isIgnored('src/new.local.ts', false), true);
  assert.equal(walked.rules.isIgnored('src/new.ts', false), false);
});

test('outside a git repository the .gitignore files above the root do not apply', (t) => {
  const { top, cleanup } = tree({ '.gitignore': 'src/\n', 'ws/src/app.ts': '' });
  t.after(cleanup);
  const walked = walkWorkspace(nodeFileSystem, `${top}/ws`, [], { accept: ALL });
  assert.deepEqual(walked.files, [`${top}/ws/src/app.ts`]);
});

test('a linked worktree: info/exclude is read from the main repository through the gitdir file', (t) => {
  const { top, cleanup } = tree({
    'main/.git/info/exclude': 'secret-notes.ts\n',
    'main/.git/worktrees/feature/commondir': '../..\n',
    'feature/.git': `gitdir: ../main/.git/worktrees/feature\n`,
    'feature/src/app.ts': '',
    'feature/src/secret-notes.ts': '',
  });
  t.after(cleanup);
  const walked = walkWorkspace(nodeFileSystem, `${top}/feature/src`, [], { accept: ALL });
  assert.deepEqual(walked.files, [`${top}/feature/src/app.ts`]);
});

test('a workspace inside a folder its repository ignores (a copy under .cache/) is walked with its own rules', (t) => {
  const { top, cleanup } = tree({
    '.git/HEAD': '',
    '.gitignore': '.cache/\n*.log\n',
    '.cache/corpus/repo/.gitignore': 'build/\n',
    '.cache/corpus/repo/src/app.ts': '',
    '.cache/corpus/repo/build/out.js': '',
    '.cache/corpus/repo/debug.log': '',
  });
  t.after(cleanup);
  const root = `${top}/.cache/corpus/repo`;
  const walked = walkWorkspace(nodeFileSystem, root, [], { accept: ALL });
  // The top-level .gitignore ignores the workspace itself, so none of its rules apply inside it.
  assert.deepEqual(walked.files.map((file) => file.slice(root.length + 1)), ['.gitignore', 'debug.log', 'src/app.ts']);
});

test('symlink loops end; a linked folder is walked once; dangling links are not files', (t) => {
  const { top, cleanup } = tree({ 'src/inner/a.ts': '', 'shared/b.ts': '' });
  t.after(cleanup);
  symlinkSync(join(top, 'src'), join(top, 'src/inner/back-to-src'));
  symlinkSync(join(top, 'shared'), join(top, 'src/shared-link'));
  symlinkSync(join(top, 'missing'), join(top, 'src/dangling.ts'));
  const walked = walkWorkspace(nodeFileSystem, top, [], { accept: ALL });
  assert.deepEqual(walked.files.map((file) => file.slice(top.length + 1)), ['shared/b.ts', 'src/inner/a.ts'], 'shared/ is walked first; its link in src/ is not walked again');
});

test('a folder that cannot be listed is counted, and the walk goes on', (t) => {
  const { top, cleanup } = tree({ 'locked/secret.ts': '', 'open/a.ts': '' });
  t.after(() => {
    chmodSync(join(top, 'locked'), 0o755);
    cleanup();
  });
  chmodSync(join(top, 'locked'), 0o000);
  // Root reads through permission bits; this FileSystem refuses what the bits refuse, as the kernel does for users.
  const walked = walkWorkspace(permissionCheckingFileSystem(nodeFileSystem), top, [], { accept: ALL });
  assert.deepEqual(walked.files.map((file) => file.slice(top.length + 1)), ['open/a.ts']);
  assert.equal(walked.unreadable, 1);
});

test('maxDepth and entryLimit bound a walk, and say so', (t) => {
  const { top, cleanup } = tree({ 'a/b/c/deep.ts': '', 'a/shallow.ts': '', 'z.ts': '' });
  t.after(cleanup);
  const rules = new WorkspaceRules(nodeFileSystem, top, []);
  assert.deepEqual(rules.walk({ accept: ALL, maxDepth: 1 }).files.map((file) => file.slice(top.length + 1)), ['a/shallow.ts', 'z.ts']);
  const limited = rules.walk({ accept: ALL, entryLimit: 2 });
  assert.equal(limited.limitReached, true);
  assert.deepEqual(limited.files, []);
  assert.equal(rules.walk({ accept: ALL }).limitReached, false);
});
