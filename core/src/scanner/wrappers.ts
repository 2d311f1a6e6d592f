// Wrappers: functions, hooks, methods and components of the codebase that pass one of their parameters
// (or a property of one, through local constants, defaults and templates) as the key of a check, so
// each of their calls is a check. Also finds the function a callee refers to (plain functions, object
// and class members, namespace members, methods on instances).
import { ts } from '../typescript.js';
import type { ParsedModule } from './parsedModule.js';
import type { RawCheck } from './matching.js';
import { keyText } from './keys.js';
import * as scopeHelpers from './scopes.js';
import { MAX_DEPTH, type AnalysisSession } from './session.js';
import * as syntaxHelpers from './syntax.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { NodeFlags, SyntaxKind, forEachChild, getCombinedNodeFlags, isBinaryExpression, isBindingElement, isBlock, isCallExpression, isClassDeclaration, isClassExpression, isElementAccessExpression, isIdentifier, isJsxAttribute, isJsxExpression, isJsxOpeningElement, isJsxSelfClosingElement, isNewExpression, isObjectBindingPattern, isObjectLiteralExpression, isParameter, isPropertyAccessExpression, isPropertyAssignment, isReturnStatement, isShorthandPropertyAssignment, isTemplateExpression, isVariableDeclaration } = ts;
const { lookupName } = scopeHelpers;
const { assignedMemberFunction, bindingNames, bindingPropertyName, calleeDisplayName, enclosingClass, functionOfDeclaration, isFunctionLike, memberFunction, objectMemberFunction, propertyNameText, unwrap, wrapperDisplayName } = syntaxHelpers;

export interface WrapperInfo {
  keyParameter: number;
  /** Set when the key is a property of that (object) parameter: `({ flag }) => …`, `(props) => useFlag(props.flag)`. */
  keyProperty?: string;
  /** A template around the parameter: constant parts and `null` where the argument goes (`team-${name}`). */
  keyTemplate?: Array<string | null>;
  /** The key parameter's (or property's) default value, for calls that leave it out. */
  keyInitializer?: { node: ts.Expression; module: ParsedModule };
  defaultParameter?: number;
  /** The default parameter's own default (`fallback = false`), for calls that leave it out. */
  defaultInitializer?: ts.Expression;
  /** Wrapper names below this one, outermost first (for `via`). */
  innerVia: string[];
}

/** A fixed-key accessor: where its key and default stand. */
export interface AccessorInfo {
  keyFrom: { node: ts.Expression; module: ParsedModule };
  defaultFrom?: { node: ts.Node; module: ParsedModule };
}

interface ParameterKey {
  index: number;
  property?: string;
  template?: Array<string | null>;
  propertyInitializer?: { node: ts.Expression; module: ParsedModule };
}

export class WrapperDetector {
  private readonly wrapperMemo = new Map<ts.Node, WrapperInfo | null>();
  private readonly wrappersInProgress = new Set<ts.Node>();
  private readonly accessorMemo = new Map<ts.Node, AccessorInfo | null>();

  constructor(private readonly session: AnalysisSession) {}

  /** `argumentCount` 0 (a wrapper whose key parameter has a default): a lookup bounded like accessorForCallee's. */
  wrapperForCallee(callee: ts.Expression, module: ParsedModule, argumentCount = 1): { name: string; info: WrapperInfo; module: ParsedModule } | undefined {
    const target = argumentCount ? this.functionForCallee(callee, module) : this.session.onlyModulesThatMayHoldChecks(() => this.functionForCallee(callee, module));
    if (!target) return undefined;
    const info = this.wrapperInfo(target.fn, target.module);
    if (!info) return undefined;
    return { name: calleeDisplayName(callee), info, module: target.module };
  }

  /** `argumentCount` 0: a speculative lookup that opens only modules that may hold checks (most zero-argument calls are not flags). */
  accessorForCallee(callee: ts.Expression, module: ParsedModule, argumentCount: number): { name: string; info: AccessorInfo } | undefined {
    const target = argumentCount ? this.functionForCallee(callee, module) : this.session.onlyModulesThatMayHoldChecks(() => this.functionForCallee(callee, module));
    if (!target) return undefined;
    const info = this.accessorInfo(target.fn, target.module);
    return info ? { name: calleeDisplayName(callee), info } : undefined;
  }

  /**
   * A function that is nothing but one SDK check with a fixed key (`() => useFlag('discount', 0.15)`,
   * `(ctx) => { return client.getBooleanValue(EnableFeatureA, false, ctx) }`): generated flag accessors.
   * Only SDK checks count (not the team's configured checks or wrappers), and the key must be constant.
   */
  accessorInfo(fn: ts.SignatureDeclaration, module: ParsedModule): AccessorInfo | undefined {
    if (this.accessorMemo.has(fn)) return this.accessorMemo.get(fn) ?? undefined;
    this.accessorMemo.set(fn, null);
    const body = 'body' in fn ? (fn.body as ts.Node | undefined) : undefined;
    let returned: ts.Expression | undefined;
    if (body && !isBlock(body)) returned = body as ts.Expression;
    else if (body && isBlock(body) && body.statements.length === 1 && isReturnStatement(body.statements[0])) returned = body.statements[0].expression;
    const call = returned && unwrap(returned);
    if (!call || !isCallExpression(call)) return undefined;
    const checks: RawCheck[] = [];
    this.session.matcher.checkCall(call, module, checks);
    const [check] = checks;
    if (checks.length !== 1 || check.sdk === 'custom' || check.sdk === 'wrapper' || check.keyFrom || check.literalKey !== undefined) return undefined;
    if (keyText(this.session.keys.evaluate(check.keyNode as ts.Expression, module)) === undefined) return undefined;
    const info: AccessorInfo = { keyFrom: { node: check.keyNode as ts.Expression, module }, defaultFrom: check.defaultNode ? { node: check.defaultNode, module } : undefined };
    this.accessorMemo.set(fn, info);
    return info;
  }

  functionForCallee(callee: ts.Expression, module: ParsedModule): { fn: ts.SignatureDeclaration; module: ParsedModule } | undefined {
    if (isIdentifier(callee)) {
      const resolved = this.session.graph.resolveName(callee.text, callee, module);
      if (resolved.kind !== 'declaration') return undefined;
      const fn = functionOfDeclaration(resolved.node);
      return fn ? { fn, module: resolved.module } : undefined;
    }
    if (!isPropertyAccessExpression(callee)) return undefined;
    const member = callee.name.text;
    const receiver = unwrap(callee.expression);
    if (receiver.kind === SyntaxKind.ThisKeyword) {
      const classNode = enclosingClass(callee);
      const fn = classNode && memberFunction(classNode, member);
      return fn ? { fn, module } : undefined;
    }
    if (isIdentifier(receiver) || isPropertyAccessExpression(receiver)) {
      const resolved = this.session.graph.resolveQualified(receiver, module);
      if (resolved.kind === 'namespace') {
        const exported = this.session.graph.resolveExport(resolved.module, member, 0);
        const fn = exported.kind === 'declaration' ? functionOfDeclaration(exported.node) : undefined;
        return fn && exported.kind === 'declaration' ? { fn, module: exported.module } : undefined;
      }
      if (resolved.kind === 'declaration') {
        const node = resolved.node;
        if (isClassDeclaration(node) || isClassExpression(node)) {
          const fn = memberFunction(node, member);
          if (fn) return { fn, module: resolved.module };
        }
        if (isVariableDeclaration(node)) {
          const init = node.initializer ? unwrap(node.initializer) : undefined;
          if (init && isObjectLiteralExpression(init)) {
            const fn = objectMemberFunction(init, member);
            if (fn) return { fn, module: resolved.module };
          }
          // Utils.isOn = (k) => … assigned at the top level of the declaring module.
          const assigned = assignedMemberFunction(resolved.module, node.name.getText(resolved.module.sourceFile), member);
          if (assigned) return { fn: assigned, module: resolved.module };
        }
      }
    }
    // getGeneratedClient().enableFeatureA(…), or a variable holding that factory's result.
    const produced = this.producedObject(receiver, module);
    if (produced) {
      const fn = objectMemberFunction(produced.node, member);
      if (fn) return { fn, module: produced.module };
    }
    if (isIdentifier(receiver) || isPropertyAccessExpression(receiver) || isCallExpression(receiver) || isNewExpression(receiver)) {
      const origin = this.session.origins.origin(receiver, module);
      if (origin.kind === 'instance') {
        const fn = memberFunction(origin.classNode, member);
        if (fn) return { fn, module: origin.module };
      }
    }
    return undefined;
  }

  /** The object literal a factory call returns (`getGeneratedClient()` → `{ enableFeatureA: … }`), directly or through a const. */
  private producedObject(expression: ts.Expression, module: ParsedModule): { node: ts.ObjectLiteralExpression; module: ParsedModule } | undefined {
    return this.session.deeper(undefined, () => {
      const e = unwrap(expression);
      if (isIdentifier(e)) {
        const resolved = this.session.graph.resolveName(e.text, e, module);
        if (resolved.kind !== 'declaration' || !isVariableDeclaration(resolved.node) || !resolved.node.initializer) return undefined;
        const init = unwrap(resolved.node.initializer);
        return isCallExpression(init) ? this.producedObject(init, resolved.module) : undefined;
      }
      if (!isCallExpression(e)) return undefined;
      const target = isIdentifier(e.expression) || isPropertyAccessExpression(e.expression) ? this.functionForCallee(unwrap(e.expression), module) : undefined;
      return target ? this.returnedObject(target.fn, target.module) : undefined;
    });
  }

  /** The object literal a function returns (its expression body or a `return { … }`), if any. */
  returnedObject(fn: ts.SignatureDeclaration, module: ParsedModule): { node: ts.ObjectLiteralExpression; module: ParsedModule } | undefined {
    if (!('body' in fn) || !fn.body) return undefined;
    const body = fn.body as ts.Node;
    const returned: ts.Expression[] = [];
    if (!isBlock(body)) returned.push(body as ts.Expression);
    else for (const statement of body.statements) if (isReturnStatement(statement) && statement.expression) returned.push(statement.expression);
    for (const value of returned) {
      const object = unwrap(value);
      if (isObjectLiteralExpression(object)) return { node: object, module };
    }
    return undefined;
  }

  /** Whether a function passes one of its parameters as the key of a check (then calls of it are checks). */
  wrapperInfo(fn: ts.SignatureDeclaration, module: ParsedModule): WrapperInfo | undefined {
    const memo = this.wrapperMemo.get(fn);
    if (memo !== undefined) {
      if (memo === null && this.wrappersInProgress.has(fn)) this.session.guardHits++;
      return memo ?? undefined;
    }
    if (fn.parameters.length === 0 || !('body' in fn) || !fn.body || this.session.depth > MAX_DEPTH) {
      this.wrapperMemo.set(fn, null);
      return undefined;
    }
    const sharedWrappers = this.session.moduleGate ? this.session.shared.gatedWrappers : this.session.shared.wrappers;
    const shared = sharedWrappers.get(fn);
    if (shared) {
      this.session.dependencies.addShared(shared);
      this.wrapperMemo.set(fn, shared.value);
      return shared.value ?? undefined;
    }
    this.wrapperMemo.set(fn, null); // Recursion guard.
    this.wrappersInProgress.add(fn);
    const guardHitsBefore = this.session.guardHits;
    let info: WrapperInfo | undefined;
    try {
      const result = this.session.dependencies.collect(() => this.session.deeper(undefined, () => this.detectWrapper(fn, module)));
      info = result.value;
      if (this.session.guardHits === guardHitsBefore) sharedWrappers.set(fn, { ...result, value: info ?? null });
    } finally {
      this.wrappersInProgress.delete(fn);
    }
    this.wrapperMemo.set(fn, info ?? null);
    return info;
  }

  private detectWrapper(fn: ts.SignatureDeclaration, module: ParsedModule): WrapperInfo | undefined {
    const checks: RawCheck[] = [];
    this.collectParameterKeyedChecks(fn, module, checks);
    for (const check of checks) {
      if (check.literalKey !== undefined || check.keyFrom) continue;
      const parameterKey = this.parameterKey(check.keyNode, fn, module);
      if (parameterKey === undefined) continue;
      const defaultParameter = check.defaultNode ? this.parameterIndex(check.defaultNode, fn, module) : undefined;
      const keyParameterNode = fn.parameters[parameterKey.index];
      const defaultParameterNode = defaultParameter !== undefined ? fn.parameters[defaultParameter] : undefined;
      return {
        keyParameter: parameterKey.index,
        keyProperty: parameterKey.property,
        keyTemplate: parameterKey.template,
        keyInitializer: parameterKey.property === undefined && keyParameterNode?.initializer ? { node: keyParameterNode.initializer, module } : parameterKey.propertyInitializer,
        defaultParameter,
        defaultInitializer: defaultParameterNode?.initializer,
        innerVia: check.via ?? [],
      };
    }
    return undefined;
  }

  /**
   * The checks in a function body that could take one of its parameters as the key: only calls,
   * element accesses and JSX elements that mention a parameter name (or a local constant made from one)
   * directly are examined, which keeps wrapper detection cheap on ordinary code.
   */
  collectParameterKeyedChecks(fn: ts.SignatureDeclaration, module: ParsedModule, out: RawCheck[]): void {
    const names = new Set<string>();
    for (const parameter of fn.parameters) for (const id of bindingNames(parameter.name)) names.add(id.text);
    if (!names.size || !('body' in fn) || !fn.body) return;
    const mentions = (node: ts.Node | undefined): boolean => {
      if (!node) return false;
      const expression = unwrap(node as ts.Expression);
      if (isIdentifier(expression)) return names.has(expression.text);
      if (isPropertyAccessExpression(expression) && isIdentifier(expression.expression)) return names.has(expression.expression.text);
      if (isTemplateExpression(expression)) return expression.templateSpans.some((span) => mentions(span.expression));
      if (isBinaryExpression(expression) && expression.operatorToken.kind === SyntaxKind.PlusToken) return mentions(expression.left) || mentions(expression.right);
      if (isObjectLiteralExpression(expression)) {
        return expression.properties.some((p) => (isPropertyAssignment(p) ? mentions(p.initializer) : isShorthandPropertyAssignment(p) && names.has(p.name.text)));
      }
      return false;
    };
    const body = fn.body as ts.Node;
    /** `const key = flagKey`, `const { flag } = props`, `const name = props.name`, `const key = \`team-${name}\``. */
    const isAliasOf = (initializer: ts.Expression): boolean => {
      const expression = unwrap(initializer);
      return isIdentifier(expression) || isPropertyAccessExpression(expression) || isTemplateExpression(expression) ? mentions(expression) : false;
    };
    // Local constants made from a parameter (`const key = flagKey`, `const { flag } = props`) are mentions too.
    const collectAliases = (node: ts.Node): void => {
      if (isVariableDeclaration(node) && node.initializer && (getCombinedNodeFlags(node) & NodeFlags.Const) !== 0 && isAliasOf(node.initializer)) {
        for (const id of bindingNames(node.name)) names.add(id.text);
      }
      if (!isFunctionLike(node)) forEachChild(node, collectAliases);
    };
    forEachChild(body, collectAliases);
    const visit = (node: ts.Node): void => {
      if (isCallExpression(node)) {
        if (node.arguments.some(mentions)) this.session.matcher.checkCall(node, module, out);
      } else if (isElementAccessExpression(node)) {
        if (mentions(node.argumentExpression)) this.session.matcher.checkPropertyAccess(node, module, out);
      } else if (isJsxSelfClosingElement(node) || isJsxOpeningElement(node)) {
        if (node.attributes.properties.some((a) => isJsxAttribute(a) && a.initializer && isJsxExpression(a.initializer) && mentions(a.initializer.expression))) {
          this.session.matcher.checkJsx(node, module, out);
        }
      }
      forEachChild(node, visit);
    };
    visit(body);
  }

  /**
   * Which parameter (and property of it) an expression is: `k`, `flag` from `({ flag })`, `props.flag`,
   * through local constants (`const key = k`, `const { flag } = props`), or a template around one
   * (`` `team-${name}` ``, whose other parts must be constant).
   */
  parameterKey(node: ts.Node, fn: ts.SignatureDeclaration, module: ParsedModule, depth = 0): ParameterKey | undefined {
    if (depth > 8) return undefined;
    const expression = unwrap(node as ts.Expression);
    const index = this.parameterIndex(expression, fn, module);
    if (index !== undefined) return { index };
    if (isIdentifier(expression)) {
      const declaration = lookupName(expression.text, expression, module);
      if (declaration && isBindingElement(declaration) && isObjectBindingPattern(declaration.parent)) {
        const root = declaration.parent.parent;
        const property = bindingPropertyName(declaration);
        const propertyInitializer = declaration.initializer ? { node: declaration.initializer, module } : undefined;
        if (isParameter(root) && root.parent === fn && property) return { index: fn.parameters.indexOf(root), property, propertyInitializer };
        // const { flag } = props
        if (isVariableDeclaration(root) && root.initializer && property && isConstInside(root, fn)) {
          const base = this.parameterKey(root.initializer, fn, module, depth + 1);
          if (base && base.property === undefined && !base.template) return { index: base.index, property, propertyInitializer };
        }
      }
      // const key = flagKey
      if (declaration && isVariableDeclaration(declaration) && declaration.initializer && isIdentifier(declaration.name) && isConstInside(declaration, fn)) {
        return this.parameterKey(declaration.initializer, fn, module, depth + 1);
      }
    }
    if (isPropertyAccessExpression(expression)) {
      const base = this.parameterKey(expression.expression, fn, module, depth + 1);
      if (base && base.property === undefined && !base.template) return { index: base.index, property: expression.name.text };
    }
    if (isTemplateExpression(expression)) {
      // Exactly one span is the parameter; the others must be constants.
      const parts: Array<string | null> = [expression.head.text];
      let found: ParameterKey | undefined;
      for (const span of expression.templateSpans) {
        const key = this.parameterKey(span.expression, fn, module, depth + 1);
        if (key && !key.template && !found) {
          found = key;
          parts.push(null);
        } else {
          const constant = keyText(this.session.keys.evaluate(span.expression, module));
          if (constant === undefined) return undefined;
          parts.push(constant);
        }
        parts.push(span.literal.text);
      }
      if (!found) return undefined;
      return { ...found, template: parts };
    }
    return undefined;
  }

  parameterIndex(node: ts.Node, fn: ts.SignatureDeclaration, module: ParsedModule): number | undefined {
    const expression = unwrap(node as ts.Expression);
    if (!isIdentifier(expression)) return undefined;
    const declaration = lookupName(expression.text, expression, module);
    if (!declaration || !isParameter(declaration) || declaration.parent !== fn) return undefined;
    const index = fn.parameters.indexOf(declaration);
    return index >= 0 ? index : undefined;
  }

  isNamedWrapperParameter(parameter: ts.ParameterDeclaration, module: ParsedModule): boolean {
    const fn = parameter.parent;
    return isFunctionLike(fn) && wrapperDisplayName(fn) !== undefined && this.wrapperInfo(fn, module) !== undefined;
  }

  classHasWrapper(classNode: ts.ClassLikeDeclaration, module: ParsedModule): boolean {
    for (const member of classNode.members) {
      const name = propertyNameText(member.name);
      const fn = name !== undefined ? memberFunction(classNode, name) : undefined;
      if (fn && this.wrapperInfo(fn, module)) return true;
    }
    return false;
  }
}

/** A `const` declared inside `fn` (so its value is fixed per call). */
function isConstInside(declaration: ts.VariableDeclaration, fn: ts.Node): boolean {
  if ((getCombinedNodeFlags(declaration) & NodeFlags.Const) === 0) return false;
  for (let node: ts.Node | undefined = declaration.parent; node; node = node.parent) if (node === fn) return true;
  return false;
}
