// Declared types, read from the syntax tree without a type checker: the type written on a variable,
// parameter, field or function, the contextual type of a callback (`filter: ({ gb }) => …` inside an object
// typed `Route[]`), members of interfaces and type aliases (with `extends`, intersections, unions),
// possibly imported from other modules or workspace packages. Origins use it to find SDK clients carried
// by types (`gb: GrowthBook` in `Props`); the prefilter uses `carriesSdk` to make such types triggers.
import { ts } from '../typescript.js';
import type { ParsedModule } from './parsedModule.js';
import type { Resolved } from './moduleGraph.js';
import type { AnalysisSession } from './session.js';
import * as syntaxHelpers from './syntax.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { SyntaxKind, isArrayLiteralExpression, isArrayTypeNode, isArrowFunction, isAsExpression, isBindingElement, isCallExpression, isCallSignatureDeclaration, isClassDeclaration, isClassExpression, isExpressionWithTypeArguments, isFunctionDeclaration, isFunctionExpression, isFunctionTypeNode, isIdentifier, isInterfaceDeclaration, isIntersectionTypeNode, isMethodDeclaration, isMethodSignature, isObjectBindingPattern, isParameter, isParenthesizedExpression, isParenthesizedTypeNode, isPropertyAccessExpression, isPropertyAssignment, isPropertyDeclaration, isPropertySignature, isQualifiedName, isReturnStatement, isSatisfiesExpression, isTypeAliasDeclaration, isTypeAssertionExpression, isTypeLiteralNode, isTypeNode, isTypeOperatorNode, isTypeReferenceNode, isUnionTypeNode, isVariableDeclaration } = ts;
const { bindingRoot, isFunctionLike, propertyNameText, unwrap } = syntaxHelpers;

/** A type as written: a type node, or a signature (a method signature is its own function type). */
export interface TypeRef {
  node: ts.TypeNode | ts.SignatureDeclaration;
  module: ParsedModule;
}

/** A declared type followed to its definition. */
type TypeShape =
  | { kind: 'members'; members: readonly ts.TypeElement[] | readonly ts.ClassElement[]; module: ParsedModule; heritage: TypeRef[] }
  | { kind: 'function'; signature: ts.SignatureDeclaration | ts.FunctionTypeNode; module: ParsedModule }
  | { kind: 'array'; element: TypeRef }
  | { kind: 'sdk'; resolved: Extract<Resolved, { kind: 'sdk' }> }
  /** A generic from outside the workspace (`FC<P>`, `PropsWithChildren<P>`, `Promise<T>`): only its type arguments are known. */
  | { kind: 'external'; name: string; typeArguments: TypeRef[] };

const MAX_TYPE_DEPTH = 12;
/** Library types whose value is (or resolves to) their first type argument. */
const PASS_THROUGH_TYPES = new Set(['Promise', 'PromiseLike', 'Awaited', 'Readonly', 'NonNullable', 'Partial', 'Required']);

export class DeclaredTypes {
  constructor(private readonly session: AnalysisSession) {}

  /** What a type reference's name refers to: an interface, alias, class, enum, an SDK type, or nothing known. */
  resolveTypeName(name: ts.EntityName | ts.Expression, module: ParsedModule): Resolved {
    const graph = this.session.graph;
    if (isIdentifier(name)) return graph.resolveName(name.text, name, module);
    if (isQualifiedName(name)) return graph.resolveMember(this.resolveTypeName(name.left, module), name.right.text);
    return graph.resolveQualified(name as ts.Expression, module);
  }

  /** The type a declaration is declared with or, for untyped callback parameters, given by its context. */
  typeOfDeclaration(node: ts.Node, module: ParsedModule): TypeRef | undefined {
    if (isVariableDeclaration(node) || isPropertyDeclaration(node) || isPropertySignature(node)) {
      return node.type ? { node: node.type, module } : undefined;
    }
    if (isParameter(node)) {
      if (node.type) return { node: node.type, module };
      const fn = node.parent;
      if (!isFunctionLike(fn) || !(isArrowFunction(fn) || isFunctionExpression(fn))) return undefined;
      const context = this.contextualType(fn, module);
      return context ? this.parameterType(context, fn.parameters.indexOf(node)) : undefined;
    }
    if (isBindingElement(node)) {
      // `({ gb }: Props)`, `const { client } = deps` with `deps: Deps`, nested patterns too.
      const path: string[] = [];
      let current: ts.Node = node;
      while (isBindingElement(current)) {
        const name = current.propertyName ? propertyNameText(current.propertyName) : isIdentifier(current.name) ? current.name.text : undefined;
        if (name === undefined || !isObjectBindingPattern(current.parent)) return undefined;
        path.unshift(name);
        current = current.parent.parent;
      }
      const root = bindingRoot(node);
      if (!root) return undefined;
      let type = this.typeOfDeclaration(root, module);
      for (const name of path) type = type && this.memberType(type, name);
      return type;
    }
    return undefined;
  }

  /** The declared type of an expression, where syntax alone can tell: names, `this.x`, `a.b`, calls of typed functions. */
  typeOfExpression(expression: ts.Expression, module: ParsedModule): TypeRef | undefined {
    return this.session.deeper<TypeRef | undefined>(undefined, () => {
      const e = unwrap(expression);
      if (isIdentifier(e)) {
        const resolved = this.session.graph.resolveName(e.text, e, module);
        return resolved.kind === 'declaration' ? this.typeOfDeclaration(resolved.node, resolved.module) : undefined;
      }
      if (isPropertyAccessExpression(e)) {
        if (e.expression.kind === SyntaxKind.ThisKeyword) return undefined; // Class members: origins.ts reads them.
        const base = this.typeOfExpression(e.expression, module);
        return base ? this.memberType(base, e.name.text) : undefined;
      }
      if (isCallExpression(e)) {
        const callee = this.typeOfExpression(e.expression, module);
        if (callee) return this.returnType(callee);
        if (isIdentifier(e.expression)) {
          const resolved = this.session.graph.resolveName(e.expression.text, e.expression, module);
          if (resolved.kind === 'declaration' && isFunctionDeclaration(resolved.node) && resolved.node.type) return { node: resolved.node.type, module: resolved.module };
        }
      }
      return undefined;
    });
  }

  /**
   * The type an expression is expected to have from where it stands: a typed variable, `as`/`satisfies`,
   * a property of a typed object literal, an element of a typed array, or the declared return type of
   * the function it is returned from. (Arguments of calls are left out: finding the callee's declared
   * parameter types would parse every module a callback is passed into.)
   */
  contextualType(node: ts.Expression, module: ParsedModule): TypeRef | undefined {
    return this.session.deeper<TypeRef | undefined>(undefined, () => {
      const parent = node.parent;
      if (!parent) return undefined;
      if ((isVariableDeclaration(parent) || isPropertyDeclaration(parent)) && parent.initializer === node) return parent.type ? { node: parent.type, module } : undefined;
      if (isAsExpression(parent) || isSatisfiesExpression(parent) || isTypeAssertionExpression(parent)) return { node: parent.type, module };
      if (isParenthesizedExpression(parent)) return this.contextualType(parent, module);
      if (isPropertyAssignment(parent) && parent.initializer === node) {
        const name = propertyNameText(parent.name);
        const objectType = this.contextualType(parent.parent, module);
        return name !== undefined && objectType ? this.memberType(objectType, name) : undefined;
      }
      if (isArrayLiteralExpression(parent)) {
        const arrayType = this.contextualType(parent, module);
        return arrayType ? this.elementType(arrayType) : undefined;
      }
      const fn = isReturnStatement(parent) ? enclosingFunction(parent) : isArrowFunction(parent) && parent.body === node ? parent : undefined;
      if (fn) {
        if (fn.type) return { node: fn.type, module };
        const fnContext = isArrowFunction(fn) || isFunctionExpression(fn) ? this.contextualType(fn, module) : undefined;
        return fnContext ? this.returnType(fnContext) : undefined;
      }
      return undefined;
    });
  }

  /** The type of member `name` of a type. */
  memberType(type: TypeRef, name: string): TypeRef | undefined {
    for (const shape of this.shapes(type, 0)) {
      const found = this.memberOfShape(shape, name, 0);
      if (found) return found;
    }
    return undefined;
  }

  /** The type of parameter `index` of a function type (`FC<P>` and other outside generics: their first type argument). */
  parameterType(type: TypeRef, index: number): TypeRef | undefined {
    for (const shape of this.shapes(type, 0)) {
      if (shape.kind === 'function') {
        const parameter = shape.signature.parameters[index];
        if (parameter?.type) return { node: parameter.type, module: shape.module };
      }
      if (shape.kind === 'external' && index === 0 && shape.typeArguments[0]) return shape.typeArguments[0];
    }
    return undefined;
  }

  /** The declared return type of a function type (through `Promise<T>`: an awaited call gives T). */
  returnType(type: TypeRef): TypeRef | undefined {
    for (const shape of this.shapes(type, 0)) {
      if (shape.kind === 'function' && shape.signature.type) return { node: shape.signature.type, module: shape.module };
    }
    return undefined;
  }

  elementType(type: TypeRef): TypeRef | undefined {
    for (const shape of this.shapes(type, 0)) if (shape.kind === 'array') return shape.element;
    return undefined;
  }

  /** The SDK a type is (`GrowthBook`, `Client`), through aliases, unions and outside generics (`Promise<Client>`). */
  sdkOfType(type: TypeRef): Extract<Resolved, { kind: 'sdk' }> | undefined {
    for (const shape of this.shapes(type, 0)) {
      if (shape.kind === 'sdk') return shape.resolved;
      // Promise<Client>, Readonly<Client>: TypeScript's own types that stand for their argument.
      if (shape.kind === 'external' && shape.typeArguments[0] && PASS_THROUGH_TYPES.has(shape.name)) {
        const inner = this.sdkOfType(shape.typeArguments[0]);
        if (inner) return inner;
      }
    }
    return undefined;
  }

  /** Whether a type holds an SDK type anywhere in its members, parameters, results or elements (bounded depth). */
  carriesSdk(type: TypeRef, depth = 0, seen = new Set<ts.Node>()): boolean {
    if (depth > 4 || seen.has(type.node)) return false;
    seen.add(type.node);
    for (const shape of this.shapes(type, 0)) {
      switch (shape.kind) {
        case 'sdk':
          return true;
        case 'array':
          if (this.carriesSdk(shape.element, depth + 1, seen)) return true;
          break;
        case 'external':
          if (shape.typeArguments.some((argument) => this.carriesSdk(argument, depth + 1, seen))) return true;
          break;
        case 'function':
          for (const parameter of shape.signature.parameters) if (parameter.type && this.carriesSdk({ node: parameter.type, module: shape.module }, depth + 1, seen)) return true;
          if (shape.signature.type && this.carriesSdk({ node: shape.signature.type, module: shape.module }, depth + 1, seen)) return true;
          break;
        case 'members':
          for (const member of shape.members) {
            const memberType = typeOfMember(member, shape.module);
            if (memberType && this.carriesSdk(memberType, depth + 1, seen)) return true;
          }
          if (shape.heritage.some((parent) => this.carriesSdk(parent, depth + 1, seen))) return true;
          break;
      }
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------

  private memberOfShape(shape: TypeShape, name: string, depth: number): TypeRef | undefined {
    if (depth > MAX_TYPE_DEPTH) return undefined;
    if (shape.kind === 'members') {
      for (const member of shape.members) {
        if (propertyNameText(member.name) === name) {
          const type = typeOfMember(member, shape.module);
          if (type) return type;
        }
      }
      for (const parent of shape.heritage) {
        for (const inner of this.shapes(parent, depth + 1)) {
          const found = this.memberOfShape(inner, name, depth + 1);
          if (found) return found;
        }
      }
    }
    if (shape.kind === 'external') {
      // PropsWithChildren<P>, Partial<P>, Readonly<P>: the members come from the type arguments.
      for (const argument of shape.typeArguments) {
        for (const inner of this.shapes(argument, depth + 1)) {
          const found = this.memberOfShape(inner, name, depth + 1);
          if (found) return found;
        }
      }
    }
    return undefined;
  }

  /** Follows a type to what defines it; unions and intersections give several shapes. */
  private shapes(type: TypeRef, depth: number): TypeShape[] {
    if (depth > MAX_TYPE_DEPTH) return [];
    const node = type.node;
    const module = type.module;
    if (!isTypeNode(node)) return [{ kind: 'function', signature: node, module }];
    if (isParenthesizedTypeNode(node)) return this.shapes({ node: node.type, module }, depth + 1);
    if (isTypeOperatorNode(node)) return this.shapes({ node: node.type, module }, depth + 1);
    if (isUnionTypeNode(node) || isIntersectionTypeNode(node)) return node.types.flatMap((member) => this.shapes({ node: member, module }, depth + 1));
    if (isTypeLiteralNode(node)) return [{ kind: 'members', members: node.members, module, heritage: [] }];
    if (isFunctionTypeNode(node)) return [{ kind: 'function', signature: node, module }];
    if (isArrayTypeNode(node)) return [{ kind: 'array', element: { node: node.elementType, module } }];
    if (isTypeReferenceNode(node) || isExpressionWithTypeArguments(node)) {
      const typeArguments = (node.typeArguments ?? []).map((argument) => ({ node: argument, module }));
      const typeName = isTypeReferenceNode(node) ? node.typeName : node.expression;
      const resolved = this.resolveTypeName(typeName, module);
      if (resolved.kind === 'sdk') return [{ kind: 'sdk', resolved }];
      if (resolved.kind === 'declaration') return this.shapesOfDeclaration(resolved.node, resolved.module, depth);
      const simpleName = isIdentifier(typeName) ? typeName.text : isQualifiedName(typeName) ? typeName.right.text : isPropertyAccessExpression(typeName) ? typeName.name.text : '';
      if ((simpleName === 'Array' || simpleName === 'ReadonlyArray') && typeArguments[0]) return [{ kind: 'array', element: typeArguments[0] }];
      return typeArguments.length ? [{ kind: 'external', name: simpleName, typeArguments }] : [];
    }
    return [];
  }

  private shapesOfDeclaration(node: ts.Node, module: ParsedModule, depth: number): TypeShape[] {
    if (isInterfaceDeclaration(node)) {
      const heritage = (node.heritageClauses ?? []).flatMap((clause) => clause.types.map((parent): TypeRef => ({ node: parent, module })));
      const callSignatures = node.members.filter((member): member is ts.CallSignatureDeclaration => isCallSignatureDeclaration(member));
      return [{ kind: 'members', members: node.members, module, heritage }, ...callSignatures.map((signature) => ({ kind: 'function' as const, signature, module }))];
    }
    if (isTypeAliasDeclaration(node)) return this.shapes({ node: node.type, module }, depth + 1);
    if (isClassDeclaration(node) || isClassExpression(node)) return [{ kind: 'members', members: node.members, module, heritage: [] }];
    return [];
  }
}

/** The type of an interface, type-literal or class member (a method is its own function type). */
function typeOfMember(member: ts.TypeElement | ts.ClassElement, module: ParsedModule): TypeRef | undefined {
  if (isPropertySignature(member) || isPropertyDeclaration(member)) return member.type ? { node: member.type, module } : undefined;
  if (isMethodSignature(member) || isMethodDeclaration(member)) return { node: member, module };
  return undefined;
}

function enclosingFunction(node: ts.Node): (ts.SignatureDeclaration & { type?: ts.TypeNode }) | undefined {
  for (let current = node.parent; current; current = current.parent) if (isFunctionLike(current)) return current;
  return undefined;
}
