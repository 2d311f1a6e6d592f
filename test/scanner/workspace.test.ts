// Walking the workspace: which files are considered, skipped (binary, too large, unreadable) or
// ignored (.gitignore at any level, config.exclude, node_modules); symlink loops; syntax errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, clockedFileSystem, configFrom, memoryFileSystem, permissionCheckingFileSystem } from './fixture.js';
import { scanWorkspace } from '../../core/src/scanner/index.js';
import { nodeFileSystem } from '../../core/src/nodeIo.js';

const uses = (key: string) => `import { isEnabled } from 'unleash-client';\nexport const x = isEnabled('${key}');\n`;

test('files with syntax errors are still scanned', async () => {
  await check(`
import { isEnabled } from 'unleash-client';
export const a = isEnabled(/*<before-error>*/'before-error');
function broken( { return ]];
export const b = isEnabled(/*<after-error>*/'after-error');
`);
});

test('.gitignore (root and nested, with negation), node_modules, .git, exclude globs and .d.ts are not scanned', async () => {
  const fs = memoryFileSystem({
    '.gitignore': 'dist/\n*.gen.ts\n',
    'src/ok.ts': uses('kept'),
    'src/types.d.ts': uses('declaration'),
    'src/code.gen.ts': uses('generated'),
    'dist/out.js': uses('built'),
    'node_modules/pkg/index.js': uses('dependency'),
    '.git/hooks/x.js': uses('git'),
    'packages/a/.gitignore': 'tmp/\n!keep.gen.ts\n',
    'packages/a/tmp/t.ts': uses('nested-ignored'),
    'packages/a/keep.gen.ts': uses('unignored'),
    'packages/a/fixtures/f.ts': uses('excluded'),
    'packages/a/src/a.ts': uses('kept-nested'),
    'README.md': "isEnabled('markdown')",
  });
  const result = await scanWorkspace({ root: '/w', fs, config: configFrom('exclude: ["**/fixtures/**"]\n') });
  assert.deepEqual(result.references.map((r) => r.key).sort(), ['kept', 'kept-nested', 'unignored']);
  assert.equal(result.files, 3);
});

test('binary, too large and unreadable files are skipped and counted', async () => {
  const fs = memoryFileSystem({
    'src/ok.ts': uses('kept'),
    'src/binary.ts': new Uint8Array([105, 109, 0, 1, 2]),
    'src/huge.js': `${uses('huge')}${'/* padding */\n'.repeat(80_000)}`,
    'src/gone.ts': 'x',
  });
  const originalReadBytes = fs.readFileBytes;
  fs.readFileBytes = (path) => {
    if (path.endsWith('gone.ts')) throw new Error('EACCES');
    return originalReadBytes(path);
  };
  const result = await scanWorkspace({ root: '/w', fs, config: configFrom() });
  assert.deepEqual(result.references.map((r) => r.key), ['kept']);
  assert.deepEqual(result.skipped, { binary: 1, tooLarge: 1, unreadable: 1, failed: 0 });
  assert.equal(result.files, 4);
});

test('symlink loops do not hang; linked directories are walked once; a file without read permission is counted unreadable', async () => {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-scan-'));
  try {
    mkdirSync(join(root, 'src/inner'), { recursive: true });
    writeFileSync(join(root, 'src/inner/a.ts'), uses('looped'));
    symlinkSync(join(root, 'src'), join(root, 'src/inner/back-to-src'));
    symlinkSync(join(root, 'missing'), join(root, 'src/dangling.ts'));
    writeFileSync(join(root, 'src/locked.ts'), uses('locked'));
    chmodSync(join(root, 'src/locked.ts'), 0o000);
    const result = await scanWorkspace({ root, fs: permissionCheckingFileSystem(nodeFileSystem), config: configFrom() });
    const keys = result.references.map((r) => r.key);
    assert.equal(keys.filter((k) => k === 'looped').length, 1);
    assert.ok(!keys.includes('locked'));
    assert.equal(result.skipped.unreadable, 1);
  } finally {
    chmodSync(join(root, 'src/locked.ts'), 0o644);
    rmSync(root, { recursive: true, force: true });
  }
});

test('the prefilter parses only files that can matter, and reports progress', async () => {
  const files: Record<string, string> = { 'src/flags.ts': uses('a') };
  for (let i = 0; i < 30; i++) files[`src/plain${i}.ts`] = `export const value${i} = ${i};\n`;
  const progress: Array<[number, number]> = [];
  // Each read costs 1 ms of a test clock: a 10 ms slice ends every 10 files, and progress comes at each turn.
  const { fs, clock } = clockedFileSystem(files, 1);
  const result = await scanWorkspace({ root: '/w', fs, config: configFrom(), slices: { sliceMs: 10, monotonicMs: () => clock.now }, onProgress: (d, t) => progress.push([d, t]) });
  assert.equal(result.files, 31);
  assert.equal(result.parsedFiles, 1);
  assert.deepEqual(progress, [[10, 31], [20, 31], [30, 31], [31, 31]]);
});
