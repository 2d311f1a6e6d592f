// Bad input never stops a scan: a tsconfig with a syntax error, an extends cycle or a missing extends
// target, workspace globs matching nothing, two packages with one name, self-referencing exports
// conditions and a package.json that is not JSON. Every other file is still scanned, and the references
// whose resolution the problem affects say so in their reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, scanFixture } from './fixture.js';

const uses = (importLine: string, key: string) => `import { OpenFeature } from '@openfeature/server-sdk';\n${importLine}\nexport const on = OpenFeature.getClient().getBooleanValue(${key}, false);\n`;

test('a tsconfig with a syntax error: its options are used as far as they parse, and failed imports name the error', async () => {
  await check(`
//- /tsconfig.json
{ "compilerOptions": { "paths": { "@keys/*": ["./src/keys/*"] } ,, } }
//- /src/keys/a.ts
export const A = 'still-resolved';
//- /src/main.ts
${uses("import { A } from '@keys/a';\nimport { B } from '@keys/missing';\nexport const b = OpenFeature.getClient().getBooleanValue(/*<!import of '@keys/missing' not found: tsconfig paths '@keys/*' (tsconfig.json) lead to no existing file (tsconfig.json:1:66: Property assignment expected.)>*/B, true);", '/*<still-resolved>*/A')}
//- /src/plain.ts
${uses('', "/*<unaffected>*/'unaffected'")}`);
});

test('an extends cycle and a missing extends target are named in the reasons of imports they affect', async () => {
  const { result } = await scanFixture(`
//- /a/tsconfig.json
{ "extends": "./other.json", "compilerOptions": { "paths": { "~/*": ["./*"] } } }
//- /a/other.json
{ "extends": "./tsconfig.json" }
//- /a/main.ts
${uses("import { K } from '~/nowhere';", 'K')}
//- /b/tsconfig.json
{ "extends": "@company/tsconfig-base" }
//- /b/main.ts
${uses("import { K } from './nowhere';", 'K')}
//- /c/main.ts
${uses('', "'c-ok'")}
`);
  const byFile = Object.fromEntries(result.references.map((reference) => [reference.file, reference]));
  assert.match(byFile['a/main.ts'].unresolvedReason!, /Circularity detected while resolving configuration/);
  assert.match(byFile['b/main.ts'].unresolvedReason!, /b\/tsconfig\.json:1:\d+: File '@company\/tsconfig-base' not found/);
  assert.equal(byFile['c/main.ts'].key, 'c-ok');
});

test('workspace globs matching nothing, a package.json that is not JSON, duplicate names, self-referencing exports', async () => {
  const { result } = await scanFixture(`
//- /package.json
{ "name": "root", "workspaces": ["packages/*", "libs/*"] }
//- /packages/broken/package.json
{ "name": "@acme/broken", }
//- /packages/one/package.json
{ "name": "@acme/dup", "main": "src/index.ts" }
//- /packages/one/src/index.ts
export const K = 'one';
//- /packages/two/package.json
{ "name": "@acme/dup", "main": "src/index.ts" }
//- /packages/two/src/index.ts
export const K = 'two';
//- /packages/self/package.json
{ "name": "@acme/self", "exports": { ".": { "import": { "import": { "import": "./src/index.ts" } }, "default": "./src/index.ts" } } }
//- /packages/self/src/index.ts
export const SELF = 'self-conditions';
//- /packages/app/package.json
{ "name": "@acme/app" }
//- /packages/app/src/main.ts
import { OpenFeature } from '@openfeature/server-sdk';
import { K } from '@acme/dup';
import { B } from '@acme/broken';
import { SELF } from '@acme/self';
const client = OpenFeature.getClient();
export const dup = client.getBooleanValue(K, false);
export const broken = client.getBooleanValue(B, false);
export const self = client.getBooleanValue(SELF, false);
export const literal = client.getBooleanValue('scan-goes-on', false);
`);
  const byExpression = Object.fromEntries(result.references.map((reference) => [reference.keyExpression, reference]));
  assert.equal(byExpression["'scan-goes-on'"].key, 'scan-goes-on');
  assert.equal(byExpression.SELF.key, 'self-conditions');
  assert.equal(byExpression.K.key, null);
  assert.match(byExpression.K.unresolvedReason!, /import of '@acme\/dup' is ambiguous: two workspace packages are named @acme\/dup \(packages\/one, packages\/two\)/);
  assert.match(byExpression.B.unresolvedReason!, /no workspace package named @acme\/broken/);
  assert.match(byExpression.B.unresolvedReason!, /packages\/broken\/package\.json is not valid JSON/);
  assert.match(byExpression.B.unresolvedReason!, /workspace glob 'libs\/\*' \(package\.json\) matches no package folder/);
});

test('scan --format text ends with the unresolved keys grouped by reason, most frequent first', async () => {
  const { formatScanText } = await import('../../core/src/scanner/index.js');
  const { result } = await scanFixture(`
//- /src/a.ts
${uses("import { A } from '@x/y';\nimport { B } from '@x/y';\nexport const b = OpenFeature.getClient().getBooleanValue(B, true);", 'A')}
//- /src/b.ts
${uses('let mutable = "m";', 'mutable')}
`);
  const text = formatScanText(result);
  assert.match(text, /\n3 keys unresolved:\n  2 × import of '@x\/y' not found: no workspace package named @x\/y and no node_modules\n  1 × not a constant\n/);
});
