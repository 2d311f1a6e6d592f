// Key evaluation: what a key expression is at run time, statically — literals, templates, `+`, `const`
// variables, `as const` objects (nested, spreads), enum members, destructuring and namespace imports,
// across modules. What cannot be known says why (a reason), and a template with unknown parts keeps
// its shape as a pattern (`team-*`).
import { ts } from '../typescript.js';
import type { ParsedModule } from './parsedModule.js';
import type { Resolved } from './moduleGraph.js';
import type { AnalysisSession } from './session.js';
import * as syntaxHelpers from './syntax.js';

// TypeScript's node tests and the hot helpers as local bindings: through the bundle (and tsx, which
// turns each import into a getter) every `ts.isX` is two getter calls, and these run millions of times per scan.
const { NodeFlags, SyntaxKind, getCombinedNodeFlags, isArrayLiteralExpression, isBinaryExpression, isBindingElement, isElementAccessExpression, isEnumDeclaration, isExportAssignment, isIdentifier, isLiteralTypeNode, isNoSubstitutionTemplateLiteral, isNumericLiteral, isObjectBindingPattern, isObjectLiteralExpression, isOmittedExpression, isParameter, isPropertyAccessExpression, isPropertyAssignment, isShorthandPropertyAssignment, isSpreadAssignment, isSpreadElement, isStringLiteral, isTemplateExpression, isVariableDeclaration } = ts;
const { bindingPropertyName, bindingRoot, propertyNameText, unwrap } = syntaxHelpers;

export type Value =
  | { kind: 'primitive'; value: string | number | boolean | null }
  | { kind: 'object'; node: ts.ObjectLiteralExpression; module: ParsedModule }
  | { kind: 'array'; node: ts.ArrayLiteralExpression; module: ParsedModule }
  | { kind: 'enum'; node: ts.EnumDeclaration; module: ParsedModule }
  | { kind: 'namespace'; module: ParsedModule };

/** A value, or why there is none (with the parameter when the key is one, and the key's shape when known). */
export type Evaluation = { value: Value } | EvaluationFailure;
export interface EvaluationFailure {
  reason: string;
  parameter?: ts.ParameterDeclaration;
  /** The key's shape with `*` for the unknown parts, for templates and concatenations (`team-*`). */
  pattern?: string;
}

export function primitive(value: string | number | boolean | null): Evaluation {
  return { value: { kind: 'primitive', value } };
}

/** The string or number a successful evaluation holds (keys are compared as strings), else undefined. */
export function keyText(evaluation: Evaluation): string | undefined {
  if (!('value' in evaluation) || evaluation.value.kind !== 'primitive') return undefined;
  const value = evaluation.value.value;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export class KeyEvaluator {
  constructor(private readonly session: AnalysisSession) {}

  /** Evaluates a key expression, opening every module it leads to (constants modules hold no check themselves). */
  evaluate(expression: ts.Expression, module: ParsedModule): Evaluation {
    return this.session.everyModule(() => this.session.deeper<Evaluation>({ reason: 'too deep' }, () => this.computeEvaluation(unwrap(expression), module)));
  }

  computeEvaluation(expression: ts.Expression, module: ParsedModule): Evaluation {
    if (isStringLiteral(expression) || isNoSubstitutionTemplateLiteral(expression)) return primitive(expression.text);
    if (isNumericLiteral(expression)) return primitive(Number(expression.text));
    if (expression.kind === SyntaxKind.TrueKeyword) return primitive(true);
    if (expression.kind === SyntaxKind.FalseKeyword) return primitive(false);
    if (expression.kind === SyntaxKind.NullKeyword) return primitive(null);
    if (isObjectLiteralExpression(expression)) return { value: { kind: 'object', node: expression, module } };
    if (isTemplateExpression(expression)) {
      let text = expression.head.text;
      let pattern = expression.head.text;
      let failure: EvaluationFailure | undefined;
      for (const span of expression.templateSpans) {
        const part = this.evaluate(span.expression, module);
        if ('value' in part && part.value.kind === 'primitive') {
          text += String(part.value.value) + span.literal.text;
          pattern += String(part.value.value) + span.literal.text;
        } else {
          failure ??= 'value' in part ? { reason: 'dynamic expression' } : part;
          pattern += `*${span.literal.text}`;
        }
      }
      if (!failure) return primitive(text);
      // A template around a parameter is still a runtime value here; `parameter` lets wrapper detection see it.
      return { reason: 'dynamic expression', parameter: failure.parameter, pattern };
    }
    if (isBinaryExpression(expression) && expression.operatorToken.kind === SyntaxKind.PlusToken) {
      const left = this.evaluate(expression.left, module);
      const right = this.evaluate(expression.right, module);
      if ('value' in left && 'value' in right && left.value.kind === 'primitive' && right.value.kind === 'primitive') {
        const l = left.value.value;
        const r = right.value.value;
        if (typeof l === 'string' || typeof r === 'string') return primitive(String(l) + String(r));
        if (typeof l === 'number' && typeof r === 'number') return primitive(l + r);
      }
      // A string built from a known part and an unknown one keeps its shape: 'team-' + name → team-*.
      const part = (side: Evaluation): string | undefined => ('value' in side ? keyText(side) : side.pattern ?? '*');
      const leftPart = part(left);
      const rightPart = part(right);
      const failure = [left, right].find((side): side is EvaluationFailure => !('value' in side));
      const pattern = leftPart !== undefined && rightPart !== undefined && (leftPart !== '*' || rightPart !== '*') ? `${leftPart}${rightPart}` : undefined;
      return { reason: 'dynamic expression', parameter: failure?.parameter, pattern };
    }
    if (isArrayLiteralExpression(expression)) return { value: { kind: 'array', node: expression, module } };
    if (isIdentifier(expression)) {
      if (expression.text === 'undefined') return { reason: 'dynamic expression' };
      return this.evaluateResolved(this.session.graph.resolveName(expression.text, expression, module));
    }
    if (isPropertyAccessExpression(expression)) {
      const base = this.evaluate(expression.expression, module);
      if (!('value' in base)) return base;
      return this.member(base.value, expression.name.text);
    }
    if (isElementAccessExpression(expression)) {
      const base = this.evaluate(expression.expression, module);
      if (!('value' in base)) return base;
      const index = this.evaluate(expression.argumentExpression, module);
      if (!('value' in index) || index.value.kind !== 'primitive' || index.value.value === null || typeof index.value.value === 'boolean') return { reason: 'dynamic expression' };
      return this.member(base.value, String(index.value.value));
    }
    return { reason: 'dynamic expression' };
  }

  evaluateResolved(resolved: Resolved): Evaluation {
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

  evaluateDeclaration(node: ts.Node, module: ParsedModule): Evaluation {
    if (isParameter(node)) return { reason: 'parameter', parameter: node };
    if (isVariableDeclaration(node)) {
      const isConst = (getCombinedNodeFlags(node) & NodeFlags.Const) !== 0;
      if (!isConst) return { reason: 'not a constant' };
      // A declaration file's `export declare const KEY: 'k'` carries the value as a literal type.
      if (!node.initializer) return node.type && isLiteralTypeNode(node.type) && isStringLiteral(node.type.literal) ? primitive(node.type.literal.text) : { reason: 'dynamic expression' };
      return this.evaluate(node.initializer, module);
    }
    if (isBindingElement(node)) {
      const root = bindingRoot(node);
      const propertyName = bindingPropertyName(node);
      if (root?.initializer && propertyName && isObjectBindingPattern(node.parent) && node.parent.parent === root) {
        if ((getCombinedNodeFlags(root) & NodeFlags.Const) === 0) return { reason: 'not a constant' };
        const base = this.evaluate(root.initializer, module);
        if (!('value' in base)) return base;
        return this.member(base.value, propertyName);
      }
      if (root && isParameter(root)) return { reason: 'parameter', parameter: root };
      return { reason: 'dynamic expression' };
    }
    if (isEnumDeclaration(node)) return { value: { kind: 'enum', node, module } };
    if (isExportAssignment(node)) return this.evaluate(node.expression, module);
    return { reason: 'dynamic expression' };
  }

  member(value: Value, name: string): Evaluation {
    if (value.kind === 'object') {
      // Later properties win, as at run time; walk backwards.
      const properties = value.node.properties;
      for (let i = properties.length - 1; i >= 0; i--) {
        const property = properties[i];
        if (isSpreadAssignment(property)) {
          const spread = this.evaluate(property.expression, value.module);
          if ('value' in spread) {
            const inner = this.member(spread.value, name);
            if ('value' in inner) return inner;
          }
          continue;
        }
        if (propertyNameText(property.name) !== name) continue;
        if (isPropertyAssignment(property)) return this.evaluate(property.initializer, value.module);
        if (isShorthandPropertyAssignment(property)) return this.evaluateResolved(this.session.graph.resolveName(property.name.text, property.name, value.module));
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
    if (value.kind === 'array') {
      const index = Number(name);
      const element = Number.isInteger(index) ? value.node.elements[index] : undefined;
      if (!element || isSpreadElement(element) || isOmittedExpression(element)) return { reason: 'unknown member' };
      return this.evaluate(element, value.module);
    }
    if (value.kind === 'namespace') return this.evaluateResolved(this.session.graph.resolveExport(value.module, name, 0));
    return { reason: 'dynamic expression' };
  }
}
