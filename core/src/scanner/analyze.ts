// Per-file analysis: runs the scanner's parts over one parsed file — preset matching finds the checks,
// key evaluation resolves their keys (through the module graph), and the file's exports that lead to
// checks (wrappers, clients, accessors, declared flags, types carrying clients) become prefilter triggers.
// The result is plain data (references, dependency paths, trigger names): no syntax nodes, so it can be cached.
import { ts } from '../typescript.js';
import type { FlagReference } from '../model.js';
import type { Resolved } from './moduleGraph.js';
import type { RawCheck } from './matching.js';
import { exportTable, type ParsedModule } from './parsedModule.js';
import { presetForPackage } from './presets.js';
import { AnalysisSession, type AnalysisOptions, type ModuleStore } from './session.js';
import * as syntaxHelpers from './syntax.js';
import { keyText, type Evaluation } from './keys.js';
import { mayHoldSuppression, suppressionCommentsFor } from '../rules/suppression.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { isCallSignatureDeclaration, isClassDeclaration, isClassExpression, isIdentifier, isImportDeclaration, isIndexSignatureDeclaration, isInterfaceDeclaration, isMethodSignature, isNewExpression, isObjectLiteralExpression, isPropertySignature, isStringLiteral, isTypeAliasDeclaration, isVariableDeclaration } = ts;
const { assignedMemberFunctions, functionOfDeclaration, isFunctionLike, literalJson, objectMemberFunction, propertyNameText, unwrap } = syntaxHelpers;

export { parseModule, reparseModule, scriptKindFor, type ParsedModule } from './parsedModule.js';
export { createSharedAnalysisCache, type AnalysisOptions, type ModuleStore, type SharedAnalysisCache } from './session.js';

/** The result of analysing one file. */
export interface FileAnalysis {
  references: FlagReference[];
  /** Absolute paths of the other modules consulted (the file's dependencies for incremental updates). */
  dependencies: Set<string>;
  /**
   * The dependencies a lookup for checks refused to open because they could hold none when asked (a subset of
   * `dependencies`): if one of them can later (a trigger name found afterwards), the file is analysed again.
   */
  gatedOut: Set<string>;
  /**
   * Names this file exports that make another file's calls into checks: wrappers, SDK clients, flags
   * objects, accessors, declared flags, classes/objects with wrapper members and their instances, and
   * interfaces/types carrying SDK types. The text prefilter parses any file mentioning one of them.
   */
  triggerNames: string[];
}

/** Analyses one module. */
export function analyzeModule(module: ParsedModule, store: ModuleStore, options: AnalysisOptions): FileAnalysis {
  return new FileAnalyzer(new AnalysisSession(store, options, module)).run();
}

class FileAnalyzer {
  constructor(private readonly session: AnalysisSession) {}

  run(): FileAnalysis {
    const module = this.session.module;
    const references: FlagReference[] = [];
    const raw: RawCheck[] = [];
    // Finding checks opens only modules that may hold checks; their keys are then evaluated through any module.
    this.session.onlyModulesThatMayHoldChecks(() => this.session.matcher.collectChecks(module.sourceFile, module, raw));
    for (const check of raw) {
      const reference = this.toReference(check, module);
      if (reference) references.push(reference);
    }
    // Only a check keyed by a parameter makes a wrapper, and only an SDK import makes a client or factory;
    // other files get the cheap pass (re-exports, instances of classes from elsewhere, types).
    const importsSdk = module.sourceFile.statements.some((statement) => isImportDeclaration(statement) && isStringLiteral(statement.moduleSpecifier) && presetForPackage(statement.moduleSpecifier.text));
    const triggerNames = this.session.onlyModulesThatMayHoldChecks(() => this.triggerExports(module, { deep: this.session.sawParameterKey || importsSdk || requiresSdk(module) }));
    const dependencies = this.session.dependencies.all;
    const gatedOut = this.session.dependencies.allGatedOut;
    dependencies.delete(module.path);
    gatedOut.delete(module.path);
    return { references, dependencies, gatedOut, triggerNames };
  }

  /** Exported names through which other files can reach a check (see FileAnalysis.triggerNames). */
  private triggerExports(module: ParsedModule, options: { deep: boolean }): string[] {
    const names: string[] = [];
    for (const [name, entry] of exportTable(module).named) {
      // Shallow: only re-exports of other modules' names and instances (`export const flags = new FlagService()`).
      // Types carry an SDK type only where it is imported (deep), which keeps ordinary type files cheap.
      if (!options.deep && entry.kind === 'node' && !isInstance(entry.node)) continue;
      const resolved = this.session.graph.resolveExport(module, name, 0);
      if (!this.isTriggerResolved(resolved)) continue;
      if (name !== 'default') names.push(name);
      else {
        // A default export is imported under a name of the importer's choosing; the import specifier
        // names the module, though (`import useFeat from './useFeature'`), and often its own name is used.
        const own = resolved.kind === 'declaration' ? (resolved.node as ts.Node & { name?: ts.Node }).name : undefined;
        if (own && isIdentifier(own)) names.push(own.text);
        const stem = module.path.replace(/\.[^./]+$/, '').split('/');
        names.push(stem[stem.length - 1] === 'index' ? stem[stem.length - 2] : stem[stem.length - 1]);
      }
    }
    return names;
  }

  private isTriggerResolved(resolved: Resolved): boolean {
    const { wrappers, origins, types } = this.session;
    if (resolved.kind === 'sdk') return true;
    if (resolved.kind !== 'declaration') return false;
    const node = resolved.node;
    const module = resolved.module;
    if (isInterfaceDeclaration(node)) return this.interfaceCarriesSdk(node, module);
    if (isTypeAliasDeclaration(node)) return types.carriesSdk({ node: node.type, module });
    const fn = functionOfDeclaration(node);
    if (fn) {
      if (wrappers.wrapperInfo(fn, module) !== undefined || wrappers.accessorInfo(fn, module) !== undefined || origins.returnedOrigin(fn, module).kind !== 'none') return true;
      // A factory of accessors: `getGeneratedClient()` returning `{ enableFeatureA: (ctx) => client.getBooleanValue(…) }`.
      return this.objectHasAccessorOrWrapper(wrappers.returnedObject(fn, module));
    }
    if (isClassDeclaration(node) || isClassExpression(node)) return wrappers.classHasWrapper(node, module);
    if (isVariableDeclaration(node)) {
      const origin = origins.originOfDeclaration(node, module);
      if (origin.kind === 'sdk' || origin.kind === 'flags' || origin.kind === 'declared-flag') return true;
      if (origin.kind === 'instance') return wrappers.classHasWrapper(origin.classNode, origin.module);
      const init = node.initializer ? unwrap(node.initializer) : undefined;
      if (init && isObjectLiteralExpression(init) && this.objectHasAccessorOrWrapper({ node: init, module })) return true;
      if (isIdentifier(node.name)) {
        for (const member of assignedMemberFunctions(module, node.name.text)) if (wrappers.wrapperInfo(member, module)) return true;
      }
    }
    return false;
  }

  private objectHasAccessorOrWrapper(object: { node: ts.ObjectLiteralExpression; module: ParsedModule } | undefined): boolean {
    if (!object) return false;
    const wrappers = this.session.wrappers;
    for (const property of object.node.properties) {
      const name = propertyNameText(property.name);
      const member = name !== undefined ? objectMemberFunction(object.node, name) : undefined;
      if (member && (wrappers.wrapperInfo(member, object.module) || wrappers.accessorInfo(member, object.module))) return true;
    }
    return false;
  }

  /** An interface carries an SDK type when a member, a method's parameter or result, or a parent interface does. */
  private interfaceCarriesSdk(node: ts.InterfaceDeclaration, module: ParsedModule): boolean {
    const types = this.session.types;
    for (const member of node.members) {
      if ((isPropertySignature(member) || isIndexSignatureDeclaration(member)) && member.type && types.carriesSdk({ node: member.type, module })) return true;
      if ((isMethodSignature(member) || isCallSignatureDeclaration(member)) && types.carriesSdk({ node: member, module })) return true;
    }
    for (const clause of node.heritageClauses ?? []) for (const parent of clause.types) if (types.carriesSdk({ node: parent, module })) return true;
    return false;
  }

  private toReference(check: RawCheck, module: ParsedModule): FlagReference | undefined {
    const sf = module.sourceFile;
    const keyStart = check.keyNode.getStart(sf);
    const keyEnd = check.keyNode.getEnd();
    let key: string | null = null;
    let unresolvedReason: string | undefined;
    let keyPattern: string | undefined;
    if (check.literalKey !== undefined) {
      key = check.literalKey;
    } else {
      const source = check.keyFrom ?? { node: check.keyNode as ts.Expression, module };
      const evaluation = this.session.keys.evaluate(source.node, source.module);
      const text = keyText(evaluation);
      if (text !== undefined) {
        key = check.keyTemplate ? check.keyTemplate.map((part) => part ?? text).join('') : text;
      } else if ('value' in evaluation) {
        unresolvedReason = 'not a string';
      } else {
        if (evaluation.parameter) this.session.sawParameterKey = true;
        // A wrapper's own inner check (key = its parameter) is reported at the wrapper's call sites instead.
        // One with a shape around the parameter (`team-${name}`) stays: it says which keys the wrapper makes.
        if (evaluation.parameter && !evaluation.pattern && !check.keyFrom && this.isNamedWrapperParameter(evaluation.parameter, module)) return undefined;
        unresolvedReason = evaluation.reason;
        keyPattern = patternOf(evaluation, check.keyTemplate);
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
    if (keyPattern) reference.keyPattern = keyPattern;
    const defaultSource = check.defaultNode ? { node: check.defaultNode, module } : check.defaultFrom;
    if (defaultSource) {
      const literal = literalJson(defaultSource.node);
      if (literal.ok) reference.default = literal.value;
      else reference.defaultExpression = defaultSource.node.getText(defaultSource.module.sourceFile);
    }
    if (check.keyStyle) reference.keyStyle = check.keyStyle;
    if (check.via) reference.via = check.via;
    reference.suppressions = mayHoldSuppression(module.text) ? suppressionCommentsOf(module, reference) : [];
    return reference;
  }

  private isNamedWrapperParameter(parameter: ts.ParameterDeclaration, module: ParsedModule): boolean {
    const fn = parameter.parent;
    return isFunctionLike(fn) && this.session.wrappers.isNamedWrapperParameter(parameter, module);
  }
}

/** The flaglens-ignore comments above a reference's key and above its check, read from the module's own text. */
function suppressionCommentsOf(module: ParsedModule, reference: FlagReference): ReturnType<typeof suppressionCommentsFor> {
  const sf = module.sourceFile;
  const starts = sf.getLineStarts();
  const lineText = (line: number) => module.text.slice(starts[line - 1] ?? module.text.length, starts[line] ?? module.text.length).replace(/\r?\n$/, '');
  return suppressionCommentsFor(lineText, reference.line, sf.getLineAndCharacterOfPosition(reference.checkStart).line + 1);
}

/** The shape of an unresolved key: its own pattern, put inside a wrapper's template when there is one. */
function patternOf(evaluation: Evaluation, template: Array<string | null> | undefined): string | undefined {
  const inner = 'value' in evaluation ? undefined : evaluation.pattern;
  if (!template) return inner;
  return template.map((part) => part ?? inner ?? '*').join('');
}

function isInstance(node: ts.Node): boolean {
  return isVariableDeclaration(node) && node.initializer !== undefined && isNewExpression(unwrap(node.initializer));
}

function requiresSdk(module: ParsedModule): boolean {
  if (!module.text.includes('require(')) return false;
  for (const match of module.text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) if (presetForPackage(match[1])) return true;
  return false;
}
