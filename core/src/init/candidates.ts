// Candidate flag checks in one file, for `flaglens init`: calls, methods, hooks, decorators, property reads
// of flag collections and JSX attributes whose key is a string literal or a constant the scanner's key
// evaluation resolves, each with the shape it would be declared by in flaglens.yaml and what its use says
// (a condition, a test file). Judging them is propose.ts's job; this file only reads syntax.
import { ts } from '../typescript.js';
import type { CustomCheck } from '../config.js';
import { keyWords } from '../rules/keys.js';
import { dottedPath } from '../scanner/scopes.js';
import { propertyNameText, unwrap } from '../scanner/syntax.js';

const { SyntaxKind, forEachChild, isArrowFunction, isBinaryExpression, isCallExpression, isConditionalExpression, isDoStatement, isElementAccessExpression, isFunctionDeclaration, isFunctionExpression, isIdentifier, isIfStatement, isJsxAttribute, isJsxExpression, isJsxOpeningElement, isJsxSelfClosingElement, isMethodDeclaration, isNoSubstitutionTemplateLiteral, isObjectBindingPattern, isObjectLiteralExpression, isParenthesizedExpression, isPrefixUnaryExpression, isPropertyAccessExpression, isPropertyAssignment, isReturnStatement, isShorthandPropertyAssignment, isStringLiteral, isVariableDeclaration, isWhileStatement } = ts;

/** One place that could be a flag check of a team helper. */
export interface CandidateSite {
  /** What groups sites into one proposed check: the check as it would be declared. */
  check: CustomCheck;
  /** The key the site checks. */
  key: string;
  /**
   * The key expression when it is not a plain literal (`FeatureFlagKey.NewCheckout`), or the type a literal is
   * asserted as (`FeatureFlagKey`): its names say where the key belongs.
   */
  keyExpression?: string;
  /** Workspace-relative file, 1-based line and column of the check. */
  file: string;
  line: number;
  column: number;
  /** Offsets of the check and of its key expression (to leave out what the scanner already reports). */
  start: number;
  keyStart: number;
  /** The check's source text on one line, shortened, for examples. */
  excerpt: string;
  /** The value decides something: `if`, `?:`, `&&`, `!`, or a boolean-named variable, property or function. */
  condition: boolean;
  /** The file is a test, story, mock or fixture. */
  inTest: boolean;
  /** For calls: argument indexes that hold a boolean literal (a fallback value, declared as `default`). */
  booleanArguments?: number[];
}

/**
 * Words that name feature flags in identifiers (split at camelCase humps, `_`, `-`, `.`). `toggle` and `gate`
 * are not among them: alone they are mostly UI (`MenuItemToggle`, `toggleSize`) or plain words, and next to a
 * flag word (`featureToggle`, `FeatureGate`) that word already counts.
 */
export const FLAG_WORDS = new Set(['feature', 'features', 'flag', 'flags', 'experiment', 'experiments', 'rollout', 'rollouts', 'ff']);

/** Whether an identifier (or dotted name) has a flag word in it: `useFeature`, `FeatureFlagKey`, `isBetaFlagOn`. */
export function hasFlagWord(name: string): boolean {
  return keyWords(name).some((word) => FLAG_WORDS.has(word));
}

/** Words of an experiment's read (`getVariant('checkout-test')`): a check's name, never a collection's. */
const EXPERIMENT_READ_WORDS = new Set(['variant', 'variation', 'treatment']);

/** `is…Enabled`, `use…Flag`, `…Feature…`, `get…Variant` and the like: a name that reads as a flag check. */
export function readsAsFlagCheck(name: string): boolean {
  const words = keyWords(name);
  if (words.some((word) => FLAG_WORDS.has(word) || EXPERIMENT_READ_WORDS.has(word))) return true;
  return words.length >= 2 && (words[0] === 'is' || words[0] === 'use' || words[0] === 'has') && (words[words.length - 1] === 'enabled' || words[words.length - 1] === 'on');
}

/** A text that could be a flag key: one token of letters, digits and `-_.:`, starting with a letter. */
export function looksLikeKey(text: string): boolean {
  return text.length >= 2 && text.length <= 100 && /^[A-Za-z][A-Za-z0-9]*(?:[-_.:][A-Za-z0-9]+)*$/.test(text);
}

/**
 * Methods of JavaScript's own collections, strings, promises, events, storage and the DOM: `array.includes('x')`,
 * `map.get('x')`, `emitter.on('x')` are never a team's flag helper by themselves. The read-only ones below may
 * be when the receiver is named for flags (`featureFlags.get('x')`), and are then proposed with the receiver.
 */
const COLLECTION_READS = new Set(['get', 'has', 'includes', 'getItem']);
const NEVER_CHECK_METHODS = new Set([
  'indexOf', 'lastIndexOf', 'find', 'findIndex', 'findLast', 'filter', 'map', 'flatMap', 'some', 'every', 'forEach', 'reduce', 'join', 'concat', 'slice',
  'splice', 'push', 'pop', 'shift', 'unshift', 'sort', 'at', 'fill', 'keys', 'values', 'entries', 'set', 'add', 'delete', 'clear', 'startsWith', 'endsWith',
  'split', 'replace', 'replaceAll', 'match', 'matchAll', 'search', 'test', 'exec', 'substring', 'substr', 'trim', 'padStart', 'padEnd', 'charAt', 'localeCompare',
  'toString', 'toLowerCase', 'toUpperCase', 'then', 'catch', 'finally', 'call', 'apply', 'bind', 'setItem', 'removeItem', 'querySelector', 'querySelectorAll',
  'getElementById', 'getElementsByClassName', 'getAttribute', 'setAttribute', 'hasAttribute', 'addEventListener', 'removeEventListener', 'dispatchEvent',
  'emit', 'on', 'off', 'once', 'listen', 'subscribe', 'unsubscribe', 'next', 'log', 'info', 'warn', 'error', 'debug', 'trace', 'assert', 'hasOwnProperty',
  'require', 'resolve', 'reject', 'json', 'stringify', 'parse', 'toBe', 'toEqual', 'toHaveBeenCalledWith', 'getOwnPropertyDescriptor', 'defineProperty',
]);
/** Names whose calls write, define, fake or report a flag rather than read it: `setFlag('x', true)`, `mockFeature('x')`. */
const NOT_A_READ = /^(set|enable|disable|toggle|update|upsert|create|delete|remove|add|save|insert|put|post|patch|mock|fake|stub|spy|override|register|define|declare|emit|track|log|send|dispatch|publish|write|seed|reset|clear|invalidate|refetch|fetch|load|persist|store|cache)([A-Z0-9_]|$)/;
/** Names ending in what a flag is described by (`getFeatureLabel('x')`, `flagDocsUrl('x')`): data about a flag, not its value. */
const DESCRIBES_A_FLAG = new Set(['label', 'labels', 'title', 'description', 'name', 'icon', 'url', 'link', 'route', 'path', 'docs', 'color', 'text', 'message', 'tooltip', 'owner', 'type']);
/** Receivers that are the platform or a test framework, never a team's flag helper. */
const PLATFORM_ROOTS = new Set(['console', 'Math', 'JSON', 'Object', 'Array', 'Promise', 'Reflect', 'Number', 'String', 'Date', 'Symbol', 'process', 'window', 'document', 'localStorage', 'sessionStorage', 'navigator', 'location', 'history', 'expect', 'jest', 'vi', 'cy', 'sinon', 'assert', 'describe', 'it', 'test', 'require', 'module', 'exports', 'Buffer', 'URL', 'path', 'fs', 'os']);
/** Members of plain records and collections: `flag.key`, `features.length` are data, not flags. */
const RECORD_FIELDS = new Set(['length', 'size', 'key', 'value', 'values', 'keys', 'entries', 'name', 'id', 'type', 'data', 'loading', 'error', 'items', 'list', 'all', 'default', 'constructor', 'prototype', '__proto__', 'then', 'map', 'filter', 'find', 'some', 'every', 'forEach', 'includes', 'get', 'has']);
/** A collection of flags by its name: `flags`, `featureFlags`, `featureFlagsMap`, `enabledFeatures`, `toggleState`. */
const FLAG_COLLECTION = /(flags|features|featuretoggles|experiments)(map|record|dict|values|state|config|settings|list|set|by[a-z]+)?$|(flag|feature|featuretoggle)(map|record|dict|values|state|config|settings)$/i;
/** Collection names too plain to declare alone: `appConfig.flags` is declared with its owner. */
const PLAIN_COLLECTION_NAMES = new Set(['flags', 'features', 'experiments']);
/** JSX attributes that are presentation or React's own, never a flag key. */
const PRESENTATION_ATTRIBUTES = /^(key|ref|className|class|style|id|href|to|src|alt|title|label|type|variant|size|color|icon|role|tabIndex|placeholder|testId|data-.*|aria-.*)$/;
/** Variables, properties and functions whose names say they hold a yes/no. */
const BOOLEAN_NAME = /^(is|has|should|can|show|hide|enable|disable|allow|use)[A-Z0-9_]|(Enabled|Disabled|Active|Visible|Hidden|Allowed|On)$|^(enabled|disabled|hidden|visible|active|allowed|show|hide|when|if|condition)$/;
/** Test, story, mock and fixture files. */
const TEST_FILE = /(^|\/)(__tests__|__mocks__|__fixtures__|tests?|specs?|e2e|cypress|playwright|stories|storybook|fixtures?|mocks?|testing)(\/|$)|\.(test|spec|stories|story|mock|mocks|fixture|e2e)\.[cm]?[jt]sx?$/i;

export function isTestFile(relativePath: string): boolean {
  return TEST_FILE.test(relativePath);
}

/** A quick test of a file's text: could it hold a candidate worth evaluating? */
export function mayHoldCandidates(text: string, definedKeys: ReadonlySet<string>): boolean {
  if (/feature|flag|experiment|rollout|\bff/i.test(text)) return true;
  for (const key of definedKeys) if (text.includes(key)) return true;
  return false;
}

export interface CollectOptions {
  /** Workspace-relative path of the file. */
  file: string;
  /** The scanner's key evaluation (constants, enums, imports). */
  evaluateKey: (expression: ts.Expression) => string | undefined;
  /**
   * Evaluate keys of sites that show no flag word at all (needed only when flag definitions can vouch for
   * them: a `can('beta-search')` whose key is a defined flag).
   */
  evaluateUnnamed: boolean;
}

/** Every candidate site in a file, in source order. */
export function collectCandidateSites(sourceFile: ts.SourceFile, options: CollectOptions): CandidateSite[] {
  const sites: CandidateSite[] = [];
  const inTest = isTestFile(options.file);
  const visit = (node: ts.Node): void => {
    if (isCallExpression(node)) callSite(node, sourceFile, options, inTest, sites);
    else if (isPropertyAccessExpression(node) || isElementAccessExpression(node)) propertySite(node, sourceFile, options, inTest, sites);
    else if (isVariableDeclaration(node) && isObjectBindingPattern(node.name) && node.initializer) destructuringSites(node, sourceFile, options, inTest, sites);
    else if (isJsxSelfClosingElement(node) || isJsxOpeningElement(node)) jsxSites(node, sourceFile, options, inTest, sites);
    forEachChild(node, visit);
  };
  visit(sourceFile);
  return sites;
}

function callSite(call: ts.CallExpression, sourceFile: ts.SourceFile, options: CollectOptions, inTest: boolean, out: CandidateSite[]): void {
  if (call.arguments.length === 0) return;
  const path = dottedPath(unwrap(call.expression));
  if (!path) return;
  const segments = path.split('.').filter((segment) => segment !== 'this');
  if (segments.length === 0 || PLATFORM_ROOTS.has(segments[0])) return;
  const method = segments[segments.length - 1];
  const receiver = segments.length > 1 ? segments[segments.length - 2] : undefined;
  if (NEVER_CHECK_METHODS.has(method) || NOT_A_READ.test(method) || describesAFlag(method)) return;
  // A collection read is a flag check only on a receiver named for flags, and is declared with it.
  if (COLLECTION_READS.has(method) && !(receiver && hasFlagWord(receiver))) return;
  const named = readsAsFlagCheck(method) || (receiver !== undefined && hasFlagWord(receiver));
  const found = callKey(call, options, named);
  if (!found) return;
  const call_ = receiver ? `${receiver}.${method}` : method;
  const booleanArguments = call.arguments.flatMap((argument, index) => (isBooleanLiteral(argument) ? [index] : []));
  out.push({
    check: { kind: 'call', call: call_, key: found.path },
    key: found.key,
    keyExpression: found.expression,
    ...position(call, sourceFile, options.file),
    keyStart: found.node.getStart(sourceFile),
    excerpt: excerpt(call, sourceFile),
    condition: usedAsCondition(call),
    inTest,
    booleanArguments,
  });
}

/** Where a call's key is: argument 0–2, or a key-named property of an object-literal argument (`0.featureFlag`). */
function callKey(call: ts.CallExpression, options: CollectOptions, named: boolean): { path: string; key: string; node: ts.Node; expression?: string } | undefined {
  for (let index = 0; index < Math.min(call.arguments.length, 3); index++) {
    const found = keyOf(call.arguments[index], String(index), options, named, 0);
    if (found) return found;
  }
  return undefined;
}

function keyOf(node: ts.Expression, path: string, options: CollectOptions, named: boolean, depth: number): { path: string; key: string; node: ts.Node; expression?: string } | undefined {
  const expression = unwrap(node);
  if (isStringLiteral(expression) || isNoSubstitutionTemplateLiteral(expression)) {
    if (!looksLikeKey(expression.text)) return undefined;
    // `'IS_NEW_EDITOR' as FeatureFlagKey`: the type it is asserted as says where the key belongs.
    const asserted = assertedTypeName(node);
    return { path, key: expression.text, node: expression, expression: asserted };
  }
  if (isObjectLiteralExpression(expression)) {
    if (depth >= 2) return undefined;
    for (const property of expression.properties) {
      const name = propertyNameText(property.name);
      const value = isPropertyAssignment(property) ? property.initializer : isShorthandPropertyAssignment(property) ? property.name : undefined;
      if (!name || !value || !/^[A-Za-z_$][\w$]*$/.test(name)) continue;
      // The key sits under a key-like name (`{ key }`, `{ featureFlag }`), possibly one object down (`{ where: { key } }`).
      const keyNamed = /^(key|flag|feature|name)$|flag|feature|experiment/i.test(name);
      if (!keyNamed && !isObjectLiteralExpression(unwrap(value))) continue;
      const found = keyOf(value, `${path}.${name}`, options, named || hasFlagWord(name), depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isIdentifier(expression) && !isPropertyAccessExpression(expression) && !isElementAccessExpression(expression)) return undefined;
  const text = expression.getText();
  // Resolving a name can parse other modules: only where a flag word (in the callee or the key) or the flag
  // definitions could make the site count.
  if (!named && !hasFlagWord(text) && !options.evaluateUnnamed) return undefined;
  const key = options.evaluateKey(expression);
  return key !== undefined && looksLikeKey(key) ? { path, key, node: expression, expression: text } : undefined;
}

function propertySite(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, sourceFile: ts.SourceFile, options: CollectOptions, inTest: boolean, out: CandidateSite[]): void {
  const parent = node.parent;
  // A called member is a method (`flags.includes(…)`); a written one is a setter; neither reads a flag.
  if (isCallExpression(parent) && parent.expression === node) return;
  if (isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind >= SyntaxKind.FirstAssignment && parent.operatorToken.kind <= SyntaxKind.LastAssignment) return;
  if (parent.kind === SyntaxKind.DeleteExpression) return;
  const basePath = dottedPath(unwrap(node.expression));
  if (!basePath) return;
  const property = collectionProperty(basePath);
  if (!property) return;
  let key: string | undefined;
  let expression: string | undefined;
  let keyNode: ts.Node;
  if (isPropertyAccessExpression(node)) {
    keyNode = node.name;
    key = node.name.text;
    if (RECORD_FIELDS.has(key)) return;
  } else {
    keyNode = node.argumentExpression;
    const argument = unwrap(node.argumentExpression);
    if (isStringLiteral(argument) || isNoSubstitutionTemplateLiteral(argument)) key = argument.text;
    else {
      expression = argument.getText(sourceFile);
      key = options.evaluateKey(argument);
    }
  }
  if (key === undefined || !looksLikeKey(key)) return;
  out.push({
    check: { kind: 'property', property },
    key,
    keyExpression: expression,
    ...position(node, sourceFile, options.file),
    keyStart: keyNode.getStart(sourceFile),
    excerpt: excerpt(node, sourceFile),
    condition: usedAsCondition(node),
    inTest,
  });
}

/** `const { newCheckout, beta } = appConfig.flags`: each name is a read of the collection. */
function destructuringSites(declaration: ts.VariableDeclaration, sourceFile: ts.SourceFile, options: CollectOptions, inTest: boolean, out: CandidateSite[]): void {
  const basePath = dottedPath(unwrap(declaration.initializer!));
  const property = basePath && collectionProperty(basePath);
  if (!property) return;
  for (const element of (declaration.name as ts.ObjectBindingPattern).elements) {
    if (element.dotDotDotToken) continue;
    const nameNode = element.propertyName ?? element.name;
    const key = isIdentifier(nameNode) || isStringLiteral(nameNode) ? nameNode.text : undefined;
    if (key === undefined || RECORD_FIELDS.has(key) || !looksLikeKey(key)) continue;
    out.push({
      check: { kind: 'property', property },
      key,
      ...position(element, sourceFile, options.file),
      keyStart: nameNode.getStart(sourceFile),
      excerpt: excerpt(declaration, sourceFile),
      condition: false,
      inTest,
    });
  }
}

/** The `property:` a read of `basePath` is declared by, when the base is named as a collection of flags. */
function collectionProperty(basePath: string): string | undefined {
  const segments = basePath.split('.').filter((segment) => segment !== 'this');
  const last = segments[segments.length - 1];
  if (!last || !FLAG_COLLECTION.test(last) || PLATFORM_ROOTS.has(segments[0])) return undefined;
  // A capitalised name is a type, enum or namespace (`ts.NodeFlags.Const`, `FeatureFlags.Beta`): its members
  // are constants, keys at most, not flag values read at run time.
  if (/^[A-Z]/.test(last)) return undefined;
  if (PLAIN_COLLECTION_NAMES.has(last.toLowerCase()) && segments.length > 1) return `${segments[segments.length - 2]}.${last}`;
  return last;
}

function jsxSites(element: ts.JsxSelfClosingElement | ts.JsxOpeningElement, sourceFile: ts.SourceFile, options: CollectOptions, inTest: boolean, out: CandidateSite[]): void {
  const tagText = element.tagName.getText(sourceFile);
  const tag = tagText.split('.').pop()!;
  if (!/^[A-Z]/.test(tag)) return;
  const tagNamed = hasFlagWord(tag);
  for (const attribute of element.attributes.properties) {
    if (!isJsxAttribute(attribute) || !attribute.initializer) continue;
    const name = attribute.name.getText(sourceFile);
    if (PRESENTATION_ATTRIBUTES.test(name)) continue;
    const attributeNamed = hasFlagWord(name);
    if (!tagNamed && !attributeNamed) continue;
    const initializer = attribute.initializer;
    const value = isJsxExpression(initializer) ? initializer.expression : initializer;
    if (!value) continue;
    const found = keyOf(value as ts.Expression, '0', options, true, 2);
    if (!found) continue;
    out.push({
      check: { kind: 'jsx', jsx: tag, attribute: name },
      key: found.key,
      keyExpression: found.expression,
      ...position(element, sourceFile, options.file),
      keyStart: found.node.getStart(sourceFile),
      excerpt: excerpt(element, sourceFile),
      // A gating component decides what renders: that is its use.
      condition: tagNamed,
      inTest,
    });
    return;
  }
}

/**
 * Whether the value at `node` decides something: a condition of `if`/`while`/`?:`, an operand of `&&`/`||`, negated,
 * compared with a boolean, or stored in (returned from) something named like a yes/no (`isBetaOn`, `enabled:`).
 */
export function usedAsCondition(node: ts.Node): boolean {
  let current: ts.Node = node;
  let parent = node.parent;
  while (parent && (isParenthesizedExpression(parent) || parent.kind === SyntaxKind.AwaitExpression || parent.kind === SyntaxKind.NonNullExpression || parent.kind === SyntaxKind.AsExpression)) {
    current = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  if (isPrefixUnaryExpression(parent) && parent.operator === SyntaxKind.ExclamationToken) return true;
  if ((isIfStatement(parent) || isWhileStatement(parent) || isDoStatement(parent)) && parent.expression === current) return true;
  if (isConditionalExpression(parent)) return parent.condition === current;
  if (isBinaryExpression(parent)) {
    const operator = parent.operatorToken.kind;
    if (operator === SyntaxKind.AmpersandAmpersandToken || operator === SyntaxKind.BarBarToken) return true;
    const other = parent.left === current ? parent.right : parent.left;
    return (operator === SyntaxKind.EqualsEqualsEqualsToken || operator === SyntaxKind.ExclamationEqualsEqualsToken) && (other.kind === SyntaxKind.TrueKeyword || other.kind === SyntaxKind.FalseKeyword);
  }
  if (isVariableDeclaration(parent) && isIdentifier(parent.name)) return BOOLEAN_NAME.test(parent.name.text);
  if (isPropertyAssignment(parent)) {
    const name = propertyNameText(parent.name);
    return name !== undefined && BOOLEAN_NAME.test(name);
  }
  if (isJsxExpression(parent) && parent.parent && isJsxAttribute(parent.parent)) return BOOLEAN_NAME.test(parent.parent.name.getText());
  if (isReturnStatement(parent) || (isArrowFunction(parent) && parent.body === current)) {
    const name = enclosingFunctionName(parent);
    return name !== undefined && BOOLEAN_NAME.test(name);
  }
  return false;
}

function enclosingFunctionName(node: ts.Node): string | undefined {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (isFunctionDeclaration(current) || isMethodDeclaration(current)) return current.name && isIdentifier(current.name) ? current.name.text : undefined;
    if (isArrowFunction(current) || isFunctionExpression(current)) {
      const holder = current.parent;
      if (holder && isVariableDeclaration(holder) && isIdentifier(holder.name)) return holder.name.text;
      if (holder && isPropertyAssignment(holder)) return propertyNameText(holder.name);
      return undefined;
    }
  }
  return undefined;
}

/** The type a key literal is asserted or checked as (`'x' as FeatureFlagKey`), as written. */
function assertedTypeName(node: ts.Expression): string | undefined {
  for (let current: ts.Node = node; ; ) {
    if (isParenthesizedExpression(current)) current = current.expression;
    else if ((ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) && !ts.isConstTypeReference(current.type)) return current.type.getText();
    else if (ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) current = current.expression;
    else return undefined;
  }
}

function describesAFlag(name: string): boolean {
  const words = keyWords(name);
  return DESCRIBES_A_FLAG.has(words[words.length - 1] ?? '');
}

function isBooleanLiteral(node: ts.Expression): boolean {
  const expression = unwrap(node);
  return expression.kind === SyntaxKind.TrueKeyword || expression.kind === SyntaxKind.FalseKeyword;
}

function position(node: ts.Node, sourceFile: ts.SourceFile, file: string): { file: string; line: number; column: number; start: number } {
  const start = node.getStart(sourceFile);
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
  return { file, line: line + 1, column: character + 1, start };
}

/** The node's text on one line (whitespace runs collapsed), at most 90 characters. */
function excerpt(node: ts.Node, sourceFile: ts.SourceFile): string {
  const text = node.getText(sourceFile).replace(/\s+/g, ' ').trim();
  return text.length > 90 ? `${text.slice(0, 87)}…` : text;
}
