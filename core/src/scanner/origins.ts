// Origins: what an expression holds — an SDK client (imported, created by an SDK call, returned by a
// factory, stored in a class field, or carried by a declared type), a flags object (LaunchDarkly's
// `useFlags()`), or an instance of a class of the codebase (whose methods may be wrappers).
import { ts } from '../typescript.js';
import type { ParsedModule } from './parsedModule.js';
import type { Resolved } from './moduleGraph.js';
import type { SdkPreset } from './presets.js';
import type { TypeRef } from './declaredTypes.js';
import type { AnalysisSession } from './session.js';
import * as syntaxHelpers from './syntax.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { SyntaxKind, forEachChild, getModifiers, isBinaryExpression, isBindingElement, isBlock, isCallExpression, isClassDeclaration, isClassExpression, isClassLike, isConditionalExpression, isConstructorDeclaration, isExportAssignment, isIdentifier, isNewExpression, isParameter, isParenthesizedTypeNode, isPropertyAccessExpression, isPropertyDeclaration, isReturnStatement, isTypeAliasDeclaration, isTypeReferenceNode, isUnionTypeNode, isVariableDeclaration } = ts;
const { bindingRoot, enclosingClass, isFunctionLike, nodesAtPath, unwrap } = syntaxHelpers;

export type Origin =
  | { kind: 'sdk'; preset: SdkPreset; packageName: string }
  | { kind: 'flags'; preset: SdkPreset; packageName: string; hook: string }
  | { kind: 'instance'; module: ParsedModule; classNode: ts.ClassLikeDeclaration }
  /** A flag declared with the SDK (`flag({ key, defaultValue })`): its uses are checks of that key. */
  | { kind: 'declared-flag'; preset: SdkPreset; key: { node: ts.Expression; module: ParsedModule }; defaultValue?: { node: ts.Expression; module: ParsedModule } }
  | { kind: 'none' };

export const NONE: Origin = { kind: 'none' };

export class OriginResolver {
  private readonly originMemo = new Map<ts.Node, Origin>();
  private readonly memberOriginMemo = new Map<ts.ClassLikeDeclaration, Map<string, Origin>>();

  constructor(private readonly session: AnalysisSession) {}

  origin(expression: ts.Expression, module: ParsedModule): Origin {
    expression = unwrap(expression);
    const memo = this.originMemo.get(expression);
    if (memo) return memo;
    this.originMemo.set(expression, NONE); // Cycle guard: a self-referential value is no client.
    const result = this.session.deeper(NONE, () => this.computeOrigin(expression, module));
    this.originMemo.set(expression, result);
    return result;
  }

  computeOrigin(expression: ts.Expression, module: ParsedModule): Origin {
    if (isIdentifier(expression)) return this.originOfResolved(this.session.graph.resolveName(expression.text, expression, module));
    if (isPropertyAccessExpression(expression)) {
      if (expression.expression.kind === SyntaxKind.ThisKeyword) {
        const classNode = enclosingClass(expression);
        return classNode ? this.originOfMember(classNode, expression.name.text, module) : NONE;
      }
      const baseResolved = isIdentifier(expression.expression) || isPropertyAccessExpression(expression.expression) ? this.session.graph.resolveQualified(expression.expression, module) : undefined;
      if (baseResolved?.kind === 'namespace') return this.originOfResolved(this.session.graph.resolveExport(baseResolved.module, expression.name.text, 0));
      const base = this.origin(expression.expression, module);
      if (base.kind === 'sdk') return base;
      if (base.kind === 'instance') return this.originOfMember(base.classNode, expression.name.text, base.module);
      // `props.gb`, `ctx.client`: a member of a value whose declared type carries the client.
      return this.originOfTypedExpression(expression, module);
    }
    if (isCallExpression(expression)) {
      const callee = unwrap(expression.expression);
      const base = this.origin(callee, module);
      if (base.kind === 'sdk') {
        const name = isIdentifier(callee) ? this.importedNameOf(callee, module) : isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        if (name && base.preset.flagObjectHooks.includes(name)) return { kind: 'flags', preset: base.preset, packageName: base.packageName, hook: name };
        const declaration = name ? base.preset.flagDeclarations[name] : undefined;
        if (declaration) {
          const keyNode = nodesAtPath(expression, declaration.key)[0];
          const defaultNode = declaration.default !== undefined ? nodesAtPath(expression, declaration.default)[0] : undefined;
          if (!keyNode) return NONE;
          return { kind: 'declared-flag', preset: base.preset, key: { node: keyNode as ts.Expression, module }, defaultValue: defaultNode ? { node: defaultNode as ts.Expression, module } : undefined };
        }
        // A check's result is a flag value, not a client.
        if (name && base.preset.checks[name]) return NONE;
        return base;
      }
      // A factory of the codebase: `export function getFlags() { return OpenFeature.getClient() }`.
      if (isIdentifier(callee) || isPropertyAccessExpression(callee)) {
        const target = this.session.wrappers.functionForCallee(callee, module);
        if (target) return this.returnedOrigin(target.fn, target.module);
      }
      return NONE;
    }
    if (isNewExpression(expression)) {
      const base = this.origin(expression.expression, module);
      if (base.kind === 'sdk') return base;
      const resolved = isIdentifier(expression.expression) || isPropertyAccessExpression(expression.expression) ? this.session.graph.resolveQualified(expression.expression, module) : undefined;
      if (resolved?.kind === 'declaration' && (isClassDeclaration(resolved.node) || isClassExpression(resolved.node))) {
        return { kind: 'instance', module: resolved.module, classNode: resolved.node };
      }
      return NONE;
    }
    if (isBinaryExpression(expression) && (expression.operatorToken.kind === SyntaxKind.QuestionQuestionToken || expression.operatorToken.kind === SyntaxKind.BarBarToken)) {
      const left = this.origin(expression.left, module);
      return left.kind !== 'none' ? left : this.origin(expression.right, module);
    }
    if (isConditionalExpression(expression)) {
      const whenTrue = this.origin(expression.whenTrue, module);
      return whenTrue.kind !== 'none' ? whenTrue : this.origin(expression.whenFalse, module);
    }
    return NONE;
  }

  /** What a function returns, when that is an SDK client (or a flags object, or a class instance). */
  returnedOrigin(fn: ts.SignatureDeclaration, module: ParsedModule): Origin {
    const fromBody = this.originOfReturnStatements(fn, module);
    if (fromBody.kind !== 'none' || !fn.type) return fromBody;
    // `function getClient(): Client` (or `Promise<Client>`): the declared return type says it.
    return this.originOfType(fn.type, module);
  }

  private originOfReturnStatements(fn: ts.SignatureDeclaration, module: ParsedModule): Origin {
    const body = 'body' in fn ? (fn.body as ts.Node | undefined) : undefined;
    if (!body) return NONE;
    if (!isBlock(body)) return this.origin(body as ts.Expression, module);
    let found: Origin = NONE;
    const visit = (node: ts.Node): void => {
      if (found.kind !== 'none' || isFunctionLike(node) || isClassLike(node)) return;
      if (isReturnStatement(node) && node.expression) {
        found = this.origin(node.expression, module);
        return;
      }
      forEachChild(node, visit);
    };
    forEachChild(body, visit);
    return found;
  }

  importedNameOf(identifier: ts.Identifier, module: ParsedModule): string {
    const resolved = this.session.graph.resolveName(identifier.text, identifier, module);
    return resolved.kind === 'sdk' && resolved.importedName !== '*' && resolved.importedName !== 'default' ? resolved.importedName : identifier.text;
  }

  originOfResolved(resolved: Resolved): Origin {
    switch (resolved.kind) {
      case 'sdk':
        return { kind: 'sdk', preset: resolved.preset, packageName: resolved.packageName };
      case 'declaration':
        return this.originOfDeclaration(resolved.node, resolved.module);
      default:
        return NONE;
    }
  }

  originOfDeclaration(node: ts.Node, module: ParsedModule): Origin {
    if (isVariableDeclaration(node) || isPropertyDeclaration(node) || isParameter(node)) {
      if (node.initializer) {
        const fromInitializer = this.origin(node.initializer, module);
        if (fromInitializer.kind !== 'none') return fromInitializer;
      }
      const type = this.session.types.typeOfDeclaration(node, module);
      return type ? this.originOfTypeRef(type) : NONE;
    }
    if (isBindingElement(node)) {
      const origin = this.originOfBindingRoot(node, module);
      // Destructuring a client gives its methods (still the SDK); destructuring a flags object gives flag values.
      if (origin.kind === 'sdk') return origin;
      if (origin.kind !== 'none') return NONE;
      // `({ gb }: Props)`: the field's declared type.
      const type = this.session.types.typeOfDeclaration(node, module);
      return type ? this.originOfTypeRef(type) : NONE;
    }
    if (isExportAssignment(node)) return this.origin(node.expression, module);
    return NONE;
  }

  originOfBindingRoot(element: ts.BindingElement, module: ParsedModule): Origin {
    const root = bindingRoot(element);
    if (!root) return NONE;
    if (root.initializer) return this.origin(root.initializer, module);
    return NONE;
  }

  /** What a declared type makes a value: an SDK client (`Client`, `Promise<LDClient>`), or an instance of a class of the codebase. */
  originOfType(type: ts.TypeNode, module: ParsedModule): Origin {
    return this.originOfTypeRef({ node: type, module });
  }

  originOfTypeRef(type: TypeRef): Origin {
    const sdk = this.session.types.sdkOfType(type);
    if (sdk) return { kind: 'sdk', preset: sdk.preset, packageName: sdk.packageName };
    let node: ts.Node = type.node;
    while (isParenthesizedTypeNode(node)) node = node.type;
    if (isUnionTypeNode(node)) {
      for (const member of node.types) {
        const origin = this.originOfTypeRef({ node: member, module: type.module });
        if (origin.kind !== 'none') return origin;
      }
      return NONE;
    }
    if (isTypeReferenceNode(node)) {
      const resolved = this.session.types.resolveTypeName(node.typeName, type.module);
      if (resolved.kind === 'declaration' && (isClassDeclaration(resolved.node) || isClassExpression(resolved.node))) {
        return { kind: 'instance', module: resolved.module, classNode: resolved.node };
      }
      if (resolved.kind === 'declaration' && isTypeAliasDeclaration(resolved.node)) return this.originOfTypeRef({ node: resolved.node.type, module: resolved.module });
    }
    return NONE;
  }

  /** The origin a member access gets from the declared type of its base (`props.gb` with `props: Props`). */
  private originOfTypedExpression(expression: ts.Expression, module: ParsedModule): Origin {
    const type = this.session.types.typeOfExpression(expression, module);
    return type ? this.originOfTypeRef(type) : NONE;
  }

  /** A class field: its initializer or type, a constructor parameter property, or `this.name = …` anywhere in the class. */
  originOfMember(classNode: ts.ClassLikeDeclaration, name: string, module: ParsedModule): Origin {
    let byName = this.memberOriginMemo.get(classNode);
    if (!byName) this.memberOriginMemo.set(classNode, (byName = new Map()));
    const memo = byName.get(name);
    if (memo) return memo;
    byName.set(name, NONE); // Cycle guard.
    const origin = this.computeOriginOfMember(classNode, name, module);
    byName.set(name, origin);
    return origin;
  }

  computeOriginOfMember(classNode: ts.ClassLikeDeclaration, name: string, module: ParsedModule): Origin {
    for (const member of classNode.members) {
      if (isPropertyDeclaration(member) && member.name.getText(module.sourceFile) === name) {
        const origin = this.originOfDeclaration(member, module);
        if (origin.kind !== 'none') return origin;
      }
      if (isConstructorDeclaration(member)) {
        for (const parameter of member.parameters) {
          if (isIdentifier(parameter.name) && parameter.name.text === name && getModifiers(parameter)?.length) {
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
        isBinaryExpression(node) &&
        node.operatorToken.kind === SyntaxKind.EqualsToken &&
        isPropertyAccessExpression(node.left) &&
        node.left.expression.kind === SyntaxKind.ThisKeyword &&
        node.left.name.text === name
      ) {
        found = this.origin(node.right, module);
        if (found.kind !== 'none') return;
      }
      forEachChild(node, visit);
    };
    for (const member of classNode.members) visit(member);
    return found;
  }
}
