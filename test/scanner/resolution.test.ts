// Module resolution as TypeScript does it: workspace packages without node_modules (package.json
// workspaces, pnpm, lerna, Nx), package exports/imports/types/main, build outputs mapped to sources,
// tsconfig extends/paths/baseUrl/conditions/references, installed and symlinked packages; and failed
// imports that say precisely what was missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { check, memoryFileSystem } from './fixture.js';
import { ModuleResolver } from '../../core/src/scanner/index.js';
import { nodeFileSystem } from '../../core/src/nodeIo.js';

const uses = (importLine: string, key: string) => `import { OpenFeature } from '@openfeature/server-sdk';\n${importLine}\nconst client = OpenFeature.getClient();\nexport const on = client.getBooleanValue(${key}, false);\n`;

test('an enum in a workspace package without node_modules (package.json workspaces, entry in an unbuilt dist/)', async () => {
  await check(`
//- /package.json
{ "name": "acme", "private": true, "workspaces": ["packages/*", "apps/*"] }
//- /packages/shared/package.json
{ "name": "@acme/shared", "main": "dist/index.js", "types": "dist/index.d.ts" }
//- /packages/shared/tsconfig.json
{ "compilerOptions": { "outDir": "dist", "rootDir": "src", "declaration": true } }
//- /packages/shared/src/index.ts
export * from './flags';
//- /packages/shared/src/flags.ts
export enum FlagKeys { NewCheckout = 'new-checkout', DarkMode = 'dark-mode' }
//- /apps/web/package.json
{ "name": "web", "dependencies": { "@acme/shared": "*" } }
//- /apps/web/src/checkout.ts
import { OpenFeature } from '@openfeature/server-sdk';
import { FlagKeys } from '@acme/shared';
const client = OpenFeature.getClient();
export const a = client.getBooleanValue(/*<new-checkout>*/FlagKeys.NewCheckout, false);
export const b = client.getBooleanValue(/*<dark-mode>*/FlagKeys.DarkMode, false);
`);
});

test('a subpath through package exports, with conditions, to a missing build output mapped by outDir → rootDir', async () => {
  await check(`
//- /package.json
{ "name": "acme", "workspaces": { "packages": ["libs/*", "apps/*"] } }
//- /libs/shared/package.json
{ "name": "shared", "exports": { ".": "./lib/esm/index.js", "./flags": { "types": "./lib/types/flags.d.ts", "import": "./lib/esm/flags.js", "require": "./lib/cjs/flags.js" } } }
//- /libs/shared/tsconfig.json
{ "compilerOptions": { "outDir": "lib/esm", "declarationDir": "lib/types", "rootDir": "source" } }
//- /libs/shared/source/flags.ts
export const CHECKOUT_FLAG = 'checkout-v2';
//- /libs/shared/source/index.ts
export const INDEX_FLAG = 'from-index';
//- /apps/web/package.json
{ "name": "web" }
//- /apps/web/app.ts
${uses(`import { CHECKOUT_FLAG } from 'shared/flags';\nimport { INDEX_FLAG } from 'shared';\nexport const i = OpenFeature.getClient().getBooleanValue(/*<from-index>*/INDEX_FLAG, true);`, '/*<checkout-v2>*/CHECKOUT_FLAG')}`);
});

test('pnpm-workspace.yaml, lerna.json and Nx layouts; the conventional src/index.ts when package.json names no entry', async () => {
  await check(`
//- /pnpm-workspace.yaml
packages:
  - 'pkgs/*'
//- /lerna.json
{ "packages": ["tools/*"] }
//- /nx.json
{ "workspaceLayout": { "libsDir": "libs" } }
//- /pkgs/a/package.json
{ "name": "@p/a" }
//- /pkgs/a/src/index.ts
export const A = 'pnpm-flag';
//- /tools/b/package.json
{ "name": "@l/b", "main": "build/main.js" }
//- /tools/b/src/main.ts
export const B = 'lerna-flag';
//- /libs/data/flags/package.json
{ "name": "@nx/flags", "types": "./dist/index.d.ts" }
//- /libs/data/flags/src/index.ts
export const C = 'nx-flag';
//- /app/main.ts
import { OpenFeature } from '@openfeature/server-sdk';
import { A } from '@p/a';
import { B } from '@l/b';
import { C } from '@nx/flags';
const client = OpenFeature.getClient();
client.getBooleanValue(/*<pnpm-flag>*/A, false);
client.getBooleanValue(/*<lerna-flag>*/B, false);
client.getBooleanValue(/*<nx-flag>*/C, false);
`);
});

test('package.json imports (#internal), customConditions and tsconfig extends from a package and as an array', async () => {
  await check(`
//- /node_modules/@tsconfig/strictest/tsconfig.json
{ "compilerOptions": { "strict": true, "moduleResolution": "bundler", "module": "esnext" } }
//- /tsconfig.paths.json
{ "compilerOptions": { "paths": { "@flags/*": ["src/flags/*"], "@flags/special/*": ["src/special/*"] } } }
//- /tsconfig.json
{ "extends": ["@tsconfig/strictest/tsconfig.json", "./tsconfig.paths.json"], "compilerOptions": { "customConditions": ["source"] } }
//- /package.json
{ "name": "app", "imports": { "#internal/*": "./src/internal/*.ts" }, "workspaces": ["packages/*"] }
//- /packages/conditional/package.json
{ "name": "conditional", "exports": { ".": { "source": "./src/index.ts", "default": "./dist/index.js" } } }
//- /packages/conditional/src/index.ts
export const CONDITIONAL = 'source-condition';
//- /src/internal/keys.ts
export const INTERNAL = 'internal-flag';
//- /src/flags/keys.ts
export const GENERAL = 'general-pattern';
//- /src/special/keys.ts
export const SPECIAL = 'longest-prefix';
//- /src/flags/special/keys.ts
export const SPECIAL = 'shorter-prefix-loses';
//- /src/main.ts
import { OpenFeature } from '@openfeature/server-sdk';
import { INTERNAL } from '#internal/keys';
import { GENERAL } from '@flags/keys';
import { SPECIAL } from '@flags/special/keys';
import { CONDITIONAL } from 'conditional';
const client = OpenFeature.getClient();
client.getBooleanValue(/*<internal-flag>*/INTERNAL, false);
client.getBooleanValue(/*<general-pattern>*/GENERAL, false);
client.getBooleanValue(/*<longest-prefix>*/SPECIAL, false);
client.getBooleanValue(/*<source-condition>*/CONDITIONAL, false);
`);
});

test('tsconfig project references: an import of a referenced project\'s output resolves to its source', async () => {
  await check(`
//- /shared/tsconfig.json
{ "compilerOptions": { "composite": true, "outDir": "out", "rootDir": "lib" } }
//- /shared/lib/keys.ts
export const REFERENCED = 'referenced-project';
//- /app/tsconfig.json
{ "compilerOptions": { "moduleResolution": "bundler", "module": "esnext" }, "references": [{ "path": "../shared" }] }
//- /app/main.ts
${uses("import { REFERENCED } from '../shared/out/keys';", '/*<referenced-project>*/REFERENCED')}`);
});

test('node16 resolution follows TypeScript: relative ESM imports need their extension', async () => {
  await check(`
//- /tsconfig.json
{ "compilerOptions": { "module": "node16", "moduleResolution": "node16" } }
//- /package.json
{ "name": "esm-app", "type": "module" }
//- /src/keys.ts
export const KEY = 'with-extension';
//- /src/main.ts
${uses("import { KEY } from './keys.js';", '/*<with-extension>*/KEY')}
//- /src/bare.ts
${uses("import { KEY } from './keys';", "/*<!import of './keys' not found: no file src/keys(.ts, .tsx, …, /index.*) for src/bare.ts>*/KEY")}`);
});

test('installed and symlinked workspace packages in node_modules resolve to their real sources', async () => {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-resolution-'));
  try {
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('package.json', JSON.stringify({ name: 'mono', workspaces: ['packages/*'] }));
    write('packages/keys/package.json', JSON.stringify({ name: '@mono/keys', exports: { '.': { types: './src/index.ts', default: './dist/index.js' } } }));
    write('packages/keys/src/index.ts', `export const LINKED = 'symlinked-package';\n`);
    write('packages/app/src/main.ts', uses("import { LINKED } from '@mono/keys';", 'LINKED'));
    mkdirSync(join(root, 'node_modules/@mono'), { recursive: true });
    symlinkSync(join(root, 'packages/keys'), join(root, 'node_modules/@mono/keys'));
    const resolver = new ModuleResolver(nodeFileSystem, root);
    assert.deepEqual(resolver.resolveImport(join(root, 'packages/app/src/main.ts'), '@mono/keys'), { path: join(root, 'packages/keys/src/index.ts') });
    const missing = resolver.resolveImport(join(root, 'packages/app/src/main.ts'), '@mono/other');
    assert.deepEqual(missing, { reason: "import of '@mono/other' not found: no workspace package named @mono/other and not installed in node_modules" });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a failed import still yields the reference, with a reason that names what was missing', async () => {
  await check(`
//- /package.json
{ "name": "acme", "workspaces": ["packages/*"] }
//- /packages/web/package.json
{ "name": "@acme/web" }
//- /packages/web/src/app.ts
${uses("import { FLAG } from '@acme/flags';", "/*<!import of '@acme/flags' not found: no workspace package named @acme/flags and no node_modules>*/FLAG")}`);
});

test('resolveImport is the API other parts use: a path, or the reason', () => {
  const fs = memoryFileSystem({
    'tsconfig.json': '{ "compilerOptions": { "paths": { "~/*": ["./src/*"] } } }',
    'src/keys.ts': 'export const K = 1;\n',
    'src/app.ts': '',
  });
  const resolver = new ModuleResolver(fs, '/w');
  assert.deepEqual(resolver.resolveImport('/w/src/app.ts', '~/keys'), { path: '/w/src/keys.ts' });
  assert.deepEqual(resolver.resolveImport('/w/src/app.ts', '~/gone'), { reason: "import of '~/gone' not found: tsconfig paths '~/*' (tsconfig.json) lead to no existing file" });
  assert.deepEqual(resolver.resolveImport('/w/src/app.ts', 'react'), { reason: "import of 'react' not found: no workspace package named react and no node_modules" });
});

test('typesVersions redirects a package subpath, as TypeScript reads it', async () => {
  await check(`
//- /package.json
{ "name": "mono", "workspaces": ["packages/*"] }
//- /packages/legacy/package.json
{ "name": "legacy-keys", "typesVersions": { "*": { "flags": ["src/flag-keys.ts"] } } }
//- /packages/legacy/src/flag-keys.ts
export const LEGACY = 'types-versions';
//- /packages/app/package.json
{ "name": "app" }
//- /packages/app/main.ts
${uses("import { LEGACY } from 'legacy-keys/flags';", '/*<types-versions>*/LEGACY')}`);
});
