// `npm run package` (after `npm run build`): makes flaglens.vsix with @vscode/vsce from a staging folder
// that holds only what the extension ships (the files .vscodeignore allows). Packaging the repository root
// directly makes vsce walk every file under it, .cache/ (code-server, ~300 MB) included, which took ~50 s;
// from the staging folder it takes a few seconds, and the vsix cannot pick up stray files.
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stage = join(root, '.cache', 'vsix-stage');
const output = join(root, 'flaglens.vsix');
// What the installed extension runs or shows; .vscodeignore (copied too) is the same list for vsce.
// The server's executable loads its bundle, and the bundle TypeScript (and cleanup's type check the library
// declarations), from the files beside it (scripts/build.mjs).
const shipped = ['package.json', 'README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md', '.vscodeignore', 'dist/extension.js', 'dist/server.js', 'dist/server-bundle.js', 'dist/typescript.js', 'dist/ts-morph-common.js', 'syntaxes', 'client/media'];

for (const required of ['dist/extension.js', 'dist/server.js', 'dist/server-bundle.js', 'dist/typescript.js', 'dist/ts-morph-common.js']) {
  if (!existsSync(join(root, required))) throw new Error(`${required} is missing: run npm run build first`);
}
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const path of shipped) {
  if (existsSync(join(root, path))) cpSync(join(root, path), join(stage, path), { recursive: true });
}

const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
const args = [
  vsce,
  'package',
  '--no-dependencies',
  // The README links images relatively; in the vsix they point at the repository.
  '--baseContentUrl', 'https://example.invalid/flaglens/blob/main',
  '--baseImagesUrl', 'https://example.invalid/flaglens/raw/main',
  ...(existsSync(join(root, 'LICENSE')) || existsSync(join(root, 'LICENSE.md')) ? [] : ['--skip-license']),
  '--out', output,
];
const result = spawnSync(process.execPath, args, { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`flaglens.vsix: ${(statSync(output).size / 1024 / 1024).toFixed(2)} MB`);
