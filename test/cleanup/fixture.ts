// Fixture helper of the cleanup tests: source strings with `/*flag*/` before each check of the flag (and an
// optional `/*end*/` after it when the check is not the obvious node there), multi-file with `//- /path`
// headers. `checkCleanup` plans the removal, compares the result with the expected fixture, and type-checks
// before and after against the real SDK packages (installed as devDependencies and resolved from the
// repository's node_modules), so every "after" is proven to compile with the SDKs' own declarations.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after } from 'node:test';
import { ts } from 'ts-morph';
import type { FileSystem } from '../../core/src/io.js';
import type { FlagReference, SdkId } from '../../core/src/model.js';
import { nodeFileSystem } from '../../core/src/nodeIo.js';
import { presetForPackage } from '../../core/src/scanner/presets.js';
import { planFlagRemoval, type FlagRemovalPlan, type FlagValue } from '../../core/src/cleanup/plan.js';
import { checkChangeTypes } from '../../core/src/cleanup/typecheck.js';
import { systemTimers } from '../../core/src/io.js';

/**
 * The fixture workspace's root: a folder that exists only in memory, inside the repository so that
 * `import ... from '@openfeature/react-sdk'` resolves to the real package in the repository's node_modules.
 */
export const FIXTURE_ROOT = resolve(__dirname, 'fixture-workspace');

/** Sites rewritten and skipped by the fixtures of this test file, printed once at the end (for the report). */
const tally = { rewritten: 0, skipped: 0 };
after(() => {
  if (tally.rewritten + tally.skipped > 0) console.log(`cleanup fixtures: ${tally.rewritten} site(s) rewritten, ${tally.skipped} skipped`);
});

/**
 * The application's own modules every fixture may import: SDK clients made with the real SDKs (as an app's
 * `clients.ts` would) and an analytics function that takes any value. Nothing here stands in for an SDK.
 */
export const APP_MODULES: Record<string, string> = {
  'clients.ts': [
    "import { OpenFeature } from '@openfeature/web-sdk';",
    "import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';",
    "import { GrowthBook } from '@growthbook/growthbook';",
    "import { init } from '@launchdarkly/node-server-sdk';",
    "import { Unleash } from 'unleash-client';",
    '',
    '/** OpenFeature in the browser: evaluations are synchronous. */',
    "export const client = OpenFeature.getClient('shop');",
    "export const serverClient = ServerOpenFeature.getClient('shop');",
    'export const growthbook = new GrowthBook();',
    "export const launchDarkly = init('sdk-key');",
    "export const unleash = new Unleash({ url: 'http://127.0.0.1:4242/api', appName: 'shop' });",
    '',
  ].join('\n'),
  'analytics.ts': 'export function track(event: string, value: unknown): void {\n  void event;\n  void value;\n}\n',
};

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    jsx: 'react-jsx',
    noEmit: true,
    skipLibCheck: true,
    noUnusedLocals: false,
    types: [],
  },
  files: Object.keys(APP_MODULES),
});

export interface FixtureFile {
  path: string;
  text: string;
}

/** Splits a fixture into files (default `main.tsx`) and collects the marked check sites as references. */
export function parseFixture(fixture: string, key: string): { files: FixtureFile[]; references: FlagReference[] } {
  const files: FixtureFile[] = [];
  const references: FlagReference[] = [];
  const text = dedent(fixture);
  const parts = text.includes('//- /') ? text.split(/^\/\/- \//m).filter((part) => part.trim() !== '') : [`main.tsx\n${text}`];
  for (const part of parts) {
    const newline = part.indexOf('\n');
    const path = part.slice(0, newline).trim();
    let body = part.slice(newline + 1);
    const marks: { start: number; end?: number }[] = [];
    for (;;) {
      const index = body.indexOf('/*flag*/');
      if (index === -1) break;
      body = body.slice(0, index) + body.slice(index + '/*flag*/'.length);
      const endIndex = body.indexOf('/*end*/', index);
      const nextFlag = body.indexOf('/*flag*/', index);
      if (endIndex !== -1 && (nextFlag === -1 || endIndex < nextFlag)) {
        body = body.slice(0, endIndex) + body.slice(endIndex + '/*end*/'.length);
        marks.push({ start: index, end: endIndex });
      } else {
        marks.push({ start: index });
      }
    }
    files.push({ path, text: body });
    const sourceFile = ts.createSourceFile(path, body, ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    for (const mark of marks) references.push(referenceAt(sourceFile, path, key, mark.start, mark.end));
  }
  return { files, references };
}

function referenceAt(sourceFile: ts.SourceFile, file: string, key: string, start: number, end?: number): FlagReference {
  const candidates: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (node.getStart(sourceFile) === start && (end === undefined || node.end === end)) candidates.push(node);
    if (node.pos <= start && start <= node.end) ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  const isCallee = (node: ts.Node) => ts.isCallExpression(node.parent) && node.parent.expression === node;
  const check =
    (end !== undefined ? candidates.find((node) => ts.isExpression(node) || ts.isBindingElement(node)) : undefined) ??
    candidates.reverse().find((node) => (ts.isCallExpression(node) || ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isBindingElement(node)) && !isCallee(node)) ??
    candidates.find((node) => ts.isPropertyAccessExpression(node) && !isCallee(node)) ??
    candidates.find((node) => ts.isIdentifier(node) && !isCallee(node));
  if (!check) throw new Error(`${file}: no check after /*flag*/ at offset ${start}`);
  let keyNode: ts.Node = check;
  let call = check.getText(sourceFile).split('(')[0]!;
  if (ts.isCallExpression(check) && check.arguments[0]) {
    keyNode = check.arguments[0];
    // `useFlags(['a', 'b'])`: the key is the list's element naming the flag, as the scanner reports it.
    if (ts.isArrayLiteralExpression(keyNode)) keyNode = keyNode.elements.find((element) => ts.isStringLiteral(element) && element.text === key) ?? keyNode.elements[0] ?? keyNode;
  }
  else if (ts.isJsxElement(check) || ts.isJsxSelfClosingElement(check)) {
    const opening = ts.isJsxElement(check) ? check.openingElement : check;
    call = opening.tagName.getText(sourceFile);
    keyNode = opening.attributes.properties.find((attribute) => ts.isJsxAttribute(attribute) && attribute.initializer) ?? check;
    if (ts.isJsxAttribute(keyNode) && keyNode.initializer) keyNode = keyNode.initializer;
  } else if (ts.isPropertyAccessExpression(check)) keyNode = check.name;
  else if (ts.isBindingElement(check)) keyNode = check.name;
  const keyStart = keyNode.getStart(sourceFile);
  const position = sourceFile.getLineAndCharacterOfPosition(keyStart);
  const endPosition = sourceFile.getLineAndCharacterOfPosition(keyNode.end);
  return {
    key,
    file,
    line: position.line + 1,
    column: position.character + 1,
    endLine: endPosition.line + 1,
    endColumn: endPosition.character + 1,
    start: keyStart,
    end: keyNode.end,
    checkStart: check.getStart(sourceFile),
    checkEnd: check.end,
    sdk: sdkOf(sourceFile, check),
    call,
    keyExpression: keyNode.getText(sourceFile),
    resolved: true,
  };
}

/** The clients `clients.ts` exports, by the SDK that made them (the scanner traces them the same way). */
const APP_CLIENT_SDKS: Record<string, SdkId> = { client: 'openfeature', serverClient: 'openfeature', growthbook: 'growthbook', launchDarkly: 'launchdarkly', unleash: 'unleash' };

/** The SDK a check comes from: the package its callee (or the object it reads) is imported from. */
function sdkOf(sourceFile: ts.SourceFile, check: ts.Node): SdkId {
  let root: ts.Node = check;
  for (;;) {
    if (ts.isCallExpression(root) || ts.isAwaitExpression(root) || ts.isParenthesizedExpression(root) || ts.isNonNullExpression(root)) root = root.expression;
    else if (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = root.expression;
    else break;
  }
  if (ts.isJsxElement(check) || ts.isJsxSelfClosingElement(check)) root = (ts.isJsxElement(check) ? check.openingElement : check).tagName;
  if (ts.isBindingElement(check)) {
    const initializer = check.parent.parent;
    if (ts.isVariableDeclaration(initializer) && initializer.initializer) return sdkOf(sourceFile, initializer.initializer);
  }
  if (!ts.isIdentifier(root)) return 'custom';
  const name = root.text;
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    const names = bindings && ts.isNamedImports(bindings) ? bindings.elements.map((element) => element.name.text) : [];
    if (statement.importClause?.name) names.push(statement.importClause.name.text);
    if (!names.includes(name)) continue;
    const specifier = statement.moduleSpecifier.text;
    if (specifier === './clients') return APP_CLIENT_SDKS[name] ?? 'custom';
    return presetForPackage(specifier)?.sdk ?? 'custom';
  }
  // A local variable holding a hook's or client's result: follow its initializer.
  let found: SdkId = 'custom';
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) found = sdkOf(sourceFile, node.initializer);
    else ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

export interface CheckOptions {
  key?: string;
  value?: FlagValue;
}

/** Plans the cleanup of a fixture, compares with `expected`, and proves before and after type-check. */
export function checkCleanup(fixture: string, expected: string, options: CheckOptions = {}): FlagRemovalPlan {
  const key = options.key ?? 'new-checkout';
  const { files, references } = parseFixture(fixture, key);
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const plan = planFlagRemoval({
    key,
    value: options.value ?? true,
    references,
    readFile: (file) => texts.get(file),
    workspaceFiles: files.map((file) => file.path),
  });
  for (const site of plan.sites) tally[site.status]++;
  const afterTexts = new Map(texts);
  for (const change of plan.changes) afterTexts.set(change.file, change.after);
  assert.equal(renderFixture(files.map((file) => ({ path: file.path, text: afterTexts.get(file.path)! })), files.length > 1), dedent(expected));
  const fs = memoryFileSystem(new Map([...texts].map(([path, text]) => [`${FIXTURE_ROOT}/${path}`, text])));
  const typeCheck = checkChangeTypes(new Map(plan.changes.map((change) => [change.file, change.after])), { root: FIXTURE_ROOT, fs, workspaceFiles: files.map((file) => file.path), timers: systemTimers });
  assert.equal(typeCheck.beforeCount, 0, 'the fixture must type-check before the cleanup');
  assert.deepEqual(typeCheck.introduced, [], 'the cleanup must not introduce type errors');
  return plan;
}

export function renderFixture(files: FixtureFile[], withHeaders: boolean): string {
  if (!withHeaders) return files[0]!.text;
  return files.map((file) => `//- /${file.path}\n${file.text}`).join('');
}

/** Removes the common indentation of a template string and its first and last blank lines. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

/**
 * The fixture files, the app modules and the tsconfig in memory at the fixture root, over the real disk for
 * everything else (the SDK packages and TypeScript's libraries in node_modules).
 */
export function memoryFileSystem(files: Map<string, string>, options: { compilerOptions?: Record<string, unknown> } = {}): FileSystem {
  const all = new Map(files);
  for (const [path, text] of Object.entries(APP_MODULES)) all.set(`${FIXTURE_ROOT}/${path}`, text);
  const tsconfig = JSON.parse(TSCONFIG) as { compilerOptions: Record<string, unknown> };
  all.set(`${FIXTURE_ROOT}/tsconfig.json`, JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, ...options.compilerOptions } }));
  const directories = new Set<string>();
  for (const path of all.keys()) {
    let dir = path.slice(0, path.lastIndexOf('/'));
    while (dir.startsWith(FIXTURE_ROOT)) {
      directories.add(dir);
      dir = dir.slice(0, dir.lastIndexOf('/'));
    }
  }
  const inFixture = (path: string) => path === FIXTURE_ROOT || path.startsWith(`${FIXTURE_ROOT}/`);
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return {
    readFile: (path) => {
      const text = all.get(path);
      if (text !== undefined) return text;
      if (inFixture(path)) throw missing(path);
      return nodeFileSystem.readFile(path);
    },
    readFileBytes: (path) => (all.has(path) ? new TextEncoder().encode(all.get(path)!) : nodeFileSystem.readFileBytes(path)),
    readDirectory: (path) => {
      if (!inFixture(path)) return nodeFileSystem.readDirectory(path);
      const prefix = `${path}/`;
      const names = new Set<string>();
      for (const entry of [...all.keys(), ...directories]) if (entry.startsWith(prefix)) names.add(entry.slice(prefix.length).split('/')[0]!);
      return [...names].map((name) => ({ name, isFile: all.has(prefix + name), isDirectory: directories.has(prefix + name), isSymbolicLink: false }));
    },
    stat: (path) => {
      if (all.has(path)) return { size: all.get(path)!.length, isFile: true, isDirectory: false, mtimeMs: 0 };
      if (directories.has(path)) return { size: 0, isFile: false, isDirectory: true, mtimeMs: 0 };
      if (inFixture(path)) throw missing(path);
      return nodeFileSystem.stat(path);
    },
    realpath: (path) => (inFixture(path) ? path : nodeFileSystem.realpath(path)),
    exists: (path) => all.has(path) || directories.has(path) || (!inFixture(path) && nodeFileSystem.exists(path)),
  };
}
