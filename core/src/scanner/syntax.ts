// Small syntax helpers shared by the scanner's parts: unwrapping expressions, property and binding
// names, which functions a declaration or class member holds, argument paths and literal values.
import { ts } from '../typescript.js';
import type { ParsedModule } from './parsedModule.js';

// TypeScript's node tests as local bindings: through the bundle (and tsx) every `ts.isX` is two getter calls,
// and these run millions of times per scan.
const { SyntaxKind, canHaveModifiers, getModifiers, isArrayBindingPattern, isArrayLiteralExpression, isArrowFunction, isAsExpression, isAwaitExpression, isBinaryExpression, isBindingElement, isCallExpression, isClassDeclaration, isClassExpression, isComputedPropertyName, isConstructorDeclaration, isExportAssignment, isExpressionStatement, isFunctionDeclaration, isFunctionExpression, isGetAccessorDeclaration, isIdentifier, isImportClause, isImportEqualsDeclaration, isImportSpecifier, isMethodDeclaration, isNamespaceImport, isNoSubstitutionTemplateLiteral, isNonNullExpression, isNumericLiteral, isObjectBindingPattern, isObjectLiteralExpression, isOmittedExpression, isParameter, isParenthesizedExpression, isPrefixUnaryExpression, isPrivateIdentifier, isPropertyAccessExpression, isPropertyAssignment, isPropertyDeclaration, isSatisfiesExpression, isSetAccessorDeclaration, isShorthandPropertyAssignment, isSpreadElement, isStringLiteral, isTypeAssertionExpression, isVariableDeclaration } = ts;

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return canHaveModifiers(node) && (getModifiers(node) ?? []).some((m) => m.kind === kind);
}

export function bindingNames(name: ts.BindingName): ts.Identifier[] {
  if (isIdentifier(name)) return [name];
  const out: ts.Identifier[] = [];
  for (const element of name.elements) if (!isOmittedExpression(element)) out.push(...bindingNames(element.name));
  return out;
}

export function isFunctionLike(node: ts.Node): node is ts.SignatureDeclaration & { body?: ts.Node } {
  return (
    isFunctionDeclaration(node) ||
    isFunctionExpression(node) ||
    isArrowFunction(node) ||
    isMethodDeclaration(node) ||
    isConstructorDeclaration(node) ||
    isGetAccessorDeclaration(node) ||
    isSetAccessorDeclaration(node)
  );
}

export function isImportBinding(node: ts.Node | undefined): boolean {
  return node !== undefined && (isImportSpecifier(node) || isImportClause(node) || isNamespaceImport(node) || isImportEqualsDeclaration(node));
}

/** Strips parentheses, `as`, `satisfies`, `!`, `<T>x` and `await`. */
export function unwrap(expression: ts.Expression): ts.Expression {
  for (;;) {
    if (isParenthesizedExpression(expression) || isAsExpression(expression) || isNonNullExpression(expression) || isTypeAssertionExpression(expression) || isSatisfiesExpression(expression) || isAwaitExpression(expression)) {
      expression = expression.expression;
    } else return expression;
  }
}

export function propertyNameText(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (isIdentifier(name) || isStringLiteral(name) || isNumericLiteral(name) || isPrivateIdentifier(name) || isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (isComputedPropertyName(name) && (isStringLiteral(name.expression) || isNoSubstitutionTemplateLiteral(name.expression))) return name.expression.text;
  return undefined;
}

export function bindingRoot(element: ts.BindingElement): ts.VariableDeclaration | ts.ParameterDeclaration | undefined {
  let node: ts.Node = element;
  while (isBindingElement(node) || isObjectBindingPattern(node) || isArrayBindingPattern(node)) node = node.parent;
  return isVariableDeclaration(node) || isParameter(node) ? node : undefined;
}

export function bindingPropertyName(element: ts.BindingElement): string | undefined {
  if (element.propertyName) return propertyNameText(element.propertyName);
  return isIdentifier(element.name) ? element.name.text : undefined;
}

export function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isClassDeclaration(current) || isClassExpression(current)) return current;
  }
  return undefined;
}

/** Calls that return the function they are given (React's useCallback/memo…), so `const f = useCallback((k) => …)` is a function. */
export const FUNCTION_WRAPPING_CALLS = new Set(['useCallback', 'memo', 'forwardRef', 'cache', 'once', 'memoize']);

export function isFunctionWrappingCall(call: ts.CallExpression): boolean {
  const callee = call.expression;
  const name = isIdentifier(callee) ? callee.text : isPropertyAccessExpression(callee) ? callee.name.text : '';
  return FUNCTION_WRAPPING_CALLS.has(name);
}

export function functionOfDeclaration(node: ts.Node): ts.SignatureDeclaration | undefined {
  if (isFunctionDeclaration(node)) return node;
  if ((isVariableDeclaration(node) || isPropertyDeclaration(node)) && node.initializer) {
    let init = unwrap(node.initializer);
    if (isCallExpression(init) && isFunctionWrappingCall(init) && init.arguments[0]) init = unwrap(init.arguments[0]);
    if (isArrowFunction(init) || isFunctionExpression(init)) return init;
  }
  if (isExportAssignment(node)) {
    const init = unwrap(node.expression);
    if (isArrowFunction(init) || isFunctionExpression(init)) return init;
  }
  return undefined;
}

export function memberFunction(classNode: ts.ClassLikeDeclaration, name: string): ts.SignatureDeclaration | undefined {
  for (const member of classNode.members) {
    if (propertyNameText(member.name) !== name) continue;
    if (isMethodDeclaration(member)) return member;
    if (isPropertyDeclaration(member)) return functionOfDeclaration(member);
  }
  return undefined;
}

export function objectMemberFunction(object: ts.ObjectLiteralExpression, name: string): ts.SignatureDeclaration | undefined {
  for (const property of object.properties) {
    if (propertyNameText(property.name) !== name) continue;
    if (isMethodDeclaration(property)) return property;
    if (isPropertyAssignment(property)) {
      const init = unwrap(property.initializer);
      if (isArrowFunction(init) || isFunctionExpression(init)) return init;
    }
  }
  return undefined;
}

/** Functions assigned to members of `objectName` at the top level (`Utils.isOn = (k) => …`), in source order. */
export function memberFunctionAssignments(module: ParsedModule, objectName: string): Array<{ member: string; fn: ts.SignatureDeclaration }> {
  const out: Array<{ member: string; fn: ts.SignatureDeclaration }> = [];
  for (const statement of module.sourceFile.statements) {
    if (!isExpressionStatement(statement)) continue;
    const expression = statement.expression;
    if (
      isBinaryExpression(expression) &&
      expression.operatorToken.kind === SyntaxKind.EqualsToken &&
      isPropertyAccessExpression(expression.left) &&
      isIdentifier(expression.left.expression) &&
      expression.left.expression.text === objectName
    ) {
      const init = unwrap(expression.right);
      if (isArrowFunction(init) || isFunctionExpression(init)) out.push({ member: expression.left.name.text, fn: init });
    }
  }
  return out;
}

export function assignedMemberFunctions(module: ParsedModule, objectName: string): ts.SignatureDeclaration[] {
  return memberFunctionAssignments(module, objectName).map((assignment) => assignment.fn);
}

export function assignedMemberFunction(module: ParsedModule, objectName: string, member: string): ts.SignatureDeclaration | undefined {
  return memberFunctionAssignments(module, objectName).find((assignment) => assignment.member === member)?.fn;
}

/** The name callers use for a function that may be a wrapper; undefined for anonymous callbacks. */
export function wrapperDisplayName(fn: ts.Node): string | undefined {
  if (isFunctionDeclaration(fn)) return fn.name?.text ?? (hasModifier(fn, SyntaxKind.DefaultKeyword) ? 'default' : undefined);
  if (isMethodDeclaration(fn) || isGetAccessorDeclaration(fn)) return propertyNameText(fn.name);
  const parent = fn.parent;
  if (!parent) return undefined;
  if ((isVariableDeclaration(parent) || isPropertyDeclaration(parent) || isPropertyAssignment(parent)) && parent.initializer === fn) {
    return isIdentifier(parent.name) || isStringLiteral(parent.name) ? parent.name.text : undefined;
  }
  if (isBinaryExpression(parent) && parent.right === fn && isPropertyAccessExpression(parent.left)) return parent.left.name.text;
  if (isExportAssignment(parent)) return 'default';
  // Wrapped in useCallback/memo/…: use the variable it is assigned to.
  if (isCallExpression(parent) && isFunctionWrappingCall(parent) && parent.parent && isVariableDeclaration(parent.parent) && isIdentifier(parent.parent.name)) {
    return parent.parent.name.text;
  }
  return undefined;
}

export function calleeDisplayName(callee: ts.Expression): string {
  if (isIdentifier(callee)) return callee.text;
  if (isPropertyAccessExpression(callee)) {
    const receiver = unwrap(callee.expression);
    if (isIdentifier(receiver)) return `${receiver.text}.${callee.name.text}`;
    return callee.name.text;
  }
  return callee.getText();
}

export function endsWithSegments(path: string, segments: string[]): boolean {
  const parts = path.split('.');
  if (parts.length < segments.length) return false;
  const offset = parts.length - segments.length;
  for (let i = 0; i < segments.length; i++) if (parts[offset + i] !== segments[i]) return false;
  return true;
}

/** `0` → argument 0; `0.key` → property `key` of the object literal in argument 0. */
export function argumentAtPath(call: ts.CallExpression, path: string): ts.Node | undefined {
  const [index, ...properties] = path.split('.');
  let node: ts.Node | undefined = call.arguments[Number(index)];
  for (const property of properties) {
    if (!node) return undefined;
    const object = unwrap(node as ts.Expression);
    if (!isObjectLiteralExpression(object)) return node; // Not a literal: report the argument itself (unresolved).
    const found = object.properties.find((p) => propertyNameText(p.name) === property);
    if (!found) return undefined;
    node = isPropertyAssignment(found) ? found.initializer : isShorthandPropertyAssignment(found) ? found.name : undefined;
  }
  return node;
}

/** A literal default value as JSON: booleans, strings, numbers, null, and arrays/objects of those. */
export function literalJson(node: ts.Node): { ok: true; value: unknown } | { ok: false } {
  const expression = unwrap(node as ts.Expression);
  if (isStringLiteral(expression) || isNoSubstitutionTemplateLiteral(expression)) return { ok: true, value: expression.text };
  if (isNumericLiteral(expression)) return { ok: true, value: Number(expression.text) };
  if (isPrefixUnaryExpression(expression) && expression.operator === SyntaxKind.MinusToken && isNumericLiteral(expression.operand)) {
    return { ok: true, value: -Number(expression.operand.text) };
  }
  if (expression.kind === SyntaxKind.TrueKeyword) return { ok: true, value: true };
  if (expression.kind === SyntaxKind.FalseKeyword) return { ok: true, value: false };
  if (expression.kind === SyntaxKind.NullKeyword) return { ok: true, value: null };
  if (isArrayLiteralExpression(expression)) {
    const values: unknown[] = [];
    for (const element of expression.elements) {
      const value = literalJson(element);
      if (!value.ok) return { ok: false };
      values.push(value.value);
    }
    return { ok: true, value: values };
  }
  if (isObjectLiteralExpression(expression)) {
    const object: Record<string, unknown> = {};
    for (const property of expression.properties) {
      if (!isPropertyAssignment(property)) return { ok: false };
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

/**
 * The nodes an argument path names in a call: `0`, `0.key` (a property of an object literal), `0[]`
 * (each element of an array literal), `0.flags[].flagKey`. Where the argument is not the literal the
 * path expects (a variable), the expression standing there is returned itself, so the check is still
 * reported (its key then resolves or says why not).
 */
export function nodesAtPath(call: ts.CallExpression, path: string): ts.Node[] {
  const [index, ...rest] = path.split('.');
  const argumentIndex = index.endsWith('[]') ? index.slice(0, -2) : index;
  const start = call.arguments[Number(argumentIndex)];
  if (!start) return [];
  const steps = index.endsWith('[]') ? ['[]', ...rest.flatMap(splitArraySteps)] : rest.flatMap(splitArraySteps);
  let nodes: ts.Node[] = [start];
  for (const step of steps) {
    const next: ts.Node[] = [];
    for (const node of nodes) {
      const expression = unwrap(node as ts.Expression);
      if (step === '[]') {
        if (isArrayLiteralExpression(expression)) next.push(...expression.elements.filter((element) => !isSpreadElement(element) && !isOmittedExpression(element)));
        else next.push(node);
        continue;
      }
      if (!isObjectLiteralExpression(expression)) {
        next.push(node);
        continue;
      }
      const found = expression.properties.find((p) => propertyNameText(p.name) === step);
      if (found && isPropertyAssignment(found)) next.push(found.initializer);
      else if (found && isShorthandPropertyAssignment(found)) next.push(found.name);
    }
    nodes = next;
  }
  return nodes;
}

function splitArraySteps(segment: string): string[] {
  return segment.endsWith('[]') ? [segment.slice(0, -2), '[]'] : [segment];
}
