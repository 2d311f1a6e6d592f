// The shared bundle setup: a missing bundle or a source newer than it (in any input folder, at any depth, or a
// listed file) makes it stale; a bundle newer than every input is fresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleStaleness } from './freshBundle.js';

test('a bundle is stale when missing or older than any input, and fresh otherwise', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-bundle-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const inputs = { folders: ['core/src', 'server/src'], files: ['package.json', 'scripts/build.mjs'] };
  const write = (path: string, secondsAgo: number) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), 'x');
    const time = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(root, path), time, time);
  };
  write('core/src/model.ts', 300);
  write('core/src/deep/er/nested.ts', 300);
  write('package.json', 300);
  assert.equal(bundleStaleness(root, 'dist/server.js', inputs), 'dist/server.js is missing');
  write('dist/server.js', 200);
  assert.equal(bundleStaleness(root, 'dist/server.js', inputs), undefined, 'newer than every input (server/src and the build script do not exist here)');
  write('core/src/deep/er/nested.ts', 100);
  assert.equal(bundleStaleness(root, 'dist/server.js', inputs), 'core/src/deep/er/nested.ts is newer than dist/server.js');
  write('dist/server.js', 50);
  write('package.json', 10);
  assert.equal(bundleStaleness(root, 'dist/server.js', inputs), 'package.json is newer than dist/server.js');
});
