// The importers of a changed file are found through the scanner's module resolution: relative paths, tsconfig
// `paths` aliases and workspace packages that have no node_modules (a fresh checkout of a monorepo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findImporters } from '../../core/src/cleanup/importers.js';
import { memoryFileSystem, FIXTURE_ROOT } from './fixture.js';

test('importers through a relative path, a paths alias and a workspace package without node_modules', () => {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['packages/*'] }),
    'packages/shared/package.json': JSON.stringify({ name: '@shop/shared', main: 'src/index.ts', types: 'src/index.ts' }),
    'packages/shared/src/index.ts': "export { checkoutMode } from './checkout';\n",
    'packages/shared/src/checkout.ts': "export const checkoutMode = 'one-page';\n",
    'packages/shared/src/relative.ts': "import { checkoutMode } from './checkout';\nexport const a = checkoutMode;\n",
    'packages/app/tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '~/*': ['./src/*'] }, moduleResolution: 'Bundler', module: 'ESNext' } }),
    'packages/app/src/page.ts': "import { checkoutMode } from '@shop/shared';\nexport const b = checkoutMode;\n",
    'packages/app/src/local.ts': "export const local = 1;\n",
    'packages/app/src/aliased.ts': "import { local } from '~/local';\nexport const c = local;\n",
    'packages/app/src/unrelated.ts': "import { other } from './other';\nexport const d = other;\n",
  };
  const fs = memoryFileSystem(new Map(Object.entries(files).map(([path, text]) => [`${FIXTURE_ROOT}/${path}`, text])));
  const workspaceFiles = Object.keys(files).filter((file) => file.endsWith('.ts'));
  const search = { root: FIXTURE_ROOT, fs, workspaceFiles };
  assert.deepEqual(findImporters(['packages/shared/src/checkout.ts'], search), ['packages/shared/src/index.ts', 'packages/shared/src/relative.ts']);
  assert.deepEqual(findImporters(['packages/shared/src/index.ts'], search), ['packages/app/src/page.ts']);
  assert.deepEqual(findImporters(['packages/app/src/local.ts'], search), ['packages/app/src/aliased.ts']);
});
