// Bindings and scopes: which declaration a name refers to at a place in a file (parameters, block and
// file declarations, imports, loop and catch variables), found by walking the syntax tree, not a checker.
import { ts } from '../typescript.js';
import type { ParsedModule } from './parsedModule.js';
import * as syntaxHelpers from './syntax.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { SyntaxKind, isBindingElement, isBlock, isCaseClause, isCatchClause, isClassDeclaration, isClassExpression, isDefaultClause, isEnumDeclaration, isForInStatement, isForOfStatement, isForStatement, isFunctionDeclaration, isFunctionExpression, isIdentifier, isImportDeclaration, isImportEqualsDeclaration, isInterfaceDeclaration, isModuleBlock, isModuleDeclaration, isNamedImports, isNamespaceImport, isPropertyAccessExpression, isSourceFile, isTypeAliasDeclaration, isVariableDeclaration, isVariableDeclarationList, isVariableStatement } = ts;
const { bindingNames, bindingPropertyName, bindingRoot, isFunctionLike, unwrap } = syntaxHelpers;

export function declaredNamesOf(container: ts.Node, module: ParsedModule): Map<string, ts.Node> {
  let names = module.scopeIndex.get(container);
  if (names) return names;
  names = new Map();
  const add = (name: ts.BindingName) => {
    for (const id of bindingNames(name)) if (!names!.has(id.text)) names!.set(id.text, id.parent);
  };
  const statements: readonly ts.Statement[] =
    isSourceFile(container) || isBlock(container) || isModuleBlock(container) || isCaseClause(container) || isDefaultClause(container)
      ? container.statements
      : [];
  for (const statement of statements) {
    if (isVariableStatement(statement)) for (const d of statement.declarationList.declarations) add(d.name);
    else if ((isFunctionDeclaration(statement) || isClassDeclaration(statement)) && statement.name) names.set(statement.name.text, statement);
    else if ((isEnumDeclaration(statement) || isModuleDeclaration(statement)) && isIdentifier(statement.name)) names.set(statement.name.text, statement);
    else if (isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.set(clause.name.text, clause);
      const bindings = clause.namedBindings;
      if (bindings && isNamespaceImport(bindings)) names.set(bindings.name.text, bindings);
      if (bindings && isNamedImports(bindings)) for (const element of bindings.elements) names.set(element.name.text, element);
    } else if (isImportEqualsDeclaration(statement)) names.set(statement.name.text, statement);
  }
  // Interfaces and type aliases, for declared types; a value of the same name wins.
  for (const statement of statements) {
    if ((isInterfaceDeclaration(statement) || isTypeAliasDeclaration(statement)) && !names.has(statement.name.text)) names.set(statement.name.text, statement);
  }
  module.scopeIndex.set(container, names);
  return names;
}

/** The declaration (VariableDeclaration, BindingElement, Parameter, Function, Class, Enum, import binding…) a name refers to. */
export function lookupName(name: string, from: ts.Node, module: ParsedModule): ts.Node | undefined {
  let previous: ts.Node = from;
  for (let node: ts.Node | undefined = from.parent; node; previous = node, node = node.parent) {
    if (isFunctionLike(node)) {
      for (const parameter of node.parameters) {
        for (const id of bindingNames(parameter.name)) if (id.text === name) return id.parent;
      }
      if (isFunctionExpression(node) && node.name?.text === name) return node;
    } else if (isSourceFile(node) || isBlock(node) || isModuleBlock(node) || isCaseClause(node) || isDefaultClause(node)) {
      const found = declaredNamesOf(node, module).get(name);
      if (found) return found;
    } else if ((isForStatement(node) || isForOfStatement(node) || isForInStatement(node)) && node.initializer && isVariableDeclarationList(node.initializer)) {
      for (const d of node.initializer.declarations) for (const id of bindingNames(d.name)) if (id.text === name) return id.parent;
    } else if (isCatchClause(node) && node.variableDeclaration && previous === node.block) {
      for (const id of bindingNames(node.variableDeclaration.name)) if (id.text === name) return id.parent;
    } else if ((isClassDeclaration(node) || isClassExpression(node)) && node.name?.text === name) {
      return node;
    }
  }
  return undefined;
}

/**
 * `a.b.c` for identifiers/`this`/property accesses (`this.x` → `this.x`); with `followDestructuring`,
 * a local `const { flags } = uiConfig` makes `flags` read as `uiConfig.flags`.
 */
export function dottedPath(expression: ts.Expression, options?: { followDestructuring: ParsedModule }, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  if (isIdentifier(expression)) {
    if (options) {
      const declaration = lookupName(expression.text, expression, options.followDestructuring);
      if (declaration && isBindingElement(declaration)) {
        const root = bindingRoot(declaration);
        const propertyName = bindingPropertyName(declaration);
        if (root && isVariableDeclaration(root) && root.initializer && propertyName && declaration.parent.parent === root) {
          const base = dottedPath(unwrap(root.initializer), options, depth + 1);
          if (base) return `${base}.${propertyName}`;
        }
      }
    }
    return expression.text;
  }
  if (expression.kind === SyntaxKind.ThisKeyword) return 'this';
  if (isPropertyAccessExpression(expression)) {
    const base = dottedPath(unwrap(expression.expression), options, depth + 1);
    return base ? `${base}.${expression.name.text}` : undefined;
  }
  return undefined;
}
