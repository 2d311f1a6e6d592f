// Zero-config accuracy on a workspace of canonical SDK idioms (test/scanner/fixtures/canonical-idioms):
// every SDK's documented call shapes, keys from a workspace package without node_modules, a typed prop,
// a wrapper through a local alias, Vercel declarations and uses, generated OpenFeature accessors.
// Each expected check carries an `expect: key` comment on its key's line (`expect-unresolved` where the key
// is only known at run time). At least 98% must be found with the right key, and no reference may carry a
// wrong key or be unresolved where a key is expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultConfig } from '../../core/src/config.js';
import { nodeFileSystem } from '../../core/src/nodeIo.js';
import { scanWorkspace } from '../../core/src/scanner/index.js';

const root = resolve('test/scanner/fixtures/canonical-idioms');

test('canonical SDK idioms, zero-config: at least 98% found with the right key, and no wrong key', async () => {
  const result = await scanWorkspace({ root, config: defaultConfig(), fs: nodeFileSystem });
  const expected = new Map<string, string[]>(); // file:line → keys
  const unresolvedLines = new Set<string>(); // file:line of checks whose key is only known at run time
  const files = new Set(result.references.map((reference) => reference.file));
  for (const file of listExpectationFiles()) files.add(file);
  for (const file of files) {
    readFileSync(join(root, file), 'utf8').split('\n').forEach((text, index) => {
      if (/expect-unresolved/.test(text)) unresolvedLines.add(`${file}:${index + 1}`);
      const match = /expect: ([^*]+?)(?:\s*\*\/.*)?$/.exec(text);
      if (match) expected.set(`${file}:${index + 1}`, match[1].split(',').map((key) => key.trim()));
    });
  }
  const total = [...expected.values()].reduce((sum, keys) => sum + keys.length, 0);
  const found = new Set<string>();
  const wrong: string[] = [];
  for (const reference of result.references) {
    const place = `${reference.file}:${reference.line}`;
    const keys = expected.get(place);
    if (reference.key !== null && keys?.includes(reference.key)) found.add(`${place} ${reference.key}`);
    else if (reference.key === null && unresolvedLines.has(place)) continue;
    else wrong.push(`${place} ${reference.key ?? `(unresolved: ${reference.unresolvedReason})`} via ${reference.call}`);
  }
  const missed = [...expected].flatMap(([place, keys]) => keys.filter((key) => !found.has(`${place} ${key}`)).map((key) => `${place} ${key}`));
  assert.deepEqual(wrong, [], 'references with a wrong (or no) key');
  assert.ok(total >= 45, `the workspace holds ${total} checks`);
  assert.ok(found.size / total >= 0.98, `found ${found.size} of ${total}; missed: ${missed.join(', ')}`);
});

function listExpectationFiles(): string[] {
  const out: string[] = [];
  const walk = (directory: string, relative: string) => {
    for (const entry of nodeFileSystem.readDirectory(directory)) {
      const path = `${directory}/${entry.name}`;
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory) walk(path, rel);
      else if (/\.(ts|tsx)$/.test(entry.name)) out.push(rel);
    }
  };
  walk(root, '');
  return out;
}
