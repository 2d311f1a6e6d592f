// The module graph as the analysis sees it: a name in a file resolves to its declaration, following
// imports (ES and CommonJS), re-exports, `export *` barrels and namespace imports into other modules,
// which are parsed lazily through the store (module resolution is `resolution/resolver.ts`). Every module
// consulted is recorded as a dependency; names that come from an SDK package stop at the SDK.
import { ts } from '../typescript.js';
import type { ParsedModule } from './parsedModule.js';
import { exportTable } from './parsedModule.js';
import { presetForPackage, type SdkPreset } from './presets.js';
import * as scopeHelpers from './scopes.js';
import type { AnalysisSession } from './session.js';
import * as syntaxHelpers from './syntax.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { isBindingElement, isCallExpression, isExternalModuleReference, isIdentifier, isImportClause, isImportEqualsDeclaration, isImportSpecifier, isNamespaceImport, isPropertyAccessExpression, isStringLiteral, isVariableDeclaration } = ts;
const { declaredNamesOf, lookupName } = scopeHelpers;
const { bindingPropertyName, bindingRoot, unwrap } = syntaxHelpers;

export type Resolved =
  | { kind: 'declaration'; module: ParsedModule; node: ts.Node }
  | { kind: 'sdk'; preset: SdkPreset; packageName: string; importedName: string }
  | { kind: 'namespace'; module: ParsedModule }
  | { kind: 'unresolved'; reason: string }
  | { kind: 'global' };

const MAX_EXPORT_HOPS = 20;

export class ModuleGraph {
  constructor(private readonly session: AnalysisSession) {}

  /** A module by absolute path, recorded as a dependency of the analysis. */
  moduleAt(path: string): ParsedModule | undefined {
    if (this.session.moduleGate && !this.session.store.mayHoldChecks(path)) {
      this.session.dependencies.addGatedOut(path);
      return undefined;
    }
    this.session.dependencies.add(path);
    return this.session.store.module(path);
  }

  /** The module an import of `specifier` in `module` leads to, or why there is none. */
  importedModule(module: ParsedModule, specifier: string, mode: 'import' | 'require' = 'import'): { module: ParsedModule } | { reason: string } {
    const target = this.session.store.resolve(module.path, specifier, mode);
    if ('reason' in target) return { reason: target.reason };
    const targetModule = this.moduleAt(target.path);
    return targetModule ? { module: targetModule } : { reason: `import of '${specifier}' not readable: ${target.path}` };
  }

  resolveName(name: string, from: ts.Node, module: ParsedModule): Resolved {
    const declaration = lookupName(name, from, module);
    if (!declaration) return { kind: 'global' };
    return this.resolveDeclaration(declaration, module, 0);
  }

  /** Follows import bindings (and `require`) to the declaration in the module that defines the name. */
  resolveDeclaration(declaration: ts.Node, module: ParsedModule, hops: number): Resolved {
    if (isImportSpecifier(declaration) || isImportClause(declaration) || isNamespaceImport(declaration)) {
      const importDeclaration = (isImportSpecifier(declaration)
        ? declaration.parent.parent.parent
        : isImportClause(declaration)
          ? declaration.parent
          : declaration.parent.parent) as ts.ImportDeclaration;
      const specifier = isStringLiteral(importDeclaration.moduleSpecifier) ? importDeclaration.moduleSpecifier.text : '';
      const importedName = isImportSpecifier(declaration) ? (declaration.propertyName ?? declaration.name).text : isImportClause(declaration) ? 'default' : '*';
      return this.resolveImported(module, specifier, importedName, 'import', hops);
    }
    if (isImportEqualsDeclaration(declaration)) {
      const reference = declaration.moduleReference;
      if (isExternalModuleReference(reference) && isStringLiteral(reference.expression)) {
        return this.resolveImported(module, reference.expression.text, '*', 'require', hops);
      }
      return { kind: 'unresolved', reason: 'dynamic expression' };
    }
    if (isVariableDeclaration(declaration) && declaration.initializer) {
      // CommonJS: const x = require('sdk') / const keys = require('./keys')
      const specifier = requiredSpecifier(declaration.initializer);
      if (specifier !== undefined) return this.resolveImported(module, specifier, '*', 'require', hops);
    }
    if (isBindingElement(declaration)) {
      // const { isEnabled } = require('unleash-client') / const { KEY } = require('./keys')
      const root = bindingRoot(declaration);
      const specifier = root?.initializer ? requiredSpecifier(root.initializer) : undefined;
      const propertyName = bindingPropertyName(declaration);
      if (specifier !== undefined && propertyName && declaration.parent.parent === root) {
        return this.resolveImported(module, specifier, propertyName, 'require', hops);
      }
    }
    return { kind: 'declaration', module, node: declaration };
  }

  private resolveImported(module: ParsedModule, specifier: string, importedName: string, mode: 'import' | 'require', hops: number): Resolved {
    const preset = presetForPackage(specifier);
    if (preset) return { kind: 'sdk', preset, packageName: specifier, importedName };
    const target = this.importedModule(module, specifier, mode);
    if ('reason' in target) return { kind: 'unresolved', reason: target.reason };
    if (importedName === '*') return { kind: 'namespace', module: target.module };
    return this.resolveExport(target.module, importedName, hops + 1);
  }

  /** What `name` exported by `module` is, through re-exports and barrels; shared between files' analyses. */
  resolveExport(module: ParsedModule, name: string, hops: number): Resolved {
    const key = `${module.path}\0${name}`;
    const shared = this.session.moduleGate ? this.session.shared.gatedExports : this.session.shared.exports;
    const cached = shared.get(key);
    if (cached) {
      this.session.dependencies.addShared(cached);
      return cached.value;
    }
    const result = this.session.dependencies.collect(() => this.resolveExportWithin(module, name, hops, new Set()), [module.path]);
    // Not for the file being analysed: the entry would keep its syntax tree alive, and no other file needs it.
    if (module !== this.session.module) shared.set(key, result);
    return result.value;
  }

  private resolveExportWithin(module: ParsedModule, name: string, hops: number, seen: Set<string>): Resolved {
    const key = `${module.path}\0${name}`;
    if (hops > MAX_EXPORT_HOPS || seen.has(key)) return { kind: 'unresolved', reason: `'${name}' is re-exported in a cycle through ${module.relative}` };
    seen.add(key);
    const table = exportTable(module);
    const entry = table.named.get(name);
    if (entry) {
      switch (entry.kind) {
        case 'node':
          return { kind: 'declaration', module, node: entry.node };
        case 'local': {
          const declaration = declaredNamesOf(module.sourceFile, module).get(entry.name);
          if (!declaration) return { kind: 'unresolved', reason: `'${entry.name}' is exported by ${module.relative} but not declared there` };
          return this.resolveDeclaration(declaration, module, hops + 1);
        }
        case 'reexport': {
          const preset = presetForPackage(entry.specifier);
          if (preset) return { kind: 'sdk', preset, packageName: entry.specifier, importedName: entry.name };
          const target = this.importedModule(module, entry.specifier);
          if ('reason' in target) return { kind: 'unresolved', reason: target.reason };
          return this.resolveExportWithin(target.module, entry.name, hops + 1, seen);
        }
        case 'namespace-reexport': {
          const target = this.importedModule(module, entry.specifier);
          if ('reason' in target) return { kind: 'unresolved', reason: target.reason };
          return { kind: 'namespace', module: target.module };
        }
      }
    }
    let starFailure: string | undefined;
    for (const specifier of table.star) {
      if (presetForPackage(specifier)) continue;
      const target = this.importedModule(module, specifier);
      if ('reason' in target) {
        starFailure ??= target.reason;
        continue;
      }
      const found = this.resolveExportWithin(target.module, name, hops + 1, seen);
      if (found.kind !== 'unresolved') return found;
    }
    // An `export *` whose module could not be resolved may well be where the name comes from: say so.
    if (starFailure) return { kind: 'unresolved', reason: `'${name}' not found in ${module.relative}; ${starFailure}` };
    return { kind: 'unresolved', reason: `'${name}' is not exported by ${module.relative}` };
  }

  /** Resolves `a.b.c` where `a` is a namespace import or re-export: the member's declaration. */
  resolveQualified(expression: ts.Expression, module: ParsedModule): Resolved {
    expression = unwrap(expression);
    if (isIdentifier(expression)) return this.resolveName(expression.text, expression, module);
    if (isPropertyAccessExpression(expression)) return this.resolveMember(this.resolveQualified(expression.expression, module), expression.name.text);
    return { kind: 'unresolved', reason: 'dynamic expression' };
  }

  /** `base.name` once `base` is resolved (`a.b` of an expression, `A.B` of a type name): a namespace's export or an SDK member. */
  resolveMember(base: Resolved, name: string): Resolved {
    if (base.kind === 'namespace') return this.resolveExport(base.module, name, 0);
    if (base.kind === 'sdk') return { ...base, importedName: base.importedName === '*' ? name : base.importedName };
    return { kind: 'unresolved', reason: 'dynamic expression' };
  }
}

/** `require('x')` → 'x'. */
export function requiredSpecifier(expression: ts.Expression): string | undefined {
  const call = unwrap(expression);
  if (isCallExpression(call) && isIdentifier(call.expression) && call.expression.text === 'require' && call.arguments.length === 1 && isStringLiteral(call.arguments[0])) {
    return call.arguments[0].text;
  }
  return undefined;
}
