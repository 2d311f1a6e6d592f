// Preset matching: finds the checks in a syntax tree — calls whose callee traces to an SDK preset, the
// team's configured checks (by name), wrapper and accessor calls, uses of declared flags, flags-object
// property reads and destructuring, and JSX components — as raw checks whose keys are evaluated later.
import { ts } from '../typescript.js';
import type { CustomCheck } from '../config.js';
import type { SdkId } from '../model.js';
import type { ParsedModule } from './parsedModule.js';
import { NONE } from './origins.js';
import { SDK_PRESETS, type CheckSpec, type SdkPreset } from './presets.js';
import * as scopeHelpers from './scopes.js';
import type { AnalysisSession } from './session.js';
import * as syntaxHelpers from './syntax.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { SyntaxKind, forEachChild, isArrayLiteralExpression, isBindingElement, isCallExpression, isElementAccessExpression, isIdentifier, isJsxAttribute, isJsxExpression, isJsxOpeningElement, isJsxSelfClosingElement, isObjectBindingPattern, isOmittedExpression, isPropertyAccessExpression, isSpreadElement, isStringLiteral, isVariableDeclaration } = ts;
const { declaredNamesOf, dottedPath } = scopeHelpers;
const { argumentAtPath, bindingPropertyName, calleeDisplayName, endsWithSegments, functionOfDeclaration, isImportBinding, nodesAtPath, unwrap } = syntaxHelpers;

/** A check found in the tree before its key is resolved. */
export interface RawCheck {
  sdk: SdkId;
  call: string;
  checkNode: ts.Node;
  /** Where the reference points: the key expression, or the callee when the key comes from elsewhere. */
  keyNode: ts.Node;
  /** When the key is the property name itself (`flags.newCheckout`), its text. */
  literalKey?: string;
  keyStyle?: 'camelCase';
  /** The key is this expression elsewhere (a declared flag's `key`, a wrapper's default key), not `keyNode`. */
  keyFrom?: { node: ts.Expression; module: ParsedModule };
  /** The key is this template around the evaluated key (`team-${name}`): constant parts and `null` for it. */
  keyTemplate?: Array<string | null>;
  defaultNode?: ts.Node;
  /** The default is this expression elsewhere (a declared flag's `defaultValue`, a wrapper's default parameter). */
  defaultFrom?: { node: ts.Node; module: ParsedModule };
  via?: string[];
}

/** Every method/function name some preset treats as a check: a callee with another name is no SDK check. */
const SDK_CHECK_NAMES = new Set(SDK_PRESETS.flatMap((preset) => Object.keys(preset.checks)));
const FLAG_OBJECT_HOOK_NAMES = [...new Set(SDK_PRESETS.flatMap((preset) => preset.flagObjectHooks))];

/** Cheap syntactic pre-check before asking for an origin: flags objects are names, calls or property chains. */
function couldBeFlagsObject(expression: ts.Expression): boolean {
  const e = unwrap(expression);
  return isIdentifier(e) || isCallExpression(e) || (isPropertyAccessExpression(e) && e.expression.kind === SyntaxKind.ThisKeyword);
}

export class CheckMatcher {
  /** Flags objects come only from hooks like `useFlags`; a module that never names one has none (by module: a wrapper elsewhere is checked too). */
  private readonly mayHaveFlagsObjects = new WeakMap<ParsedModule, boolean>();
  private readonly customCalls: Array<{ check: Extract<CustomCheck, { kind: 'call' }>; segments: string[] }>;
  private readonly customProperties: Array<{ check: Extract<CustomCheck, { kind: 'property' }>; path: string }>;
  private readonly customJsx: Array<Extract<CustomCheck, { kind: 'jsx' }>>;

  constructor(
    private readonly session: AnalysisSession,
    customChecks: CustomCheck[],
  ) {
    this.customCalls = customChecks.flatMap((c) => (c.kind === 'call' ? [{ check: c, segments: c.call.split('.') }] : []));
    this.customProperties = customChecks.flatMap((c) => (c.kind === 'property' ? [{ check: c, path: c.property }] : []));
    this.customJsx = customChecks.flatMap((c) => (c.kind === 'jsx' ? [c] : []));
  }

  private mayHaveFlagsObjectsIn(module: ParsedModule): boolean {
    let answer = this.mayHaveFlagsObjects.get(module);
    if (answer === undefined) this.mayHaveFlagsObjects.set(module, (answer = FLAG_OBJECT_HOOK_NAMES.some((hook) => module.text.includes(hook))));
    return answer;
  }

  /** Finds every check in `root` (a file or a function body). */
  collectChecks(root: ts.Node, module: ParsedModule, out: RawCheck[]): void {
    const visit = (node: ts.Node): void => {
      if (isCallExpression(node)) this.checkCall(node, module, out);
      else if (isPropertyAccessExpression(node) || isElementAccessExpression(node)) this.checkPropertyAccess(node, module, out);
      else if (isVariableDeclaration(node) && isObjectBindingPattern(node.name) && node.initializer) this.checkDestructuring(node, node.initializer, module, out);
      else if (isJsxSelfClosingElement(node) || isJsxOpeningElement(node)) this.checkJsx(node, module, out);
      forEachChild(node, visit);
    };
    visit(root);
  }

  checkCall(call: ts.CallExpression, module: ParsedModule, out: RawCheck[]): void {
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
      const shape = { arguments: call.arguments, packageName: sdkMatch.packageName };
      const keyPath = sdkMatch.spec.key(shape);
      const defaultPath = sdkMatch.spec.default?.(shape);
      const defaultNode = defaultPath !== undefined ? nodesAtPath(call, defaultPath)[0] : undefined;
      for (const keyNode of keyPath !== undefined ? nodesAtPath(call, keyPath) : []) {
        out.push({ sdk: sdkMatch.preset.sdk, call: sdkMatch.name, checkNode: call, keyNode, defaultNode });
      }
      return;
    }
    if (this.checkDeclaredFlagUse(call, callee, module, out)) return;
    const wrapper = this.session.wrappers.wrapperForCallee(callee, module, call.arguments.length);
    if (wrapper) {
      const info = wrapper.info;
      const keyNode = info.keyProperty !== undefined ? argumentAtPath(call, `${info.keyParameter}.${info.keyProperty}`) : call.arguments[info.keyParameter];
      const defaultNode = info.defaultParameter !== undefined ? call.arguments[info.defaultParameter] : undefined;
      const base = {
        sdk: 'wrapper' as const,
        call: wrapper.name,
        checkNode: call,
        via: [wrapper.name, ...info.innerVia],
        defaultNode,
        // The wrapper's own default value (`fallback = false`) when the call leaves it out.
        defaultFrom: !defaultNode && info.defaultInitializer ? { node: info.defaultInitializer, module: wrapper.module } : undefined,
      };
      if (keyNode) out.push({ ...base, keyNode, keyTemplate: info.keyTemplate });
      // `useBeta()` with `function useBeta(key = FLAGS.BETA)`: the parameter's default is the key.
      else if (info.keyInitializer) out.push({ ...base, keyNode: isPropertyAccessExpression(callee) ? callee.name : callee, keyFrom: info.keyInitializer, keyTemplate: info.keyTemplate });
      return;
    }
    // A function that is nothing but one SDK check with a fixed key (generated flag accessors such as
    // `useEnableFeatureA()` or `getGeneratedClient().enableFeatureA(ctx)`): each call is a check of that key.
    const accessor = this.session.wrappers.accessorForCallee(callee, module, call.arguments.length);
    if (accessor) {
      out.push({
        sdk: 'wrapper',
        call: accessor.name,
        checkNode: call,
        // The reference points at the accessor's name: `useEnableFeatureA`, or `enableFeatureA` in `client.enableFeatureA(ctx)`.
        keyNode: isPropertyAccessExpression(callee) ? callee.name : callee,
        keyFrom: accessor.info.keyFrom,
        defaultFrom: accessor.info.defaultFrom,
        via: [accessor.name],
      });
    }
  }

  /**
   * Vercel's Flags SDK: `f()`, `f.run(…)` on a flag declared with `flag({ key, defaultValue })`, and each
   * declared flag listed in `evaluate([f, g])` / `precompute([…])`. The declaration itself is no check.
   */
  private checkDeclaredFlagUse(call: ts.CallExpression, callee: ts.Expression, module: ParsedModule, out: RawCheck[]): boolean {
    const origins = this.session.origins;
    const use = (keyNode: ts.Expression, checkNode: ts.Node, name: string): boolean => {
      const origin = origins.origin(keyNode, module);
      if (origin.kind !== 'declared-flag') return false;
      out.push({ sdk: origin.preset.sdk, call: name, checkNode, keyNode, keyFrom: origin.key, defaultFrom: origin.defaultValue });
      return true;
    };
    if (isIdentifier(callee)) {
      if (use(callee, call, callee.text)) return true;
    } else if (isPropertyAccessExpression(callee) && callee.name.text === 'run') {
      const receiver = unwrap(callee.expression);
      if (use(receiver, call, calleeDisplayName(callee))) return true;
    }
    if (!isIdentifier(callee) && !isPropertyAccessExpression(callee)) return false;
    const listFunction = isIdentifier(callee) || isPropertyAccessExpression(callee) ? this.sdkFunction(callee, module) : undefined;
    if (!listFunction) return false;
    const index = listFunction.preset.flagListFunctions[listFunction.name];
    if (index === undefined) return false;
    const list = call.arguments[index] && unwrap(call.arguments[index]);
    if (list && isArrayLiteralExpression(list)) {
      for (const element of list.elements) if (!isSpreadElement(element) && !isOmittedExpression(element)) use(unwrap(element), element, listFunction.name);
    }
    return true;
  }

  /** The SDK function a callee names (`evaluate` imported from `flags/next`), if any. */
  private sdkFunction(callee: ts.Identifier | ts.PropertyAccessExpression, module: ParsedModule): { preset: SdkPreset; name: string } | undefined {
    const resolved = this.session.graph.resolveQualified(callee, module);
    return resolved.kind === 'sdk' && resolved.importedName !== '*' ? { preset: resolved.preset, name: resolved.importedName } : undefined;
  }

  sdkCheckForCallee(callee: ts.Expression, module: ParsedModule): { preset: SdkPreset; packageName: string; spec: CheckSpec; name: string } | undefined {
    if (isIdentifier(callee)) {
      // Only an imported name (possibly renamed) or a check name destructured from a client can match.
      if (!SDK_CHECK_NAMES.has(callee.text) && !isImportBinding(declaredNamesOf(module.sourceFile, module).get(callee.text))) return undefined;
      const resolved = this.session.graph.resolveName(callee.text, callee, module);
      if (resolved.kind === 'sdk') {
        const spec = resolved.preset.checks[resolved.importedName];
        if (spec) return { preset: resolved.preset, packageName: resolved.packageName, spec, name: callee.text };
      } else if (resolved.kind === 'declaration' && isBindingElement(resolved.node)) {
        // const { isEnabled } = unleash; isEnabled('x')
        const origin = this.session.origins.originOfBindingRoot(resolved.node, resolved.module);
        const propertyName = bindingPropertyName(resolved.node);
        if (origin.kind === 'sdk' && propertyName) {
          const spec = origin.preset.checks[propertyName];
          if (spec) return { preset: origin.preset, packageName: origin.packageName, spec, name: propertyName };
        }
      }
      return undefined;
    }
    if (isPropertyAccessExpression(callee)) {
      const name = callee.name.text;
      if (!SDK_CHECK_NAMES.has(name)) return undefined;
      const origin = this.session.origins.origin(callee.expression, module);
      if (origin.kind === 'sdk') {
        const spec = origin.preset.checks[name];
        if (spec) return { preset: origin.preset, packageName: origin.packageName, spec, name };
      }
    }
    return undefined;
  }

  checkPropertyAccess(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, module: ParsedModule, out: RawCheck[]): void {
    const keyNode = isPropertyAccessExpression(node) ? node.name : node.argumentExpression;
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
            literalKey: isPropertyAccessExpression(node) ? node.name.text : undefined,
          });
          return;
        }
      }
    }
    if (!this.mayHaveFlagsObjectsIn(module) || !couldBeFlagsObject(base)) return;
    // `flags.hasOwnProperty(…)`: a called member is a method of the object, not a flag.
    if (node.parent && isCallExpression(node.parent) && node.parent.expression === node) return;
    const origin = this.session.origins.origin(base, module);
    if (origin.kind !== 'flags') return;
    if (isPropertyAccessExpression(node)) {
      out.push({ sdk: origin.preset.sdk, call: origin.hook, checkNode: node, keyNode, literalKey: node.name.text, keyStyle: 'camelCase' });
    } else {
      out.push({ sdk: origin.preset.sdk, call: origin.hook, checkNode: node, keyNode, keyStyle: 'camelCase' });
    }
  }

  checkDestructuring(declaration: ts.VariableDeclaration, initializer: ts.Expression, module: ParsedModule, out: RawCheck[]): void {
    const pattern = declaration.name as ts.ObjectBindingPattern;
    let sdk: SdkId | undefined;
    let call = '';
    let keyStyle: 'camelCase' | undefined;
    const origin = this.mayHaveFlagsObjectsIn(module) && couldBeFlagsObject(initializer) ? this.session.origins.origin(initializer, module) : NONE;
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
      const literalKey = isIdentifier(nameNode) || isStringLiteral(nameNode) ? nameNode.text : undefined;
      out.push({ sdk, call, checkNode: element, keyNode: nameNode, literalKey, keyStyle });
    }
  }

  checkJsx(element: ts.JsxSelfClosingElement | ts.JsxOpeningElement, module: ParsedModule, out: RawCheck[]): void {
    const tag = element.tagName;
    const tagText = tag.getText(module.sourceFile);
    const checkNode = isJsxOpeningElement(element) ? element.parent : element;
    const attributeValue = (name: string): ts.Node | undefined => {
      for (const property of element.attributes.properties) {
        if (isJsxAttribute(property) && property.name.getText(module.sourceFile) === name && property.initializer) {
          const init = property.initializer;
          return isJsxExpression(init) ? init.expression : init;
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
    if (!isIdentifier(tag)) return;
    // Most tags are plain components: their modules are opened only when they may hold checks.
    const resolved = this.session.onlyModulesThatMayHoldChecks(() => this.session.graph.resolveName(tag.text, tag, module));
    if (resolved.kind === 'declaration' && /^[A-Z]/.test(tag.text)) {
      // A component of the codebase that passes one of its props as a key: <FeatureGate flag="x">.
      const fn = functionOfDeclaration(resolved.node);
      const info = fn && this.session.wrappers.wrapperInfo(fn, resolved.module);
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
    const defaultNode = spec.defaultAttribute ? attributeValue(spec.defaultAttribute) : undefined;
    // <SplitTreatments names={['a', 'b']}>: one reference per listed key.
    const keyExpression = unwrap(keyNode as ts.Expression);
    const keyNodes = isArrayLiteralExpression(keyExpression) ? keyExpression.elements.filter((e) => !isSpreadElement(e) && !isOmittedExpression(e)) : [keyNode];
    for (const node of keyNodes) out.push({ sdk: resolved.preset.sdk, call: tag.text, checkNode, keyNode: node, defaultNode });
  }
}
