// The core's import boundaries, read from the imports of every core file (static, `export … from`, `import()` and
// `require()`): file, process and network IO only in io.ts, nodeIo.ts and http.ts; no editor, LSP or protocol
// module anywhere; and no state provider importing the registry that imports it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const CORE = join(__dirname, '..', '..', 'core', 'src');

/** Where the core may touch files, processes and the network: the IO interfaces, their Node side, the HTTP client. */
const IO_MODULES = new Set(['io.ts', 'nodeIo.ts', 'http.ts']);

/** Which of those may import which IO module: files and processes in nodeIo.ts only, the network in http.ts only. */
const ALLOWED_IO: Record<string, ReadonlySet<string>> = {
  fs: new Set(['nodeIo.ts']),
  child_process: new Set(['nodeIo.ts']),
  undici: new Set(['http.ts']),
};

const IO_SPECIFIER = /^(?:node:)?(?:fs|fs\/promises|child_process)$|^undici(?:\/|$)/;
const EDITOR_SPECIFIER = /^(?:vscode|vscode-languageserver(?:-[\w-]+)?|vscode-languageclient|vscode-jsonrpc)(?:\/|$)/;

function coreFiles(folder = CORE): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...coreFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(relative(CORE, path).split('\\').join('/'));
  }
  return files.sort();
}

/** Every module specifier a file imports or re-exports, including `import()` and `require()`. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(CORE, file), 'utf8'), true, true);
  return info.importedFiles.map((imported) => imported.fileName);
}

const files = coreFiles();
const imports = new Map(files.map((file) => [file, importsOf(file)]));

test('the import reader sees every form of import', () => {
  const info = ts.preProcessFile("import a from 'node:fs';\nexport { b } from 'undici';\nconst c = require('child_process');\nvoid import('fs/promises');\n", true, true);
  assert.deepEqual(
    info.importedFiles.map((imported) => imported.fileName).filter((specifier) => IO_SPECIFIER.test(specifier)),
    ['node:fs', 'undici', 'child_process', 'fs/promises'],
  );
  assert.ok(files.length > 50 && files.includes('io.ts') && files.includes('scanner/walk.ts'), `read ${files.length} core files`);
});

test('core/ imports node:fs, node:child_process and undici only in io.ts, nodeIo.ts and http.ts', () => {
  const offenders = files.filter((file) => !IO_MODULES.has(file) && imports.get(file)!.some((specifier) => IO_SPECIFIER.test(specifier)));
  assert.deepEqual(offenders, [], `IO imports outside ${[...IO_MODULES].join(', ')}: ${offenders.map((file) => `${file} (${imports.get(file)!.filter((s) => IO_SPECIFIER.test(s)).join(', ')})`).join('; ')}`);
});

test('inside the IO layer, file and process IO is nodeIo.ts\'s and network IO is http.ts\'s', () => {
  const misplaced: string[] = [];
  for (const file of IO_MODULES) {
    for (const specifier of imports.get(file) ?? []) {
      if (!IO_SPECIFIER.test(specifier)) continue;
      const module = specifier.replace(/^node:/, '').replace(/\/.*$/, '');
      if (!ALLOWED_IO[module]?.has(file)) misplaced.push(`${file} imports ${specifier}`);
    }
  }
  assert.deepEqual(misplaced, []);
});

test('core/ never imports an editor, LSP or protocol module', () => {
  const offenders = files.filter((file) => imports.get(file)!.some((specifier) => EDITOR_SPECIFIER.test(specifier) || /(^|\/)protocol\//.test(specifier)));
  assert.deepEqual(offenders, []);
});

test('state providers receive their context and never import the registry that imports them', () => {
  const providers = ['state/flagdProvider.ts', ...files.filter((file) => file.startsWith('providers/'))];
  const offenders = providers.filter((file) => imports.get(file)!.some((specifier) => /state\/registry\.js$|^\.\/registry\.js$/.test(specifier)));
  assert.deepEqual(offenders, []);
});
