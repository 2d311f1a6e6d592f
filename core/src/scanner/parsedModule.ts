// One parsed file and the indexes that depend only on its text: the syntax tree (parsed or re-parsed
// incrementally), declared names per scope (filled by scopes.ts) and the export table.
import { ts } from '../typescript.js';
import * as syntaxHelpers from './syntax.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { SyntaxKind, isClassDeclaration, isEnumDeclaration, isExportAssignment, isExportDeclaration, isFunctionDeclaration, isIdentifier, isInterfaceDeclaration, isModuleDeclaration, isNamespaceExport, isStringLiteral, isTypeAliasDeclaration, isVariableStatement } = ts;
const { bindingNames, hasModifier } = syntaxHelpers;

/** One parsed file plus lazily built indexes that depend only on its text. */
export interface ParsedModule {
  path: string;
  relative: string;
  text: string;
  sourceFile: ts.SourceFile;
  /** Lazily built: names declared directly in a block-like node. */
  scopeIndex: WeakMap<ts.Node, Map<string, ts.Node>>;
  exportTable?: ExportTable;
  /** Hash of `text` (set by a host that keeps a persistent cache: the dependency's version an analysis used). */
  contentHash?: string;
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


export type ExportEntry =
  | { kind: 'local'; name: string }
  | { kind: 'node'; node: ts.Node }
  | { kind: 'reexport'; specifier: string; name: string }
  | { kind: 'namespace-reexport'; specifier: string };

export interface ExportTable {
  named: Map<string, ExportEntry>;
  star: string[];
}


export function exportTable(module: ParsedModule): ExportTable {
  if (module.exportTable) return module.exportTable;
  const named = new Map<string, ExportEntry>();
  const star: string[] = [];
  const types: Array<[string, ts.Node]> = [];
  for (const statement of module.sourceFile.statements) {
    const exported = hasModifier(statement, SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(statement, SyntaxKind.DefaultKeyword);
    if (isVariableStatement(statement) && exported) {
      for (const declaration of statement.declarationList.declarations) {
        for (const name of bindingNames(declaration.name)) named.set(name.text, { kind: 'node', node: name.parent });
      }
    } else if ((isFunctionDeclaration(statement) || isClassDeclaration(statement)) && exported) {
      if (isDefault) named.set('default', { kind: 'node', node: statement });
      if (statement.name && !isDefault) named.set(statement.name.text, { kind: 'node', node: statement });
    } else if ((isEnumDeclaration(statement) || isModuleDeclaration(statement)) && exported && isIdentifier(statement.name)) {
      named.set(statement.name.text, { kind: 'node', node: statement });
    } else if ((isInterfaceDeclaration(statement) || isTypeAliasDeclaration(statement)) && exported) {
      // Types share the export namespace with values here; a value of the same name wins (below).
      types.push([statement.name.text, statement]);
    } else if (isExportAssignment(statement) && !statement.isExportEquals) {
      named.set('default', isIdentifier(statement.expression) ? { kind: 'local', name: statement.expression.text } : { kind: 'node', node: statement });
    } else if (isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier && isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      if (!statement.exportClause) {
        if (specifier) star.push(specifier);
      } else if (isNamespaceExport(statement.exportClause)) {
        if (specifier) named.set(statement.exportClause.name.text, { kind: 'namespace-reexport', specifier });
      } else {
        for (const element of statement.exportClause.elements) {
          const local = (element.propertyName ?? element.name).text;
          named.set(element.name.text, specifier ? { kind: 'reexport', specifier, name: local } : { kind: 'local', name: local });
        }
      }
    }
  }
  for (const [name, node] of types) if (!named.has(name)) named.set(name, { kind: 'node', node });
  module.exportTable = { named, star };
  return module.exportTable;
}
