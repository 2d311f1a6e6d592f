// The documents lane (createDocumentsAnalysis): each buffer answered with its own references, keys resolved
// through what it imports; a dependency changed on disk is read again; what it parsed is let go when the last
// document closes, or on a close past its retain limit (the open documents' texts kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDocumentsAnalysis } from '../../core/src/scannerAnalysis.js';
import { defaultConfig } from '../../core/src/config.js';
import { memoryFileSystem } from '../scanner/fixture.js';

const FLAGS = "export const FLAGS = { CHECKOUT: 'new-checkout' } as const;\n";
const uses = (name: string) => `import { OpenFeature } from '@openfeature/server-sdk';\nimport { FLAGS } from './flags';\nconst client = OpenFeature.getClient();\nexport const ${name} = client.getBooleanValue(FLAGS.CHECKOUT, false);\n`;

test('the documents lane answers buffers through their imports, reads a changed dependency again, and lets go of what it parsed', async () => {
  const fs = memoryFileSystem({ 'src/flags.ts': FLAGS, 'src/a.ts': uses('a'), 'src/c.ts': uses('c') });
  const lane = createDocumentsAnalysis({ root: '/w', config: defaultConfig() }, { fs, retainLimit: 2 });
  const keysOf = async (path: string, text: string) => (await lane.update({ kind: 'buffer', path, text })).files.map(([file, references]) => [file, references.map((reference) => reference.key)]);

  assert.deepEqual(await keysOf('/w/src/a.ts', uses('a')), [['src/a.ts', ['new-checkout']]]);
  assert.equal(lane.retainedModules, 2, 'a.ts and the flags module it imports');

  // The dependency changes on disk: the next answer follows it.
  fs.files.set('/w/src/flags.ts', FLAGS.replace('new-checkout', 'renamed-checkout'));
  assert.deepEqual((await lane.update({ kind: 'disk', path: '/w/src/flags.ts' })).files, [], 'a disk change is answered empty');
  assert.deepEqual(await keysOf('/w/src/a.ts', uses('a')), [['src/a.ts', ['renamed-checkout']]]);

  // Two documents open, past the limit of 2 parsed files: closing one starts afresh with the other's text.
  await keysOf('/w/src/c.ts', uses('c'));
  assert.equal(lane.retainedModules, 3);
  assert.deepEqual((await lane.update({ kind: 'closed', path: '/w/src/c.ts' })).files, []);
  assert.equal(lane.retainedModules, 2, 'a.ts (still open, with its text) and what it imports');
  const edited = uses('a').replace('FLAGS.CHECKOUT', "'typed-key'");
  assert.deepEqual(await keysOf('/w/src/a.ts', edited), [['src/a.ts', ['typed-key']]]);

  // The last document closes: nothing is kept.
  await lane.update({ kind: 'closed', path: '/w/src/a.ts' });
  assert.equal(lane.retainedModules, 0);
  lane.dispose();
});
