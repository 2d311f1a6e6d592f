// Per-file analysis: finds the flag checks in one parsed file by walking its syntax tree, binding
// callees to SDK imports (through clients, class fields, typed parameters and other modules), to the
// team's configured checks and to discovered wrappers, and resolving key expressions to strings.
// Everything another module contributes is fetched through `ModuleStore`, which records the dependency.
import { ts } from 'ts-morph';
import type { CustomCheck } from '../config.js';
import type { FlagReference, SdkId } from '../model.js';
import { presetForPackage, SDK_PRESETS, type CheckSpec, type SdkPreset } from './presets.js';

/** One parsed file plus lazily built indexes that depend only on its text. */
export interface ParsedModule {
  path: string;
  relative: string;
  text: string;
  sourceFile: ts.SourceFile;
  /** Lazily built: names declared directly in a block-like node. */
  scopeIndex: WeakMap<ts.Node, Map<string, ts.Node>>;
  exportTable?: ExportTable;
}

/** Gives the analyser other modules (parsed lazily) and resolves specifiers. */
export interface ModuleStore {
  module(path: string): ParsedModule | undefined;
  resolve(fromFile: string, specifier: string): string | undefined;
}

export interface AnalysisOptions {
  customChecks: CustomCheck[];
  shared?: SharedAnalysisCache;
}

/** The result of analysing one file. */
export interface FileAnalysis {
  references: FlagReference[];
  /** Absolute paths of the other modules consulted (the file's dependencies for incremental updates). */
  dependencies: Set<string>;
  /**
   * Names this file exports that make another file's calls into checks: wrappers, SDK clients, flags
   * objects, classes/objects with wrapper members and their instances. The text prefilter parses any
   * file mentioning one of them.
   */
  triggerNames: string[];
}

/**
 * Results shared between the analyses of different files (wrapper detection is the costly part), each
 * with the modules it consulted so a file reusing it still records its dependencies. The host clears
 * it whenever any file changes.
 */
export interface SharedAnalysisCache {
  /** Weak: it must not keep the syntax trees of files the host has let go. */
  wrappers: WeakMap<ts.Node, { info: WrapperInfo | null; dependencies: string[] }>;
  /** `path\0name` → what a module's export resolves to (through re-exports and barrels). */
  exports: Map<string, { resolved: Resolved; dependencies: string[] }>;
}

export function createSharedAnalysisCache(): SharedAnalysisCache {
  return { wrappers: new WeakMap(), exports: new Map() };
}

export function parseModule(path: string, relative: string, text: string): ParsedModule {
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKindFor(path));
  return { path, relative, text, sourceFile, scopeIndex: new WeakMap() };
}

/**
 * Re-parses an edited file reusing the unchanged parts of its previous tree (TypeScript's incremental
 * parser); the previous module must not be used afterwards.
 */
export function reparseModule(previous: ParsedModule, text: string): ParsedModule {
  const old = previous.text;
  let prefix = 0;
  const limit = Math.min(old.length, text.length);
  while (prefix < limit && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const change = ts.createTextChangeRange(ts.createTextSpan(prefix, old.length - suffix - prefix), text.length - suffix - prefix);
  const sourceFile = ts.updateSourceFile(previous.sourceFile, text, change);
  return { path: previous.path, relative: previous.relative, text, sourceFile, scopeIndex: new WeakMap() };
}

export function scriptKindFor(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[mc]?js$/.test(path)) return ts.ScriptKind.JSX; // JSX is legal in many .js codebases (CRA); the JSX parser accepts plain JS.
  return ts.ScriptKind.TS;
}

/** Analyses one module. */
export function analyzeModule(module: ParsedModule, store: ModuleStore, options: AnalysisOptions): FileAnalysis {
  const analyser = new Analyser(store, options, module);
  return analyser.run();
}

// ---------------------------------------------------------------------------------------------
// Module exports

type ExportEntry =
  | { kind: 'local'; name: string }
  | { kind: 'node'; node: ts.Node }
  | { kind: 'reexport'; specifier: string; name: string }
  | { kind: 'namespace-reexport'; specifier: string };

interface ExportTable {
  named: Map<string, ExportEntry>;
  star: string[];
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

export function exportTable(module: ParsedModule): ExportTable {
  if (module.exportTable) return module.exportTable;
  const named = new Map<string, ExportEntry>();
  const star: string[] = [];
  for (const statement of module.sourceFile.statements) {
    const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
    if (ts.isVariableStatement(statement) && exported) {
      for (const declaration of statement.declarationList.declarations) {
        for (const name of bindingNames(declaration.name)) named.set(name.text, { kind: 'node', node: name.parent });
      }
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && exported) {
      if (isDefault) named.set('default', { kind: 'node', node: statement });
      if (statement.name && !isDefault) named.set(statement.name.text, { kind: 'node', node: statement });
    } else if ((ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && exported && ts.isIdentifier(statement.name)) {
      named.set(statement.name.text, { kind: 'node', node: statement });
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      named.set('default', ts.isIdentifier(statement.expression) ? { kind: 'local', name: statement.expression.text } : { kind: 'node', node: statement });
    } else if (ts.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      if (!statement.exportClause) {
        if (specifier) star.push(specifier);
      } else if (ts.isNamespaceExport(statement.exportClause)) {
        if (specifier) named.set(statement.exportClause.name.text, { kind: 'namespace-reexport', specifier });
      } else {
        for (const element of statement.exportClause.elements) {
          const local = (element.propertyName ?? element.name).text;
          named.set(element.name.text, specifier ? { kind: 'reexport', specifier, name: local } : { kind: 'local', name: local });
        }
      }
    }
  }
  module.exportTable = { named, star };
  return module.exportTable;
}

function bindingNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  const out: ts.Identifier[] = [];
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) out.push(...bindingNames(element.name));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scopes: which declaration a name refers to at a place in a file.

function isFunctionLike(node: ts.Node): node is ts.SignatureDeclaration & { body?: ts.Node } {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

function declaredNamesOf(container: ts.Node, module: ParsedModule): Map<string, ts.Node> {
  let names = module.scopeIndex.get(container);
  if (names) return names;
  names = new Map();
  const add = (name: ts.BindingName) => {
    for (const id of bindingNames(name)) if (!names!.has(id.text)) names!.set(id.text, id.parent);
  };
  const statements: readonly ts.Statement[] =
    ts.isSourceFile(container) || ts.isBlock(container) || ts.isModuleBlock(container) || ts.isCaseClause(container) || ts.isDefaultClause(container)
      ? container.statements
      : [];
  for (const statement of statements) {
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) add(d.name);
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.set(statement.name.text, statement);
    else if ((ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && ts.isIdentifier(statement.name)) names.set(statement.name.text, statement);
    else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.set(clause.name.text, clause);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.set(bindings.name.text, bindings);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.set(element.name.text, element);
    } else if (ts.isImportEqualsDeclaration(statement)) names.set(statement.name.text, statement);
  }
  module.scopeIndex.set(container, names);
  return names;
}

/** The declaration (VariableDeclaration, BindingElement, Parameter, Function, Class, Enum, import binding…) a name refers to. */
function lookupName(name: string, from: ts.Node, module: ParsedModule): ts.Node | undefined {
  let previous: ts.Node = from;
  for (let node: ts.Node | undefined = from.parent; node; previous = node, node = node.parent) {
    if (isFunctionLike(node)) {
      for (const parameter of node.parameters) {
        for (const id of bindingNames(parameter.name)) if (id.text === name) return id.parent;
      }
      if (ts.isFunctionExpression(node) && node.name?.text === name) return node;
    } else if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
      const found = declaredNamesOf(node, module).get(name);
      if (found) return found;
    } else if ((ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
      for (const d of node.initializer.declarations) for (const id of bindingNames(d.name)) if (id.text === name) return id.parent;
    } else if (ts.isCatchClause(node) && node.variableDeclaration && previous === node.block) {
      for (const id of bindingNames(node.variableDeclaration.name)) if (id.text === name) return id.parent;
    } else if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name?.text === name) {
      return node;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The analyser

export type Resolved =
  | { kind: 'declaration'; module: ParsedModule; node: ts.Node }
  | { kind: 'sdk'; preset: SdkPreset; packageName: string; importedName: string }
  | { kind: 'namespace'; module: ParsedModule }
  | { kind: 'unresolved'; reason: string }
  | { kind: 'global' };

type Origin =
  | { kind: 'sdk'; preset: SdkPreset; packageName: string }
  | { kind: 'flags'; preset: SdkPreset; packageName: string; hook: string }
  | { kind: 'instance'; module: ParsedModule; classNode: ts.ClassLikeDeclaration }
  | { kind: 'none' };

type Value =
  | { kind: 'primitive'; value: string | number | boolean | null }
  | { kind: 'object'; node: ts.ObjectLiteralExpression; module: ParsedModule }
  | { kind: 'enum'; node: ts.EnumDeclaration; module: ParsedModule }
  | { kind: 'namespace'; module: ParsedModule };

type Evaluation = { value: Value } | { reason: string; parameter?: ts.ParameterDeclaration };

export interface WrapperInfo {
  keyParameter: number;
  /** Set when the key is a property of that (object) parameter: `({ flag }) => …`, `(props) => useFlag(props.flag)`. */
  keyProperty?: string;
  defaultParameter?: number;
  /** Wrapper names below this one, outermost first (for `via`). */
  innerVia: string[];
}

/** A check found in the tree before its key is resolved. */
interface RawCheck {
  sdk: SdkId;
  call: string;
  checkNode: ts.Node;
  keyNode: ts.Node;
  /** When the key is the property name itself (`flags.newCheckout`), its text. */
  literalKey?: string;
  keyStyle?: 'camelCase';
  defaultNode?: ts.Node;
  via?: string[];
}

const NONE: Origin = { kind: 'none' };
const MAX_DEPTH = 40;

class Analyser {
  private readonly originMemo = new Map<ts.Node, Origin>();
  private readonly wrapperMemo = new Map<ts.Node, WrapperInfo | null>();
  private readonly wrappersInProgress = new Set<ts.Node>();
  private dependencies = new Set<string>();
  private depth = 0;
  /** Counts wrapper-recursion guard hits: a result computed while one happened may be incomplete. */
  private guardHits = 0;
  /** Set when a check in this file is keyed by a function parameter (the file may define wrappers). */
  private sawParameterKey = false;
  private readonly shared: SharedAnalysisCache;
  /** Flags objects come only from hooks like `useFlags`; a file that never names one has none. */
  private readonly mayHaveFlagsObjects: boolean;
  private readonly memberOriginMemo = new Map<ts.ClassLikeDeclaration, Map<string, Origin>>();
  private readonly customCalls: Array<{ check: Extract<CustomCheck, { kind: 'call' }>; segments: string[] }>;
  private readonly customProperties: Array<{ check: Extract<CustomCheck, { kind: 'property' }>; path: string }>;
  private readonly customJsx: Array<Extract<CustomCheck, { kind: 'jsx' }>>;

  constructor(
    private readonly store: ModuleStore,
    options: AnalysisOptions,
    private readonly module: ParsedModule,
  ) {
    this.customCalls = options.customChecks.flatMap((c) => (c.kind === 'call' ? [{ check: c, segments: c.call.split('.') }] : []));
    this.customProperties = options.customChecks.flatMap((c) => (c.kind === 'property' ? [{ check: c, path: c.property }] : []));
    this.customJsx = options.customChecks.flatMap((c) => (c.kind === 'jsx' ? [c] : []));
    this.shared = options.shared ?? createSharedAnalysisCache();
    this.mayHaveFlagsObjects = FLAG_OBJECT_HOOK_NAMES.some((hook) => module.text.includes(hook));
  }

  run(): FileAnalysis {
    const module = this.module;
    const references: FlagReference[] = [];
    const raw: RawCheck[] = [];
    this.collectChecks(module.sourceFile, module, raw);
    for (const check of raw) {
      const reference = this.toReference(check, module);
      if (reference) references.push(reference);
    }
    // Only a check keyed by a parameter makes a wrapper, and only an SDK import makes a client or factory;
    // other files get the cheap pass (re-exports and instances of classes from elsewhere).
    const importsSdk = module.sourceFile.statements.some((statement) => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && presetForPackage(statement.moduleSpecifier.text));
    const triggerNames = this.triggerExports(module, { deep: this.sawParameterKey || importsSdk || this.requiresSdk(module) });
    this.dependencies.delete(module.path);
    return { references, dependencies: this.dependencies, triggerNames };
  }

  private requiresSdk(module: ParsedModule): boolean {
    if (!module.text.includes('require(')) return false;
    for (const match of module.text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) if (presetForPackage(match[1])) return true;
    return false;
  }

  /** Exported names through which other files can reach a check (see FileAnalysis.triggerNames). */
  private triggerExports(module: ParsedModule, options: { deep: boolean }): string[] {
    const names: string[] = [];
    for (const [name, entry] of exportTable(module).named) {
      // Shallow: only re-exports of other modules' names and instances (`export const flags = new FlagService()`).
      if (!options.deep && entry.kind === 'node' && !(ts.isVariableDeclaration(entry.node) && entry.node.initializer && ts.isNewExpression(unwrap(entry.node.initializer)))) continue;
      const resolved = this.resolveExport(module, name, 0);
      if (!this.isTriggerResolved(resolved)) continue;
      if (name !== 'default') names.push(name);
      else {
        // A default export is imported under a name of the importer's choosing; the import specifier
        // names the module, though (`import useFeat from './useFeature'`), and often its own name is used.
        const own = resolved.kind === 'declaration' ? (resolved.node as ts.Node & { name?: ts.Node }).name : undefined;
        if (own && ts.isIdentifier(own)) names.push(own.text);
        const stem = module.path.replace(/\.[^./]+$/, '').split('/');
        names.push(stem[stem.length - 1] === 'index' ? stem[stem.length - 2] : stem[stem.length - 1]);
      }
    }
    return names;
  }

  private isTriggerResolved(resolved: Resolved): boolean {
    if (resolved.kind === 'sdk') return true;
    if (resolved.kind !== 'declaration') return false;
    const node = resolved.node;
    const fn = functionOfDeclaration(node);
    if (fn) return this.wrapperInfo(fn, resolved.module) !== undefined || this.returnedOrigin(fn, resolved.module).kind !== 'none';
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) return this.classHasWrapper(node, resolved.module);
    if (ts.isVariableDeclaration(node)) {
      const origin = this.originOfDeclaration(node, resolved.module);
      if (origin.kind === 'sdk' || origin.kind === 'flags') return true;
      if (origin.kind === 'instance') return this.classHasWrapper(origin.classNode, origin.module);
      const init = node.initializer ? unwrap(node.initializer) : undefined;
      if (init && ts.isObjectLiteralExpression(init)) {
        for (const property of init.properties) {
          const name = propertyNameText(property.name);
          const member = name !== undefined ? objectMemberFunction(init, name) : undefined;
          if (member && this.wrapperInfo(member, resolved.module)) return true;
        }
      }
      if (ts.isIdentifier(node.name)) {
        for (const member of assignedMemberFunctions(resolved.module, node.name.text)) if (this.wrapperInfo(member, resolved.module)) return true;
      }
    }
    return false;
  }

  private classHasWrapper(classNode: ts.ClassLikeDeclaration, module: ParsedModule): boolean {
    for (const member of classNode.members) {
      const name = propertyNameText(member.name);
      const fn = name !== undefined ? memberFunction(classNode, name) : undefined;
      if (fn && this.wrapperInfo(fn, module)) return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Finding checks

  /** Finds every check in `root` (a file or a function body). */
  private collectChecks(root: ts.Node, module: ParsedModule, out: RawCheck[]): void {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) this.checkCall(node, module, out);
      else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) this.checkPropertyAccess(node, module, out);
      else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) this.checkDestructuring(node, node.initializer, module, out);
      else if (ts.isJsxSelfClosingElement(node) || ts.isJsxOpeningElement(node)) this.checkJsx(node, module, out);
      ts.forEachChild(node, visit);
    };
    visit(root);
  }

  private checkCall(call: ts.CallExpression, module: ParsedModule, out: RawCheck[]): void {
    const callee = unwrap(call.expression);
    const path = dottedPath(callee);
    // The team's own checks match by name, wherever the receiver comes from.
    if (path) {
      for (const { check, segments } of this.customCalls) {
        if (!endsWithSegments(path, segments)) continue;
        const keyNode = argumentAtPath(call, check.key);
        if (!keyNode) continue;
        out.push({ sdk: 'custom', call: check.call, checkNode: call, keyNode, defaultNode: check.defaultArgument !== undefined ? call.arguments[check.defaultArgument] : undefined });
        return;
      }
    }
    const sdkMatch = this.sdkCheckForCallee(callee, module);
    if (sdkMatch) {
      const count = call.arguments.length;
      const keyNode = call.arguments[sdkMatch.spec.keyArgument(count, sdkMatch.packageName)];
      if (!keyNode) return;
      const defaultIndex = sdkMatch.spec.defaultArgument?.(count, sdkMatch.packageName);
      out.push({
        sdk: sdkMatch.preset.sdk,
        call: sdkMatch.name,
        checkNode: call,
        keyNode,
        defaultNode: defaultIndex !== undefined ? call.arguments[defaultIndex] : undefined,
      });
      return;
    }
    const wrapper = call.arguments.length ? this.wrapperForCallee(callee, module) : undefined;
    if (wrapper) {
      const keyNode = wrapper.info.keyProperty !== undefined
        ? argumentAtPath(call, `${wrapper.info.keyParameter}.${wrapper.info.keyProperty}`)
        : call.arguments[wrapper.info.keyParameter];
      if (!keyNode) return;
      out.push({
        sdk: 'wrapper',
        call: wrapper.name,
        checkNode: call,
        keyNode,
        defaultNode: wrapper.info.defaultParameter !== undefined ? call.arguments[wrapper.info.defaultParameter] : undefined,
        via: [wrapper.name, ...wrapper.info.innerVia],
      });
    }
  }

  private sdkCheckForCallee(callee: ts.Expression, module: ParsedModule): { preset: SdkPreset; packageName: string; spec: CheckSpec; name: string } | undefined {
    if (ts.isIdentifier(callee)) {
      // Only an imported name (possibly renamed) or a check name destructured from a client can match.
      if (!SDK_CHECK_NAMES.has(callee.text) && !isImportBinding(declaredNamesOf(module.sourceFile, module).get(callee.text))) return undefined;
      const resolved = this.resolveName(callee.text, callee, module);
      if (resolved.kind === 'sdk') {
        const spec = resolved.preset.checks[resolved.importedName];
        if (spec) return { preset: resolved.preset, packageName: resolved.packageName, spec, name: callee.text };
      } else if (resolved.kind === 'declaration' && ts.isBindingElement(resolved.node)) {
        // const { isEnabled } = unleash; isEnabled('x')
        const origin = this.originOfBindingRoot(resolved.node, resolved.module);
        const propertyName = bindingPropertyName(resolved.node);
        if (origin.kind === 'sdk' && propertyName) {
          const spec = origin.preset.checks[propertyName];
          if (spec) return { preset: origin.preset, packageName: origin.packageName, spec, name: propertyName };
        }
      }
      return undefined;
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const name = callee.name.text;
      if (!SDK_CHECK_NAMES.has(name)) return undefined;
      const origin = this.origin(callee.expression, module);
      if (origin.kind === 'sdk') {
        const spec = origin.preset.checks[name];
        if (spec) return { preset: origin.preset, packageName: origin.packageName, spec, name };
      }
    }
    return undefined;
  }

  private checkPropertyAccess(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, module: ParsedModule, out: RawCheck[]): void {
    const keyNode = ts.isPropertyAccessExpression(node) ? node.name : node.argumentExpression;
    // LaunchDarkly's useFlags(): flags.newCheckout / useFlags()['newCheckout'].
    const base = node.expression;
    if (this.customProperties.length) {
      const basePath = dottedPath(unwrap(base), { followDestructuring: module });
      if (basePath) {
        for (const { check, path } of this.customProperties) {
          if (!endsWithSegments(basePath, path.split('.'))) continue;
          out.push({
            sdk: 'custom',
            call: check.property,
            checkNode: node,
            keyNode,
            literalKey: ts.isPropertyAccessExpression(node) ? node.name.text : undefined,
          });
          return;
        }
      }
    }
    if (!this.mayHaveFlagsObjects || !couldBeFlagsObject(base)) return;
    // `flags.hasOwnProperty(…)`: a called member is a method of the object, not a flag.
    if (node.parent && ts.isCallExpression(node.parent) && node.parent.expression === node) return;
    const origin = this.origin(base, module);
    if (origin.kind !== 'flags') return;
    if (ts.isPropertyAccessExpression(node)) {
      out.push({ sdk: origin.preset.sdk, call: origin.hook, checkNode: node, keyNode, literalKey: node.name.text, keyStyle: 'camelCase' });
    } else {
      out.push({ sdk: origin.preset.sdk, call: origin.hook, checkNode: node, keyNode, keyStyle: 'camelCase' });
    }
  }

  private checkDestructuring(declaration: ts.VariableDeclaration, initializer: ts.Expression, module: ParsedModule, out: RawCheck[]): void {
    const pattern = declaration.name as ts.ObjectBindingPattern;
    let sdk: SdkId | undefined;
    let call = '';
    let keyStyle: 'camelCase' | undefined;
    const origin = this.mayHaveFlagsObjects && couldBeFlagsObject(initializer) ? this.origin(initializer, module) : NONE;
    if (origin.kind === 'flags') {
      sdk = origin.preset.sdk;
      call = origin.hook;
      keyStyle = 'camelCase';
    } else if (this.customProperties.length) {
      const path = dottedPath(unwrap(initializer), { followDestructuring: module });
      const match = path && this.customProperties.find((p) => endsWithSegments(path, p.path.split('.')));
      if (match) {
        sdk = 'custom';
        call = match.check.property;
      }
    }
    if (!sdk) return;
    for (const element of pattern.elements) {
      if (element.dotDotDotToken) continue;
      const nameNode = element.propertyName ?? element.name;
      const literalKey = ts.isIdentifier(nameNode) || ts.isStringLiteral(nameNode) ? nameNode.text : undefined;
      out.push({ sdk, call, checkNode: element, keyNode: nameNode, literalKey, keyStyle });
    }
  }

  private checkJsx(element: ts.JsxSelfClosingElement | ts.JsxOpeningElement, module: ParsedModule, out: RawCheck[]): void {
    const tag = element.tagName;
    const tagText = tag.getText(module.sourceFile);
    const checkNode = ts.isJsxOpeningElement(element) ? element.parent : element;
    const attributeValue = (name: string): ts.Node | undefined => {
      for (const property of element.attributes.properties) {
        if (ts.isJsxAttribute(property) && property.name.getText(module.sourceFile) === name && property.initializer) {
          const init = property.initializer;
          return ts.isJsxExpression(init) ? init.expression : init;
        }
      }
      return undefined;
    };
    for (const check of this.customJsx) {
      if (tagText === check.jsx || tagText.endsWith(`.${check.jsx}`)) {
        const keyNode = attributeValue(check.attribute);
        if (keyNode) out.push({ sdk: 'custom', call: check.jsx, checkNode, keyNode });
        return;
      }
    }
    if (!ts.isIdentifier(tag)) return;
    const resolved = this.resolveName(tag.text, tag, module);
    if (resolved.kind === 'declaration' && /^[A-Z]/.test(tag.text)) {
      // A component of the codebase that passes one of its props as a key: <FeatureGate flag="x">.
      const fn = functionOfDeclaration(resolved.node);
      const info = fn && this.wrapperInfo(fn, resolved.module);
      if (info && info.keyParameter === 0 && info.keyProperty !== undefined) {
        const keyNode = attributeValue(info.keyProperty);
        if (keyNode) out.push({ sdk: 'wrapper', call: tag.text, checkNode, keyNode, via: [tag.text, ...info.innerVia] });
      }
      return;
    }
    if (resolved.kind !== 'sdk') return;
    const spec = resolved.preset.jsx[resolved.importedName];
    if (!spec) return;
    const keyNode = attributeValue(spec.attribute);
    if (!keyNode) return;
    out.push({ sdk: resolved.preset.sdk, call: tag.text, checkNode, keyNode, defaultNode: spec.defaultAttribute ? attributeValue(spec.defaultAttribute) : undefined });
  }

  // -------------------------------------------------------------------------------------------
  // References

  private toReference(check: RawCheck, module: ParsedModule): FlagReference | undefined {
    const sf = module.sourceFile;
    const keyStart = check.keyNode.getStart(sf);
    const keyEnd = check.keyNode.getEnd();
    let key: string | null = null;
    let unresolvedReason: string | undefined;
    if (check.literalKey !== undefined) {
      key = check.literalKey;
    } else {
      const evaluation = this.evaluate(check.keyNode as ts.Expression, module);
      if ('value' in evaluation) {
        if (evaluation.value.kind === 'primitive' && (typeof evaluation.value.value === 'string' || typeof evaluation.value.value === 'number')) {
          key = String(evaluation.value.value);
        } else {
          unresolvedReason = 'not a string';
        }
      } else {
        if (evaluation.parameter) this.sawParameterKey = true;
        // A wrapper's own inner check (key = its parameter) is reported at the wrapper's call sites instead.
        if (evaluation.parameter && this.isNamedWrapperParameter(evaluation.parameter, module)) return undefined;
        unresolvedReason = evaluation.reason;
      }
    }
    const start = sf.getLineAndCharacterOfPosition(keyStart);
    const end = sf.getLineAndCharacterOfPosition(keyEnd);
    const reference: FlagReference = {
      key,
      file: module.relative,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      start: keyStart,
      end: keyEnd,
      checkStart: check.checkNode.getStart(sf),
      checkEnd: check.checkNode.getEnd(),
      sdk: check.sdk,
      call: check.call,
      keyExpression: module.text.slice(keyStart, keyEnd),
      resolved: key !== null,
    };
    if (unresolvedReason) reference.unresolvedReason = unresolvedReason;
    if (check.defaultNode) {
      const literal = literalJson(check.defaultNode);
      if (literal.ok) reference.default = literal.value;
      else reference.defaultExpression = check.defaultNode.getText(sf);
    }
    if (check.keyStyle) reference.keyStyle = check.keyStyle;
    if (check.via) reference.via = check.via;
    return reference;
  }

  private isNamedWrapperParameter(parameter: ts.ParameterDeclaration, module: ParsedModule): boolean {
    const fn = parameter.parent;
    return isFunctionLike(fn) && wrapperDisplayName(fn) !== undefined && this.wrapperInfo(fn, module) !== undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Name resolution across modules

  private moduleAt(path: string): ParsedModule | undefined {
    this.dependencies.add(path);
    return this.store.module(path);
  }

  private resolveName(name: string, from: ts.Node, module: ParsedModule): Resolved {
    const declaration = lookupName(name, from, module);
    if (!declaration) return { kind: 'global' };
    return this.resolveDeclaration(declaration, module, 0);
  }

  /** Follows import bindings to the declaration in the module that defines the name. */
  private resolveDeclaration(declaration: ts.Node, module: ParsedModule, hops: number): Resolved {
    if (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration) || ts.isNamespaceImport(declaration)) {
      const importDeclaration = (ts.isImportSpecifier(declaration)
        ? declaration.parent.parent.parent
        : ts.isImportClause(declaration)
          ? declaration.parent
          : declaration.parent.parent) as ts.ImportDeclaration;
      const specifier = ts.isStringLiteral(importDeclaration.moduleSpecifier) ? importDeclaration.moduleSpecifier.text : '';
      const importedName = ts.isImportSpecifier(declaration) ? (declaration.propertyName ?? declaration.name).text : ts.isImportClause(declaration) ? 'default' : '*';
      const preset = presetForPackage(specifier);
      if (preset) return { kind: 'sdk', preset, packageName: specifier, importedName };
      const target = this.store.resolve(module.path, specifier);
      const targetModule = target ? this.moduleAt(target) : undefined;
      if (!targetModule) return { kind: 'unresolved', reason: 'unresolved import' };
      if (importedName === '*') return { kind: 'namespace', module: targetModule };
      return this.resolveExport(targetModule, importedName, hops + 1);
    }
    if (ts.isImportEqualsDeclaration(declaration)) {
      const reference = declaration.moduleReference;
      if (ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression)) {
        const preset = presetForPackage(reference.expression.text);
        if (preset) return { kind: 'sdk', preset, packageName: reference.expression.text, importedName: '*' };
      }
      return { kind: 'unresolved', reason: 'unresolved import' };
    }
    if (ts.isVariableDeclaration(declaration) && declaration.initializer && ts.isCallExpression(declaration.initializer)) {
      // CommonJS: const x = require('sdk') / const { isEnabled } = require('unleash-client')
      const call = declaration.initializer;
      if (ts.isIdentifier(call.expression) && call.expression.text === 'require' && call.arguments[0] && ts.isStringLiteral(call.arguments[0])) {
        const preset = presetForPackage(call.arguments[0].text);
        if (preset) return { kind: 'sdk', preset, packageName: call.arguments[0].text, importedName: '*' };
      }
    }
    if (ts.isBindingElement(declaration)) {
      const root = bindingRoot(declaration);
      const init = root?.initializer;
      if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments[0] && ts.isStringLiteral(init.arguments[0])) {
        const preset = presetForPackage(init.arguments[0].text);
        const propertyName = bindingPropertyName(declaration);
        if (preset && propertyName) return { kind: 'sdk', preset, packageName: init.arguments[0].text, importedName: propertyName };
      }
    }
    return { kind: 'declaration', module, node: declaration };
  }

  private resolveExport(module: ParsedModule, name: string, hops: number, seen?: Set<string>): Resolved {
    const key = `${module.path}\0${name}`;
    if (!seen) {
      // Top-level lookups are shared between files' analyses, with the modules they went through.
      const cached = this.shared.exports.get(key);
      if (cached) {
        for (const dependency of cached.dependencies) this.dependencies.add(dependency);
        return cached.resolved;
      }
      const outerDependencies = this.dependencies;
      this.dependencies = new Set([module.path]);
      let resolved: Resolved;
      try {
        resolved = this.resolveExport(module, name, hops, new Set());
      } finally {
        const inner = this.dependencies;
        this.dependencies = outerDependencies;
        for (const dependency of inner) outerDependencies.add(dependency);
        // Not for the file being analysed: the entry would keep its syntax tree alive, and no other file needs it.
        if (module !== this.module) this.shared.exports.set(key, { resolved: resolved!, dependencies: [...inner] });
      }
      return resolved;
    }
    if (hops > 20 || seen.has(key)) return { kind: 'unresolved', reason: 'unresolved import' };
    seen.add(key);
    const table = exportTable(module);
    const entry = table.named.get(name);
    if (entry) {
      switch (entry.kind) {
        case 'node':
          return { kind: 'declaration', module, node: entry.node };
        case 'local': {
          const declaration = declaredNamesOf(module.sourceFile, module).get(entry.name);
          if (!declaration) return { kind: 'unresolved', reason: 'unresolved import' };
          return this.resolveDeclaration(declaration, module, hops + 1);
        }
        case 'reexport': {
          const preset = presetForPackage(entry.specifier);
          if (preset) return { kind: 'sdk', preset, packageName: entry.specifier, importedName: entry.name };
          const target = this.store.resolve(module.path, entry.specifier);
          const targetModule = target ? this.moduleAt(target) : undefined;
          if (!targetModule) return { kind: 'unresolved', reason: 'unresolved import' };
          return this.resolveExport(targetModule, entry.name, hops + 1, seen);
        }
        case 'namespace-reexport': {
          const target = this.store.resolve(module.path, entry.specifier);
          const targetModule = target ? this.moduleAt(target) : undefined;
          if (!targetModule) return { kind: 'unresolved', reason: 'unresolved import' };
          return { kind: 'namespace', module: targetModule };
        }
      }
    }
    for (const specifier of table.star) {
      const preset = presetForPackage(specifier);
      if (preset) continue;
      const target = this.store.resolve(module.path, specifier);
      const targetModule = target ? this.moduleAt(target) : undefined;
      if (!targetModule) continue;
      const found = this.resolveExport(targetModule, name, hops + 1, seen);
      if (found.kind !== 'unresolved') return found;
    }
    return { kind: 'unresolved', reason: 'unresolved import' };
  }

  /** Resolves `a.b.c` where `a` is a namespace import or re-export: the member's declaration. */
  private resolveQualified(expression: ts.Expression, module: ParsedModule): Resolved {
    expression = unwrap(expression);
    if (ts.isIdentifier(expression)) return this.resolveName(expression.text, expression, module);
    if (ts.isPropertyAccessExpression(expression)) {
      const base = this.resolveQualified(expression.expression, module);
      if (base.kind === 'namespace') return this.resolveExport(base.module, expression.name.text, 0);
      if (base.kind === 'sdk') return { ...base, importedName: base.importedName === '*' ? expression.name.text : base.importedName };
      return { kind: 'unresolved', reason: 'dynamic expression' };
    }
    return { kind: 'unresolved', reason: 'dynamic expression' };
  }

  // -------------------------------------------------------------------------------------------
  // Origins: does an expression hold an SDK client, a flags object, or an instance of a class?

  private origin(expression: ts.Expression, module: ParsedModule): Origin {
    expression = unwrap(expression);
    const memo = this.originMemo.get(expression);
    if (memo) return memo;
    if (this.depth > MAX_DEPTH) return NONE;
    this.originMemo.set(expression, NONE); // Cycle guard: a self-referential value is no client.
    this.depth++;
    let result: Origin;
    try {
      result = this.computeOrigin(expression, module);
    } finally {
      this.depth--;
    }
    this.originMemo.set(expression, result);
    return result;
  }

  private computeOrigin(expression: ts.Expression, module: ParsedModule): Origin {
    if (ts.isIdentifier(expression)) return this.originOfResolved(this.resolveName(expression.text, expression, module));
    if (ts.isPropertyAccessExpression(expression)) {
      if (expression.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const classNode = enclosingClass(expression);
        return classNode ? this.originOfMember(classNode, expression.name.text, module) : NONE;
      }
      const baseResolved = ts.isIdentifier(expression.expression) || ts.isPropertyAccessExpression(expression.expression) ? this.resolveQualified(expression.expression, module) : undefined;
      if (baseResolved?.kind === 'namespace') return this.originOfResolved(this.resolveExport(baseResolved.module, expression.name.text, 0));
      const base = this.origin(expression.expression, module);
      if (base.kind === 'sdk') return base;
      if (base.kind === 'instance') return this.originOfMember(base.classNode, expression.name.text, base.module);
      return NONE;
    }
    if (ts.isCallExpression(expression)) {
      const callee = unwrap(expression.expression);
      const base = this.origin(callee, module);
      if (base.kind === 'sdk') {
        const name = ts.isIdentifier(callee) ? this.importedNameOf(callee, module) : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        if (name && base.preset.flagObjectHooks.includes(name)) return { kind: 'flags', preset: base.preset, packageName: base.packageName, hook: name };
        // A check's result is a flag value, not a client.
        if (name && base.preset.checks[name]) return NONE;
        return base;
      }
      // A factory of the codebase: `export function getFlags() { return OpenFeature.getClient() }`.
      if (ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee)) {
        const target = this.functionForCallee(callee, module);
        if (target) return this.returnedOrigin(target.fn, target.module);
      }
      return NONE;
    }
    if (ts.isNewExpression(expression)) {
      const base = this.origin(expression.expression, module);
      if (base.kind === 'sdk') return base;
      const resolved = ts.isIdentifier(expression.expression) || ts.isPropertyAccessExpression(expression.expression) ? this.resolveQualified(expression.expression, module) : undefined;
      if (resolved?.kind === 'declaration' && (ts.isClassDeclaration(resolved.node) || ts.isClassExpression(resolved.node))) {
        return { kind: 'instance', module: resolved.module, classNode: resolved.node };
      }
      return NONE;
    }
    if (ts.isBinaryExpression(expression) && (expression.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || expression.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      const left = this.origin(expression.left, module);
      return left.kind !== 'none' ? left : this.origin(expression.right, module);
    }
    if (ts.isConditionalExpression(expression)) {
      const whenTrue = this.origin(expression.whenTrue, module);
      return whenTrue.kind !== 'none' ? whenTrue : this.origin(expression.whenFalse, module);
    }
    return NONE;
  }

  /** What a function returns, when that is an SDK client (or a flags object, or a class instance). */
  private returnedOrigin(fn: ts.SignatureDeclaration, module: ParsedModule): Origin {
    const body = 'body' in fn ? (fn.body as ts.Node | undefined) : undefined;
    if (!body) return NONE;
    if (!ts.isBlock(body)) return this.origin(body as ts.Expression, module);
    let found: Origin = NONE;
    const visit = (node: ts.Node): void => {
      if (found.kind !== 'none' || isFunctionLike(node) || ts.isClassLike(node)) return;
      if (ts.isReturnStatement(node) && node.expression) {
        found = this.origin(node.expression, module);
        return;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    return found;
  }

  private importedNameOf(identifier: ts.Identifier, module: ParsedModule): string {
    const resolved = this.resolveName(identifier.text, identifier, module);
    return resolved.kind === 'sdk' && resolved.importedName !== '*' && resolved.importedName !== 'default' ? resolved.importedName : identifier.text;
  }

  private originOfResolved(resolved: Resolved): Origin {
    switch (resolved.kind) {
      case 'sdk':
        return { kind: 'sdk', preset: resolved.preset, packageName: resolved.packageName };
      case 'declaration':
        return this.originOfDeclaration(resolved.node, resolved.module);
      default:
        return NONE;
    }
  }

  private originOfDeclaration(node: ts.Node, module: ParsedModule): Origin {
    if (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isParameter(node)) {
      if (node.initializer) {
        const fromInitializer = this.origin(node.initializer, module);
        if (fromInitializer.kind !== 'none') return fromInitializer;
      }
      if (node.type) return this.originOfType(node.type, module);
      return NONE;
    }
    if (ts.isBindingElement(node)) {
      const origin = this.originOfBindingRoot(node, module);
      // Destructuring a client gives its methods (still the SDK); destructuring a flags object gives flag values.
      return origin.kind === 'sdk' ? origin : NONE;
    }
    if (ts.isExportAssignment(node)) return this.origin(node.expression, module);
    return NONE;
  }

  private originOfBindingRoot(element: ts.BindingElement, module: ParsedModule): Origin {
    const root = bindingRoot(element);
    if (!root) return NONE;
    if (root.initializer) return this.origin(root.initializer, module);
    return NONE;
  }

  private originOfType(type: ts.TypeNode, module: ParsedModule): Origin {
    if (ts.isTypeReferenceNode(type)) {
      const name = type.typeName;
      let resolved: Resolved;
      if (ts.isIdentifier(name)) resolved = this.resolveName(name.text, name, module);
      else {
        let left: ts.EntityName = name;
        while (ts.isQualifiedName(left)) left = left.left;
        resolved = this.resolveName(left.text, left, module);
        if (resolved.kind === 'namespace') resolved = this.resolveExport(resolved.module, name.right.text, 0);
      }
      if (resolved.kind === 'sdk') return { kind: 'sdk', preset: resolved.preset, packageName: resolved.packageName };
      if (resolved.kind === 'declaration' && (ts.isClassDeclaration(resolved.node) || ts.isClassExpression(resolved.node))) {
        return { kind: 'instance', module: resolved.module, classNode: resolved.node };
      }
      return NONE;
    }
    if (ts.isUnionTypeNode(type)) {
      for (const member of type.types) {
        const origin = this.originOfType(member, module);
        if (origin.kind !== 'none') return origin;
      }
    }
    if (ts.isParenthesizedTypeNode(type)) return this.originOfType(type.type, module);
    return NONE;
  }

  /** A class field: its initializer or type, a constructor parameter property, or `this.name = …` anywhere in the class. */
  private originOfMember(classNode: ts.ClassLikeDeclaration, name: string, module: ParsedModule): Origin {
    let byName = this.memberOriginMemo.get(classNode);
    if (!byName) this.memberOriginMemo.set(classNode, (byName = new Map()));
    const memo = byName.get(name);
    if (memo) return memo;
    byName.set(name, NONE); // Cycle guard.
    const origin = this.computeOriginOfMember(classNode, name, module);
    byName.set(name, origin);
    return origin;
  }

  private computeOriginOfMember(classNode: ts.ClassLikeDeclaration, name: string, module: ParsedModule): Origin {
    for (const member of classNode.members) {
      if (ts.isPropertyDeclaration(member) && member.name.getText(module.sourceFile) === name) {
        const origin = this.originOfDeclaration(member, module);
        if (origin.kind !== 'none') return origin;
      }
      if (ts.isConstructorDeclaration(member)) {
        for (const parameter of member.parameters) {
          if (ts.isIdentifier(parameter.name) && parameter.name.text === name && ts.getModifiers(parameter)?.length) {
            const origin = this.originOfDeclaration(parameter, module);
            if (origin.kind !== 'none') return origin;
          }
        }
      }
    }
    let found: Origin = NONE;
    const visit = (node: ts.Node): void => {
      if (found.kind !== 'none') return;
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(node.left) &&
        node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
        node.left.name.text === name
      ) {
        found = this.origin(node.right, module);
        if (found.kind !== 'none') return;
      }
      ts.forEachChild(node, visit);
    };
    for (const member of classNode.members) visit(member);
    return found;
  }

  // -------------------------------------------------------------------------------------------
  // Wrappers

  private wrapperForCallee(callee: ts.Expression, module: ParsedModule): { name: string; info: WrapperInfo } | undefined {
    const target = this.functionForCallee(callee, module);
    if (!target) return undefined;
    const info = this.wrapperInfo(target.fn, target.module);
    if (!info) return undefined;
    return { name: calleeDisplayName(callee), info };
  }

  private functionForCallee(callee: ts.Expression, module: ParsedModule): { fn: ts.SignatureDeclaration; module: ParsedModule } | undefined {
    if (ts.isIdentifier(callee)) {
      const resolved = this.resolveName(callee.text, callee, module);
      if (resolved.kind !== 'declaration') return undefined;
      const fn = functionOfDeclaration(resolved.node);
      return fn ? { fn, module: resolved.module } : undefined;
    }
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const member = callee.name.text;
    const receiver = unwrap(callee.expression);
    if (receiver.kind === ts.SyntaxKind.ThisKeyword) {
      const classNode = enclosingClass(callee);
      const fn = classNode && memberFunction(classNode, member);
      return fn ? { fn, module } : undefined;
    }
    if (ts.isIdentifier(receiver) || ts.isPropertyAccessExpression(receiver)) {
      const resolved = this.resolveQualified(receiver, module);
      if (resolved.kind === 'namespace') {
        const exported = this.resolveExport(resolved.module, member, 0);
        const fn = exported.kind === 'declaration' ? functionOfDeclaration(exported.node) : undefined;
        return fn && exported.kind === 'declaration' ? { fn, module: exported.module } : undefined;
      }
      if (resolved.kind === 'declaration') {
        const node = resolved.node;
        if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
          const fn = memberFunction(node, member);
          if (fn) return { fn, module: resolved.module };
        }
        if (ts.isVariableDeclaration(node)) {
          const init = node.initializer ? unwrap(node.initializer) : undefined;
          if (init && ts.isObjectLiteralExpression(init)) {
            const fn = objectMemberFunction(init, member);
            if (fn) return { fn, module: resolved.module };
          }
          // Utils.isOn = (k) => … assigned at the top level of the declaring module.
          const assigned = assignedMemberFunction(resolved.module, node.name.getText(resolved.module.sourceFile), member);
          if (assigned) return { fn: assigned, module: resolved.module };
        }
      }
    }
    if (ts.isIdentifier(receiver) || ts.isPropertyAccessExpression(receiver) || ts.isCallExpression(receiver) || ts.isNewExpression(receiver)) {
      const origin = this.origin(receiver, module);
      if (origin.kind === 'instance') {
        const fn = memberFunction(origin.classNode, member);
        if (fn) return { fn, module: origin.module };
      }
    }
    return undefined;
  }

  /** Whether a function passes one of its parameters as the key of a check (then calls of it are checks). */
  private wrapperInfo(fn: ts.SignatureDeclaration, module: ParsedModule): WrapperInfo | undefined {
    const memo = this.wrapperMemo.get(fn);
    if (memo !== undefined) {
      if (memo === null && this.wrappersInProgress.has(fn)) this.guardHits++;
      return memo ?? undefined;
    }
    if (fn.parameters.length === 0 || !('body' in fn) || !fn.body || this.depth > MAX_DEPTH) {
      this.wrapperMemo.set(fn, null);
      return undefined;
    }
    const shared = this.shared.wrappers.get(fn);
    if (shared) {
      for (const dependency of shared.dependencies) this.dependencies.add(dependency);
      this.wrapperMemo.set(fn, shared.info);
      return shared.info ?? undefined;
    }
    this.wrapperMemo.set(fn, null); // Recursion guard.
    this.wrappersInProgress.add(fn);
    const outerDependencies = this.dependencies;
    const guardHitsBefore = this.guardHits;
    this.dependencies = new Set();
    this.depth++;
    let info: WrapperInfo | undefined;
    try {
      const checks: RawCheck[] = [];
      this.collectParameterKeyedChecks(fn, module, checks);
      for (const check of checks) {
        if (check.literalKey !== undefined) continue;
        const parameterKey = this.parameterKey(check.keyNode, fn, module);
        if (parameterKey === undefined) continue;
        const defaultParameter = check.defaultNode ? this.parameterIndex(check.defaultNode, fn, module) : undefined;
        info = { keyParameter: parameterKey.index, keyProperty: parameterKey.property, defaultParameter, innerVia: check.via ?? [] };
        break;
      }
    } finally {
      this.depth--;
      this.wrappersInProgress.delete(fn);
      const inner = this.dependencies;
      this.dependencies = outerDependencies;
      for (const dependency of inner) outerDependencies.add(dependency);
      if (this.guardHits === guardHitsBefore) this.shared.wrappers.set(fn, { info: info ?? null, dependencies: [...inner] });
    }
    this.wrapperMemo.set(fn, info ?? null);
    return info;
  }

  /**
   * The checks in a function body that could take one of its parameters as the key: only calls,
   * element accesses and JSX elements that mention a parameter name directly are examined, which keeps
   * wrapper detection cheap on ordinary code.
   */
  private collectParameterKeyedChecks(fn: ts.SignatureDeclaration, module: ParsedModule, out: RawCheck[]): void {
    const names = new Set<string>();
    for (const parameter of fn.parameters) {
      if (ts.isIdentifier(parameter.name)) names.add(parameter.name.text);
      else if (ts.isObjectBindingPattern(parameter.name)) for (const element of parameter.name.elements) if (ts.isIdentifier(element.name)) names.add(element.name.text);
    }
    if (!names.size) return;
    const mentions = (node: ts.Node | undefined): boolean => {
      if (!node) return false;
      const expression = unwrap(node as ts.Expression);
      if (ts.isIdentifier(expression)) return names.has(expression.text);
      if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression)) return names.has(expression.expression.text);
      if (ts.isObjectLiteralExpression(expression)) {
        return expression.properties.some((p) => (ts.isPropertyAssignment(p) ? mentions(p.initializer) : ts.isShorthandPropertyAssignment(p) && names.has(p.name.text)));
      }
      return false;
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        if (node.arguments.some(mentions)) this.checkCall(node, module, out);
      } else if (ts.isElementAccessExpression(node)) {
        if (mentions(node.argumentExpression)) this.checkPropertyAccess(node, module, out);
      } else if (ts.isJsxSelfClosingElement(node) || ts.isJsxOpeningElement(node)) {
        if (node.attributes.properties.some((a) => ts.isJsxAttribute(a) && a.initializer && ts.isJsxExpression(a.initializer) && mentions(a.initializer.expression))) {
          this.checkJsx(node, module, out);
        }
      }
      ts.forEachChild(node, visit);
    };
    if ('body' in fn && fn.body) visit(fn.body as ts.Node);
  }

  /** Which parameter (and property of it) an expression is: `k`, `flag` from `({ flag })`, `props.flag`. */
  private parameterKey(node: ts.Node, fn: ts.SignatureDeclaration, module: ParsedModule): { index: number; property?: string } | undefined {
    const expression = unwrap(node as ts.Expression);
    const index = this.parameterIndex(expression, fn, module);
    if (index !== undefined) return { index };
    if (ts.isIdentifier(expression)) {
      const declaration = lookupName(expression.text, expression, module);
      if (declaration && ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent) && declaration.parent.parent.parent === fn) {
        const parameter = declaration.parent.parent;
        const property = bindingPropertyName(declaration);
        if (ts.isParameter(parameter) && property) return { index: fn.parameters.indexOf(parameter), property };
      }
    }
    if (ts.isPropertyAccessExpression(expression)) {
      const base = this.parameterIndex(expression.expression, fn, module);
      if (base !== undefined) return { index: base, property: expression.name.text };
    }
    return undefined;
  }

  private parameterIndex(node: ts.Node, fn: ts.SignatureDeclaration, module: ParsedModule): number | undefined {
    const expression = unwrap(node as ts.Expression);
    if (!ts.isIdentifier(expression)) return undefined;
    const declaration = lookupName(expression.text, expression, module);
    if (!declaration || !ts.isParameter(declaration) || declaration.parent !== fn) return undefined;
    const index = fn.parameters.indexOf(declaration);
    return index >= 0 ? index : undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Key evaluation

  private evaluate(expression: ts.Expression, module: ParsedModule): Evaluation {
    if (this.depth > MAX_DEPTH) return { reason: 'too deep' };
    this.depth++;
    try {
      return this.computeEvaluation(unwrap(expression), module);
    } finally {
      this.depth--;
    }
  }

  private computeEvaluation(expression: ts.Expression, module: ParsedModule): Evaluation {
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return primitive(expression.text);
    if (ts.isNumericLiteral(expression)) return primitive(Number(expression.text));
    if (expression.kind === ts.SyntaxKind.TrueKeyword) return primitive(true);
    if (expression.kind === ts.SyntaxKind.FalseKeyword) return primitive(false);
    if (expression.kind === ts.SyntaxKind.NullKeyword) return primitive(null);
    if (ts.isObjectLiteralExpression(expression)) return { value: { kind: 'object', node: expression, module } };
    if (ts.isTemplateExpression(expression)) {
      let text = expression.head.text;
      for (const span of expression.templateSpans) {
        const part = this.evaluate(span.expression, module);
        if (!('value' in part)) return { reason: 'dynamic expression' };
        if (part.value.kind !== 'primitive') return { reason: 'dynamic expression' };
        text += String(part.value.value) + span.literal.text;
      }
      return primitive(text);
    }
    if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.evaluate(expression.left, module);
      const right = this.evaluate(expression.right, module);
      if ('value' in left && 'value' in right && left.value.kind === 'primitive' && right.value.kind === 'primitive') {
        const l = left.value.value;
        const r = right.value.value;
        if (typeof l === 'string' || typeof r === 'string') return primitive(String(l) + String(r));
        if (typeof l === 'number' && typeof r === 'number') return primitive(l + r);
      }
      return { reason: 'dynamic expression' };
    }
    if (ts.isIdentifier(expression)) {
      if (expression.text === 'undefined') return { reason: 'dynamic expression' };
      return this.evaluateResolved(this.resolveName(expression.text, expression, module));
    }
    if (ts.isPropertyAccessExpression(expression)) {
      const base = this.evaluate(expression.expression, module);
      if (!('value' in base)) return base;
      return this.member(base.value, expression.name.text);
    }
    if (ts.isElementAccessExpression(expression)) {
      const base = this.evaluate(expression.expression, module);
      if (!('value' in base)) return base;
      const index = this.evaluate(expression.argumentExpression, module);
      if (!('value' in index) || index.value.kind !== 'primitive' || index.value.value === null || typeof index.value.value === 'boolean') return { reason: 'dynamic expression' };
      return this.member(base.value, String(index.value.value));
    }
    return { reason: 'dynamic expression' };
  }

  private evaluateResolved(resolved: Resolved): Evaluation {
    switch (resolved.kind) {
      case 'unresolved':
        return { reason: resolved.reason };
      case 'global':
        return { reason: 'unknown name' };
      case 'sdk':
        return { reason: 'dynamic expression' };
      case 'namespace':
        return { value: { kind: 'namespace', module: resolved.module } };
      case 'declaration':
        return this.evaluateDeclaration(resolved.node, resolved.module);
    }
  }

  private evaluateDeclaration(node: ts.Node, module: ParsedModule): Evaluation {
    if (ts.isParameter(node)) return { reason: 'parameter', parameter: node };
    if (ts.isVariableDeclaration(node)) {
      const isConst = (ts.getCombinedNodeFlags(node) & ts.NodeFlags.Const) !== 0;
      if (!isConst) return { reason: 'not a constant' };
      if (!node.initializer) return { reason: 'dynamic expression' };
      return this.evaluate(node.initializer, module);
    }
    if (ts.isBindingElement(node)) {
      const root = bindingRoot(node);
      const propertyName = bindingPropertyName(node);
      if (root?.initializer && propertyName && ts.isObjectBindingPattern(node.parent) && node.parent.parent === root) {
        if ((ts.getCombinedNodeFlags(root) & ts.NodeFlags.Const) === 0) return { reason: 'not a constant' };
        const base = this.evaluate(root.initializer, module);
        if (!('value' in base)) return base;
        return this.member(base.value, propertyName);
      }
      if (root && ts.isParameter(root)) return { reason: 'parameter', parameter: root };
      return { reason: 'dynamic expression' };
    }
    if (ts.isEnumDeclaration(node)) return { value: { kind: 'enum', node, module } };
    if (ts.isExportAssignment(node)) return this.evaluate(node.expression, module);
    return { reason: 'dynamic expression' };
  }

  private member(value: Value, name: string): Evaluation {
    if (value.kind === 'object') {
      // Later properties win, as at run time; walk backwards.
      const properties = value.node.properties;
      for (let i = properties.length - 1; i >= 0; i--) {
        const property = properties[i];
        if (ts.isSpreadAssignment(property)) {
          const spread = this.evaluate(property.expression, value.module);
          if ('value' in spread) {
            const inner = this.member(spread.value, name);
            if ('value' in inner) return inner;
          }
          continue;
        }
        if (propertyNameText(property.name) !== name) continue;
        if (ts.isPropertyAssignment(property)) return this.evaluate(property.initializer, value.module);
        if (ts.isShorthandPropertyAssignment(property)) return this.evaluateResolved(this.resolveName(property.name.text, property.name, value.module));
        return { reason: 'dynamic expression' };
      }
      return { reason: 'unknown member' };
    }
    if (value.kind === 'enum') {
      let next = 0;
      for (const enumMember of value.node.members) {
        let current: string | number | undefined;
        if (enumMember.initializer) {
          const evaluated = this.evaluate(enumMember.initializer, value.module);
          if ('value' in evaluated && evaluated.value.kind === 'primitive' && (typeof evaluated.value.value === 'string' || typeof evaluated.value.value === 'number')) {
            current = evaluated.value.value;
          }
        } else current = next;
        if (typeof current === 'number') next = current + 1;
        if (propertyNameText(enumMember.name) === name) return current === undefined ? { reason: 'dynamic expression' } : primitive(current);
      }
      return { reason: 'unknown member' };
    }
    if (value.kind === 'namespace') return this.evaluateResolved(this.resolveExport(value.module, name, 0));
    return { reason: 'dynamic expression' };
  }
}

// ---------------------------------------------------------------------------------------------
// Small syntax helpers

/** Every method/function name some preset treats as a check: a callee with another name is no SDK check. */
const SDK_CHECK_NAMES = new Set(SDK_PRESETS.flatMap((preset) => Object.keys(preset.checks)));
const FLAG_OBJECT_HOOK_NAMES = [...new Set(SDK_PRESETS.flatMap((preset) => preset.flagObjectHooks))];

function isImportBinding(node: ts.Node | undefined): boolean {
  return node !== undefined && (ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node) || ts.isImportEqualsDeclaration(node));
}

function primitive(value: string | number | boolean | null): Evaluation {
  return { value: { kind: 'primitive', value } };
}

/** Strips parentheses, `as`, `satisfies`, `!`, `<T>x` and `await`. */
function unwrap(expression: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isNonNullExpression(expression) || ts.isTypeAssertionExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isAwaitExpression(expression)) {
      expression = expression.expression;
    } else return expression;
  }
}

function propertyNameText(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name) && (ts.isStringLiteral(name.expression) || ts.isNoSubstitutionTemplateLiteral(name.expression))) return name.expression.text;
  return undefined;
}

function bindingRoot(element: ts.BindingElement): ts.VariableDeclaration | ts.ParameterDeclaration | undefined {
  let node: ts.Node = element;
  while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node)) node = node.parent;
  return ts.isVariableDeclaration(node) || ts.isParameter(node) ? node : undefined;
}

function bindingPropertyName(element: ts.BindingElement): string | undefined {
  if (element.propertyName) return propertyNameText(element.propertyName);
  return ts.isIdentifier(element.name) ? element.name.text : undefined;
}

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isClassDeclaration(current) || ts.isClassExpression(current)) return current;
  }
  return undefined;
}

/** Calls that return the function they are given (React's useCallback/memo…), so `const f = useCallback((k) => …)` is a function. */
const FUNCTION_WRAPPING_CALLS = new Set(['useCallback', 'memo', 'forwardRef', 'cache', 'once', 'memoize']);

function isFunctionWrappingCall(call: ts.CallExpression): boolean {
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return FUNCTION_WRAPPING_CALLS.has(name);
}

function functionOfDeclaration(node: ts.Node): ts.SignatureDeclaration | undefined {
  if (ts.isFunctionDeclaration(node)) return node;
  if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && node.initializer) {
    let init = unwrap(node.initializer);
    if (ts.isCallExpression(init) && isFunctionWrappingCall(init) && init.arguments[0]) init = unwrap(init.arguments[0]);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  if (ts.isExportAssignment(node)) {
    const init = unwrap(node.expression);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

function memberFunction(classNode: ts.ClassLikeDeclaration, name: string): ts.SignatureDeclaration | undefined {
  for (const member of classNode.members) {
    if (propertyNameText(member.name) !== name) continue;
    if (ts.isMethodDeclaration(member)) return member;
    if (ts.isPropertyDeclaration(member)) return functionOfDeclaration(member);
  }
  return undefined;
}

function objectMemberFunction(object: ts.ObjectLiteralExpression, name: string): ts.SignatureDeclaration | undefined {
  for (const property of object.properties) {
    if (propertyNameText(property.name) !== name) continue;
    if (ts.isMethodDeclaration(property)) return property;
    if (ts.isPropertyAssignment(property)) {
      const init = unwrap(property.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
  }
  return undefined;
}

/** Functions assigned to members of `objectName` at the top level (`Utils.isOn = (k) => …`), in source order. */
function memberFunctionAssignments(module: ParsedModule, objectName: string): Array<{ member: string; fn: ts.SignatureDeclaration }> {
  const out: Array<{ member: string; fn: ts.SignatureDeclaration }> = [];
  for (const statement of module.sourceFile.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    const expression = statement.expression;
    if (
      ts.isBinaryExpression(expression) &&
      expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(expression.left) &&
      ts.isIdentifier(expression.left.expression) &&
      expression.left.expression.text === objectName
    ) {
      const init = unwrap(expression.right);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) out.push({ member: expression.left.name.text, fn: init });
    }
  }
  return out;
}

function assignedMemberFunctions(module: ParsedModule, objectName: string): ts.SignatureDeclaration[] {
  return memberFunctionAssignments(module, objectName).map((assignment) => assignment.fn);
}

function assignedMemberFunction(module: ParsedModule, objectName: string, member: string): ts.SignatureDeclaration | undefined {
  return memberFunctionAssignments(module, objectName).find((assignment) => assignment.member === member)?.fn;
}

/** The name callers use for a function that may be a wrapper; undefined for anonymous callbacks. */
function wrapperDisplayName(fn: ts.Node): string | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text ?? (hasModifier(fn, ts.SyntaxKind.DefaultKeyword) ? 'default' : undefined);
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn)) return propertyNameText(fn.name);
  const parent = fn.parent;
  if (!parent) return undefined;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.initializer === fn) {
    return ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name) ? parent.name.text : undefined;
  }
  if (ts.isBinaryExpression(parent) && parent.right === fn && ts.isPropertyAccessExpression(parent.left)) return parent.left.name.text;
  if (ts.isExportAssignment(parent)) return 'default';
  // Wrapped in useCallback/memo/…: use the variable it is assigned to.
  if (ts.isCallExpression(parent) && isFunctionWrappingCall(parent) && parent.parent && ts.isVariableDeclaration(parent.parent) && ts.isIdentifier(parent.parent.name)) {
    return parent.parent.name.text;
  }
  return undefined;
}

function calleeDisplayName(callee: ts.Expression): string {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) {
    const receiver = unwrap(callee.expression);
    if (ts.isIdentifier(receiver)) return `${receiver.text}.${callee.name.text}`;
    return callee.name.text;
  }
  return callee.getText();
}

/**
 * `a.b.c` for identifiers/`this`/property accesses (`this.x` → `this.x`); with `followDestructuring`,
 * a local `const { flags } = uiConfig` makes `flags` read as `uiConfig.flags`.
 */
function dottedPath(expression: ts.Expression, options?: { followDestructuring: ParsedModule }, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  if (ts.isIdentifier(expression)) {
    if (options) {
      const declaration = lookupName(expression.text, expression, options.followDestructuring);
      if (declaration && ts.isBindingElement(declaration)) {
        const root = bindingRoot(declaration);
        const propertyName = bindingPropertyName(declaration);
        if (root && ts.isVariableDeclaration(root) && root.initializer && propertyName && declaration.parent.parent === root) {
          const base = dottedPath(unwrap(root.initializer), options, depth + 1);
          if (base) return `${base}.${propertyName}`;
        }
      }
    }
    return expression.text;
  }
  if (expression.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isPropertyAccessExpression(expression)) {
    const base = dottedPath(unwrap(expression.expression), options, depth + 1);
    return base ? `${base}.${expression.name.text}` : undefined;
  }
  return undefined;
}

function endsWithSegments(path: string, segments: string[]): boolean {
  const parts = path.split('.');
  if (parts.length < segments.length) return false;
  const offset = parts.length - segments.length;
  for (let i = 0; i < segments.length; i++) if (parts[offset + i] !== segments[i]) return false;
  return true;
}

/** `0` → argument 0; `0.key` → property `key` of the object literal in argument 0. */
function argumentAtPath(call: ts.CallExpression, path: string): ts.Node | undefined {
  const [index, ...properties] = path.split('.');
  let node: ts.Node | undefined = call.arguments[Number(index)];
  for (const property of properties) {
    if (!node) return undefined;
    const object = unwrap(node as ts.Expression);
    if (!ts.isObjectLiteralExpression(object)) return node; // Not a literal: report the argument itself (unresolved).
    const found = object.properties.find((p) => propertyNameText(p.name) === property);
    if (!found) return undefined;
    node = ts.isPropertyAssignment(found) ? found.initializer : ts.isShorthandPropertyAssignment(found) ? found.name : undefined;
  }
  return node;
}

/** Cheap syntactic pre-check before asking for an origin: flags objects are names, calls or property chains. */
function couldBeFlagsObject(expression: ts.Expression): boolean {
  const e = unwrap(expression);
  return ts.isIdentifier(e) || ts.isCallExpression(e) || (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword);
}

/** A literal default value as JSON: booleans, strings, numbers, null, and arrays/objects of those. */
function literalJson(node: ts.Node): { ok: true; value: unknown } | { ok: false } {
  const expression = unwrap(node as ts.Expression);
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return { ok: true, value: expression.text };
  if (ts.isNumericLiteral(expression)) return { ok: true, value: Number(expression.text) };
  if (ts.isPrefixUnaryExpression(expression) && expression.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(expression.operand)) {
    return { ok: true, value: -Number(expression.operand.text) };
  }
  if (expression.kind === ts.SyntaxKind.TrueKeyword) return { ok: true, value: true };
  if (expression.kind === ts.SyntaxKind.FalseKeyword) return { ok: true, value: false };
  if (expression.kind === ts.SyntaxKind.NullKeyword) return { ok: true, value: null };
  if (ts.isArrayLiteralExpression(expression)) {
    const values: unknown[] = [];
    for (const element of expression.elements) {
      const value = literalJson(element);
      if (!value.ok) return { ok: false };
      values.push(value.value);
    }
    return { ok: true, value: values };
  }
  if (ts.isObjectLiteralExpression(expression)) {
    const object: Record<string, unknown> = {};
    for (const property of expression.properties) {
      if (!ts.isPropertyAssignment(property)) return { ok: false };
      const name = propertyNameText(property.name);
      if (name === undefined) return { ok: false };
      const value = literalJson(property.initializer);
      if (!value.ok) return { ok: false };
      object[name] = value.value;
    }
    return { ok: true, value: object };
  }
  return { ok: false };
}
