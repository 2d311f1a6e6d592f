// The language server's main thread answers the editor and must never load the parser: the modules it runs
// (server/src/server.ts and everything it imports at run time, type-only imports aside) reach neither TypeScript,
// ts-morph, the scanner, cleanup nor init. Those run in the worker threads (server/src/workers/), which the bundle
// evaluates only there, because main.ts requires each side on its own thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const REPOSITORY = join(__dirname, '..', '..');

/** The module specifiers a file loads when it runs: static imports and re-exports that are not type-only, `require()`, `import()`. */
function runtimeImports(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      const bindings = node.importClause?.namedBindings;
      const onlyTypes = bindings && ts.isNamedImports(bindings) && !node.importClause?.name && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
      if (!onlyTypes) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
      const callee = node.expression;
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) specifiers.push((node.arguments[0] as ts.StringLiteral).text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** Every project file and package the entry reaches at run time (packages by name). */
function reachedFrom(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (!specifier.startsWith('.')) {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
        continue;
      }
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
      if (existsSync(target)) queue.push(target);
      // A plain JavaScript module of the project (core/src/typescript.js, the generated config validator) is read too.
      else if (/\.js$/.test(specifier) && existsSync(target.replace(/\.ts$/, '.js'))) queue.push(target.replace(/\.ts$/, '.js'));
      else if (existsSync(target.replace(/\.ts$/, '.mjs'))) continue;
      else assert.fail(`${relative(REPOSITORY, file)} imports ${specifier}, which does not exist`);
    }
  }
  return { files, packages };
}

test('the import reader tells run-time imports from type-only ones', () => {
  const probe = join(REPOSITORY, 'server', 'src', 'workers', 'workerAnalysis.ts');
  const imports = runtimeImports(probe);
  assert.ok(imports.includes('./channel.js'), imports.join(', '));
  assert.ok(!imports.some((specifier) => specifier.includes('init/index')), 'a type-only import is not a run-time one');
});

test('the main thread reaches no parser: no TypeScript, ts-morph, scanner, cleanup or init module', () => {
  const { files, packages } = reachedFrom(join(REPOSITORY, 'server', 'src', 'server.ts'));
  const reached = [...files].map((file) => relative(REPOSITORY, file).split('\\').join('/'));
  assert.ok(reached.includes('core/src/host.ts') && reached.includes('server/src/workers/channel.ts'), `read ${reached.length} files`);
  const forbidden = reached.filter((file) =>
    /^core\/src\/(scanner|cleanup|init)\//.test(file) ||
    ['core/src/scannerAnalysis.ts', 'core/src/features/proveRemoveFlag.ts', 'server/src/workers/analysisWorker.ts', 'server/src/workers/cleanupWorker.ts'].includes(file),
  );
  assert.deepEqual(forbidden, [], 'modules of the worker threads reached from the main thread');
  assert.ok(!packages.has('typescript') && !packages.has('ts-morph') && !packages.has('@ts-morph/common'), `packages: ${[...packages].sort().join(', ')}`);
});
