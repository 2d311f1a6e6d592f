// The incremental ScannerHost: analyzeFile before indexing, updateFile re-analysing exactly the file
// and its dependents (a changed constants module changes its importers' keys), deletions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScannerHost } from '../../core/src/scanner/index.js';
import { configFrom, memoryFileSystem } from './fixture.js';

function workspace() {
  return memoryFileSystem({
    'src/keys.ts': `export const CHECKOUT = 'checkout-v1';\n`,
    'src/barrel.ts': `export * from './keys';\n`,
    'src/app.ts': `import { isEnabled } from 'unleash-client';\nimport { CHECKOUT } from './barrel';\nexport const a = isEnabled(CHECKOUT);\n`,
    'src/other.ts': `import { isEnabled } from 'unleash-client';\nexport const b = isEnabled('other');\n`,
    'src/wrap.ts': `import { isEnabled } from 'unleash-client';\nexport const on = (k: string) => isEnabled(k);\n`,
    'src/use-wrap.ts': `import { on } from './wrap';\nexport const c = on('wrapped');\n`,
  });
}

test('updateFile on a constants module re-resolves its importers (through a barrel) and only them', async () => {
  const host = new ScannerHost({ root: '/w', fs: workspace(), config: configFrom() });
  const first = await host.indexWorkspace();
  assert.deepEqual(first.references.map((r) => r.key).sort(), ['checkout-v1', 'other', 'wrapped']);
  const changed = host.updateFile('/w/src/keys.ts', `export const CHECKOUT = 'checkout-v2';\n`);
  assert.deepEqual(changed, ['src/app.ts']);
  assert.equal(host.referencesInFile('src/app.ts')[0].key, 'checkout-v2');
  assert.deepEqual(host.references().map((r) => r.key).sort(), ['checkout-v2', 'other', 'wrapped']);
});

test('editing a wrapper updates its callers; deleting a file removes its references and unresolves importers', async () => {
  const host = new ScannerHost({ root: '/w', fs: workspace(), config: configFrom() });
  await host.indexWorkspace();
  // The wrapper stops being a wrapper: its caller has no reference any more.
  let changed = host.updateFile('/w/src/wrap.ts', `export const on = (k: string) => k.length > 0;\n`);
  assert.deepEqual(changed, ['src/use-wrap.ts']);
  assert.deepEqual(host.referencesInFile('src/use-wrap.ts'), []);
  changed = host.updateFile('/w/src/keys.ts', undefined);
  assert.deepEqual(changed, ['src/app.ts']);
  const [ref] = host.referencesInFile('src/app.ts');
  assert.equal(ref.key, null);
  assert.match(ref.unresolvedReason ?? '', /^'CHECKOUT' not found in src\/barrel\.ts; import of '\.\/keys' not found/);
  changed = host.updateFile('/w/src/other.ts', undefined);
  assert.deepEqual(changed, ['src/other.ts']);
  assert.deepEqual(host.referencesInFile('src/other.ts'), []);
});

test('a new file created in the editor is resolved by importers analysed afterwards', async () => {
  const host = new ScannerHost({ root: '/w', fs: workspace(), config: configFrom() });
  await host.indexWorkspace();
  host.updateFile('/w/src/new-keys.ts', `export const NEW = 'brand-new';\n`);
  const refs = host.analyzeFile('/w/src/app.ts', `import { isEnabled } from 'unleash-client';\nimport { NEW } from './new-keys';\nexport const a = isEnabled(NEW);\n`);
  assert.equal(refs[0].key, 'brand-new');
});

test('analyzeFile answers before indexWorkspace has run, following imports', () => {
  const host = new ScannerHost({ root: '/w', fs: workspace(), config: configFrom() });
  const refs = host.analyzeFile('/w/src/app.ts', `import { isEnabled } from 'unleash-client';\nimport { CHECKOUT } from './keys';\nexport const a = isEnabled(CHECKOUT, {}, true);\n`);
  assert.equal(refs.length, 1);
  assert.equal(refs[0].key, 'checkout-v1');
  assert.equal(refs[0].default, true);
});

test('a file edited into a wrapper makes its existing callers references', async () => {
  const fs = workspace();
  fs.files.set('/w/src/helpers.ts', `export function check(name: string) { return name.length > 0; }\n`);
  fs.files.set('/w/src/caller.ts', `import { check } from './helpers';\nexport const d = check('became-a-flag');\n`);
  const host = new ScannerHost({ root: '/w', fs, config: configFrom() });
  await host.indexWorkspace();
  assert.deepEqual(host.referencesInFile('src/caller.ts'), []);
  const changed = host.updateFile('/w/src/helpers.ts', `import { isEnabled } from 'unleash-client';\nexport function check(name: string) { return isEnabled(name); }\n`);
  assert.deepEqual(changed, ['src/caller.ts']);
  assert.equal(host.referencesInFile('src/caller.ts')[0].key, 'became-a-flag');
});

test('a changed tsconfig re-resolves imports: resolutionInputChanged re-analyses and reports the files that changed', async () => {
  const fs = memoryFileSystem({
    'tsconfig.json': '{ "compilerOptions": { "paths": { "@keys/*": ["./src/old/*"] } } }',
    'src/old/keys.ts': `export const K = 'old-key';\n`,
    'src/new/keys.ts': `export const K = 'new-key';\n`,
    'src/app.ts': `import { isEnabled } from 'unleash-client';\nimport { K } from '@keys/keys';\nexport const a = isEnabled(K);\n`,
    'src/other.ts': `import { isEnabled } from 'unleash-client';\nexport const b = isEnabled('other');\n`,
  });
  const host = new ScannerHost({ root: '/w', fs, config: configFrom() });
  await host.indexWorkspace();
  assert.equal(host.referencesInFile('src/app.ts')[0].key, 'old-key');
  fs.files.set('/w/tsconfig.json', '{ "compilerOptions": { "paths": { "@keys/*": ["./src/new/*"] } } }');
  assert.deepEqual(host.resolutionInputChanged(), ['src/app.ts']);
  assert.equal(host.referencesInFile('src/app.ts')[0].key, 'new-key');
});
