// The fixed-point simplifier of the cleanup engine: once every check of a flag has been replaced by its
// literal value (followed by a site marker comment), it folds what that makes constant — `!true`,
// `true && x`, literal comparisons, ternaries, `if`/`else if` chains, early returns, `switch`, JSX
// containers and fragments, constants that only held the value — with minimal text edits, one batch of
// non-overlapping edits per pass, until nothing changes. Only expressions carrying a site marker are
// folded, so unrelated code (a user's own `if (false)`) is never touched.
import { ts } from '../typescript.js';
import { applyTextEdits, type TextEdit } from './textEdits.js';

/**
 * The comment that follows every literal standing for a flag check: `true/*flaglens:site:3*\/`, or
 * `true/*flaglens:site:3:1*\/` once the value has been carried one level away from the check (through a
 * constant, a destructured binding, a result object's property or a local object's property).
 */
export const SITE_MARKER_PATTERN = /\/\*flaglens:site:(\d+)(?::(\d+))?\*\//g;

/** How far a value is followed from its check (Piranha's "deep clean" bound): a value two levels away stays. */
export const MAX_FOLLOW_DEPTH = 2;

export function siteMarker(siteId: number, depth = 0): string {
  return depth === 0 ? `/*flaglens:site:${siteId}*/` : `/*flaglens:site:${siteId}:${depth}*/`;
}

/** The site and depth of one marker comment's exact text, or undefined when it is another comment. */
export function parseSiteMarker(comment: string): { id: number; depth: number } | undefined {
  const match = /^\/\*flaglens:site:(\d+)(?::(\d+))?\*\/$/.exec(comment);
  return match ? { id: Number(match[1]), depth: Number(match[2] ?? 0) } : undefined;
}

/** The same markers, one level further from their checks. */
export function deepenMarkers(markers: string): string {
  return markers.replace(SITE_MARKER_PATTERN, (_, id: string, depth: string | undefined) => siteMarker(Number(id), Number(depth ?? 0) + 1));
}

/** The deepest level each site's markers reached in `text`, added to `depths`. */
export function recordMarkerDepths(text: string, depths: Map<number, number>): void {
  for (const match of text.matchAll(SITE_MARKER_PATTERN)) {
    const id = Number(match[1]);
    depths.set(id, Math.max(depths.get(id) ?? 0, Number(match[2] ?? 0)));
  }
}

/** The site ids whose markers are still in `text` (their value was not absorbed by a simplification). */
export function remainingSiteIds(text: string): number[] {
  return [...new Set([...text.matchAll(SITE_MARKER_PATTERN)].map((match) => Number(match[1])))];
}

export type LiteralValue = boolean | string | number | null | undefined;

export interface SimplifyOptions {
  fileName: string;
  /** Quote used for string literals the engine writes. */
  quote: "'" | '"';
  /** Start offsets of JSX fragments the site phase created or touched: collapsed when one element remains. */
  watchedFragments?: number[];
  /** Filled with the deepest level each site's value was followed to (see `MAX_FOLLOW_DEPTH`). */
  depths?: Map<number, number>;
}

/** Simplifies `text` until no rule applies (bounded, in case of a rule bug). */
export function simplifyToFixedPoint(text: string, options: SimplifyOptions): string {
  let watched = [...(options.watchedFragments ?? [])];
  for (let pass = 0; pass < 200; pass++) {
    const sourceFile = parseSource(options.fileName, text);
    const simplifier = new PassSimplifier(sourceFile, options.quote, new Set(watched));
    const edits = simplifier.collect();
    if (edits.length === 0) return text;
    watched = [...simplifier.watchedFragments].flatMap((offset) => {
      const mapped = mapOffset(offset, edits);
      return mapped === undefined ? [] : [mapped];
    });
    text = applyTextEdits(text, edits);
    if (options.depths) recordMarkerDepths(text, options.depths);
  }
  return text;
}

export function parseSource(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindFor(fileName));
}

export function scriptKindFor(fileName: string): ts.ScriptKind {
  if (fileName.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (fileName.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Maps an offset of the text before `edits` to the text after them; undefined when an edit swallowed it. */
export function mapOffset(offset: number, edits: readonly TextEdit[]): number | undefined {
  let delta = 0;
  for (const edit of edits) {
    if (edit.end <= offset && !(edit.start === edit.end && edit.start === offset)) delta += edit.newText.length - (edit.end - edit.start);
    else if (edit.start < offset && offset < edit.end) return undefined;
  }
  return offset + delta;
}

/** The value of a literal expression, or undefined (as `{ value }` wrapper absent) when it is not one. */
export function literalOf(node: ts.Node): { value: LiteralValue } | undefined {
  switch (node.kind) {
    case ts.SyntaxKind.TrueKeyword:
      return { value: true };
    case ts.SyntaxKind.FalseKeyword:
      return { value: false };
    case ts.SyntaxKind.NullKeyword:
      return { value: null };
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      return { value: (node as ts.StringLiteral).text };
    case ts.SyntaxKind.NumericLiteral:
      return { value: Number((node as ts.NumericLiteral).text) };
    case ts.SyntaxKind.Identifier:
      return (node as ts.Identifier).text === 'undefined' ? { value: undefined } : undefined;
    case ts.SyntaxKind.PrefixUnaryExpression: {
      const unary = node as ts.PrefixUnaryExpression;
      if (unary.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(unary.operand)) return { value: -Number(unary.operand.text) };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Source text of a literal value. */
export function literalText(value: LiteralValue, quote: "'" | '"'): string {
  if (typeof value === 'string') {
    const escaped = value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n');
    return `${quote}${escaped}${quote}`;
  }
  if (value === undefined) return 'undefined';
  return String(value);
}

/** Indentation (leading spaces/tabs) of the line that contains `offset`. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/**
 * Block contents re-indented for the place of the statement they replace: blank first/last lines dropped,
 * the common indentation replaced by `targetIndent` (the first line gets none: it follows the old indent).
 */
export function dedentBlockText(inner: string, targetIndent: string): string {
  const lines = inner.split('\n');
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) return '';
  const common = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length));
  return lines.map((line, index) => (index === 0 ? '' : line.trim() === '' ? '' : targetIndent) + line.slice(common)).join('\n').replace(/^[ \t]*/, '');
}

/**
 * Removing a statement or a JSX child: whole lines when it sits on its own lines (with the comments
 * attached above it and a trailing comment on its last line), else just its text.
 */
export function removalRange(sourceFile: ts.SourceFile, node: ts.Node): { start: number; end: number } {
  const text = sourceFile.text;
  let start = node.getStart(sourceFile);
  // Comments directly above (no blank line between, each on its own line) belong to the removed code —
  // except above a file's first statement (the file's header) and above imports (group labels).
  const isFileHeader = ts.isSourceFile(node.parent) && node.parent.statements[0] === node;
  const comments = isFileHeader || ts.isImportDeclaration(node) ? [] : ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i]!;
    const between = text.slice(comment.end, start);
    const lineStart = text.lastIndexOf('\n', comment.pos - 1) + 1;
    if ((between.match(/\n/g)?.length ?? 0) > 1 || text.slice(lineStart, comment.pos).trim() !== '') break;
    start = comment.pos;
  }
  let end = node.end;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const ownLineStart = text.slice(lineStart, start).trim() === '';
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd === -1) lineEnd = text.length;
  const rest = text.slice(end, lineEnd);
  const restIsTrivia = rest.trim() === '' || /^\s*(\/\/.*|\/\*.*?\*\/\s*)$/.test(rest);
  if (ownLineStart && restIsTrivia) {
    end = Math.min(lineEnd + 1, text.length);
    // Between two blank lines (or at the top of the file, above a blank line), one blank line goes too.
    const blankBefore = lineStart === 0 || /\n[ \t]*\n$/.test(text.slice(Math.max(0, lineStart - 200), lineStart));
    const blankAfter = /^[ \t]*\n/.exec(text.slice(end));
    // At the top of a block (the line before opens it), a blank line after the removed lines would become the
    // block's first line; at the bottom, a blank line before them its last: either goes with them.
    const previousLine = text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, Math.max(0, lineStart - 1));
    const nextLineEnd = text.indexOf('\n', end + (blankAfter ? blankAfter[0].length : 0));
    const opensBlock = lineStart > 0 && /[{([]\s*$/.test(previousLine);
    const closesBlock = /^[ \t]*[})\]]/.test(text.slice(end, nextLineEnd === -1 ? text.length : nextLineEnd));
    if ((blankBefore || opensBlock) && blankAfter) end += blankAfter[0].length;
    else if (closesBlock && blankBefore && lineStart > 0) {
      const blankStart = text.lastIndexOf('\n', lineStart - 2) + 1;
      return { start: blankStart, end };
    }
    return { start: lineStart, end };
  }
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return { start, end };
}

// Made on first use: TypeScript loads when first needed, not when the CLI starts.
let STATEMENT_LIST_KINDS: Set<ts.SyntaxKind> | undefined;

export function isInStatementList(node: ts.Node): boolean {
  STATEMENT_LIST_KINDS ??= new Set([ts.SyntaxKind.Block, ts.SyntaxKind.SourceFile, ts.SyntaxKind.CaseClause, ts.SyntaxKind.DefaultClause, ts.SyntaxKind.ModuleBlock]);
  return STATEMENT_LIST_KINDS.has(node.parent.kind);
}

function statementsOf(container: ts.Node): readonly ts.Statement[] {
  return (container as ts.Block).statements;
}

/** Names declared with block scope (let/const/class/function/enum) directly in a statement list. */
export function blockScopedNames(statements: readonly ts.Statement[]): string[] {
  const names: string[] = [];
  const addBinding = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.push(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  for (const statement of statements) {
    if (ts.isVariableStatement(statement) && statement.declarationList.flags & ts.NodeFlags.BlockScoped) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
      names.push(statement.name.text);
    }
  }
  return names;
}

/** True when an identifier named `name` occurs in `container` outside `except`. */
export function identifierOccursOutside(container: ts.Node, name: string, except: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || node === except) return;
    if (ts.isIdentifier(node) && node.text === name) found = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(container, visit);
  if (!found && ts.isBlock(container) && ts.isFunctionLike(container.parent)) {
    for (const parameter of (container.parent as ts.SignatureDeclaration).parameters) visit(parameter);
  }
  return found;
}

/** True for statements after which the rest of the list cannot run. */
function endsWithExit(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || ts.isBreakStatement(statement) || ts.isContinueStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements[statement.statements.length - 1];
    return last !== undefined && endsWithExit(last);
  }
  return false;
}

/** Side-effect-free operands that may be dropped (`x && false` → `false`). */
function isPure(node: ts.Expression): boolean {
  if (ts.isIdentifier(node) || literalOf(node)) return true;
  if (ts.isParenthesizedExpression(node)) return isPure(node.expression);
  if (ts.isPropertyAccessExpression(node)) return isPure(node.expression);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) return isPure(node.operand);
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(node.operatorToken.kind)) {
    return isPure(node.left) && isPure(node.right);
  }
  return false;
}

/** True when the expression's value is only used for its truthiness. */
function isInBooleanContext(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isParenthesizedExpression(parent)) return isInBooleanContext(parent);
  if ((ts.isIfStatement(parent) || ts.isWhileStatement(parent) || ts.isDoStatement(parent)) && parent.expression === node) return true;
  if (ts.isForStatement(parent) && parent.condition === node) return true;
  if (ts.isConditionalExpression(parent) && parent.condition === node) return true;
  if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) return true;
  if (ts.isBinaryExpression(parent) && (parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || parent.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return isInBooleanContext(parent);
  }
  return false;
}

/** One pass: every applicable rule, innermost first, keeping only non-overlapping edits. */
class PassSimplifier {
  private readonly edits: TextEdit[] = [];
  private readonly text: string;

  constructor(
    private readonly sourceFile: ts.SourceFile,
    private readonly quote: "'" | '"',
    readonly watchedFragments: Set<number>,
  ) {
    this.text = sourceFile.text;
  }

  collect(): TextEdit[] {
    const visit = (node: ts.Node): void => {
      ts.forEachChild(node, visit);
      const edits = this.rule(node);
      if (edits && edits.every((edit) => !this.overlaps(edit))) this.edits.push(...edits);
    };
    visit(this.sourceFile);
    return this.edits;
  }

  private overlaps(edit: TextEdit): boolean {
    return this.edits.some((other) => edit.start < other.end && other.start < edit.end || (edit.start === other.start && edit.end === other.end));
  }

  /** The literal value of a node carrying a site marker right after it. */
  private markedLiteral(node: ts.Node): { value: LiteralValue; markers: string } | undefined {
    const literal = literalOf(node);
    if (!literal) return undefined;
    const markers = this.markersAfter(node);
    return markers ? { value: literal.value, markers } : undefined;
  }

  private markersAfter(node: ts.Node): string {
    const comments = ts.getTrailingCommentRanges(this.text, node.end) ?? [];
    return comments.map((comment) => this.text.slice(comment.pos, comment.end)).filter((comment) => parseSiteMarker(comment) !== undefined).join('');
  }

  private markersIn(node: ts.Node): string {
    const end = node.end + (ts.getTrailingCommentRanges(this.text, node.end) ?? []).reduce((max, comment) => Math.max(max, comment.end - node.end), 0);
    return [...this.text.slice(node.getStart(this.sourceFile), end).matchAll(SITE_MARKER_PATTERN)].map((match) => match[0]).join('');
  }

  /** A node's text plus the comments right after it inside its parent (so markers there survive). */
  private keptText(child: ts.Node, parent: ts.Node): string {
    let end = child.end;
    for (const comment of ts.getTrailingCommentRanges(this.text, child.end) ?? []) if (comment.end <= parent.end) end = comment.end;
    return this.text.slice(child.getStart(this.sourceFile), end);
  }

  /**
   * Replaces a node. Markers right after it belong to its last literal: they go with it, unless the
   * replacement keeps that literal (`keeps` is the kept child ending where the node ends).
   */
  private replace(node: ts.Node, newText: string, keeps?: ts.Node): TextEdit[] {
    let end = node.end;
    for (const comment of ts.getTrailingCommentRanges(this.text, node.end) ?? []) {
      if (parseSiteMarker(this.text.slice(comment.pos, comment.end))) end = comment.end;
      else break;
    }
    const tail = keeps && keeps.end === node.end ? this.text.slice(node.end, end) : '';
    return [{ start: node.getStart(this.sourceFile), end, newText: newText + tail }];
  }

  /** Replacement of `node` plus its trailing marker comments by a literal (markers re-attached). */
  private replaceWithLiteral(node: ts.Node, value: LiteralValue, markers: string): TextEdit[] {
    let end = node.end;
    for (const comment of ts.getTrailingCommentRanges(this.text, node.end) ?? []) {
      if (parseSiteMarker(this.text.slice(comment.pos, comment.end))) end = comment.end;
      else break;
    }
    const unique = [...new Set(markers.match(SITE_MARKER_PATTERN) ?? [])].join('');
    return [{ start: node.getStart(this.sourceFile), end, newText: literalText(value, this.quote) + unique }];
  }

  private removeStatement(node: ts.Statement): TextEdit[] {
    if (!isInStatementList(node)) return this.replace(node, '{}');
    const range = removalRange(this.sourceFile, node);
    return [{ ...range, newText: '' }];
  }

  private rule(node: ts.Node): TextEdit[] | undefined {
    if (ts.isParenthesizedExpression(node)) {
      const inner = this.markedLiteral(node.expression);
      if (inner) return this.replaceWithLiteral(node, inner.value, this.markersIn(node));
      return undefined;
    }
    if (ts.isAwaitExpression(node)) {
      const inner = this.markedLiteral(node.expression);
      if (inner) return this.replaceWithLiteral(node, inner.value, inner.markers);
      return undefined;
    }
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      const inner = this.markedLiteral(node.operand);
      if (inner) return this.replaceWithLiteral(node, !inner.value, inner.markers);
      return undefined;
    }
    if (ts.isBinaryExpression(node)) return this.binary(node);
    if (ts.isConditionalExpression(node)) {
      const condition = this.markedLiteral(node.condition);
      if (!condition) return undefined;
      return this.conditional(node, condition.value ? node.whenTrue : node.whenFalse);
    }
    if (ts.isIfStatement(node)) return this.ifStatement(node);
    if (ts.isSwitchStatement(node)) return this.switchStatement(node);
    if (ts.isExpressionStatement(node) && this.markedLiteral(node.expression)) return this.removeStatement(node);
    if (ts.isJsxExpression(node)) return this.jsxContainer(node);
    if (ts.isJsxFragment(node) && this.watchedFragments.has(node.getStart(this.sourceFile))) return this.fragment(node);
    if (ts.isVariableStatement(node)) return this.inlineConstant(node) ?? this.followLocalObject(node);
    if (ts.isArrayLiteralExpression(node)) return this.hookDependency(node);
    if (ts.isTemplateExpression(node)) return this.templateSubstitutions(node);
    return undefined;
  }

  private binary(node: ts.BinaryExpression): TextEdit[] | undefined {
    const operator = node.operatorToken.kind;
    const left = this.markedLiteral(node.left);
    const right = this.markedLiteral(node.right);
    const leftLiteral = left ?? (right ? literalWithoutMarker(node.left) : undefined);
    const rightLiteral = right ?? (left ? literalWithoutMarker(node.right) : undefined);
    switch (operator) {
      case ts.SyntaxKind.AmpersandAmpersandToken:
        if (left) return left.value ? this.replace(node, this.keptText(node.right, node), node.right) : this.replaceWithLiteral(node, left.value, left.markers);
        if (right && (isInBooleanContext(node) || isBooleanValued(node.left))) {
          if (right.value) return this.replace(node, this.keptText(node.left, node), node.left);
          if (isPure(node.left)) return this.replaceWithLiteral(node, false, right.markers);
        }
        return undefined;
      case ts.SyntaxKind.BarBarToken:
        if (left) return left.value ? this.replaceWithLiteral(node, left.value, left.markers) : this.replace(node, this.keptText(node.right, node), node.right);
        if (right && (isInBooleanContext(node) || isBooleanValued(node.left))) {
          if (!right.value) return this.replace(node, this.keptText(node.left, node), node.left);
          if (isPure(node.left)) return this.replaceWithLiteral(node, true, right.markers);
        }
        return undefined;
      case ts.SyntaxKind.QuestionQuestionToken:
        if (left) return left.value === null || left.value === undefined ? this.replace(node, this.keptText(node.right, node), node.right) : this.replaceWithLiteral(node, left.value, left.markers);
        return undefined;
      case ts.SyntaxKind.EqualsEqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      case ts.SyntaxKind.EqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsToken: {
        if (!leftLiteral || !rightLiteral) return undefined;
        const a = leftLiteral.value;
        const b = rightLiteral.value;
        const result =
          operator === ts.SyntaxKind.EqualsEqualsEqualsToken ? a === b : operator === ts.SyntaxKind.ExclamationEqualsEqualsToken ? a !== b : operator === ts.SyntaxKind.EqualsEqualsToken ? a == b : a != b;
        return this.replaceWithLiteral(node, result, (left?.markers ?? '') + (right?.markers ?? ''));
      }
      default:
        return undefined;
    }
  }

  /** `flag ? a : b` → the kept branch; in a JSX prop a plain string becomes `prop="a"`; needless parentheses go. */
  private conditional(node: ts.ConditionalExpression, kept: ts.Expression): TextEdit[] {
    const parent = node.parent;
    const keptText = this.keptText(kept, node);
    if (ts.isJsxExpression(parent) && ts.isJsxAttribute(parent.parent) && ts.isStringLiteral(kept) && /^[^"\\\n{}<>&]*$/.test(kept.text) && keptText === kept.getText(this.sourceFile)) {
      return this.replace(parent, `"${kept.text}"`);
    }
    const isSimple = ts.isIdentifier(kept) || ts.isPropertyAccessExpression(kept) || ts.isCallExpression(kept) || ts.isTemplateExpression(kept) || (literalOf(kept) !== undefined && !ts.isPrefixUnaryExpression(kept));
    if (ts.isParenthesizedExpression(parent) && isSimple && keptText === kept.getText(this.sourceFile) && !ts.isArrowFunction(parent.parent) && !ts.isNewExpression(parent.parent)) {
      return this.replace(parent, this.reindentKept(keptText, kept, parent));
    }
    return this.replace(node, this.reindentKept(keptText, kept, node), kept);
  }

  /**
   * A kept branch spanning lines moves to where the replaced expression starts: its continuation lines keep
   * their indentation relative to the branch's first character, now relative to the indentation of the line
   * it lands on (`? call(\n      a,\n    )` after `const x = ` becomes `call(\n  a,\n)` at that line's indent).
   */
  private reindentKept(keptText: string, kept: ts.Node, replaced: ts.Node): string {
    if (!keptText.includes('\n')) return keptText;
    const keptStart = kept.getStart(this.sourceFile);
    const fromColumn = keptStart - (this.text.lastIndexOf('\n', keptStart - 1) + 1);
    const toIndent = indentationAt(this.text, replaced.getStart(this.sourceFile));
    return keptText
      .split('\n')
      .map((line, index) => {
        if (index === 0 || line.trim() === '') return line;
        const leading = /^[ \t]*/.exec(line)![0];
        // A line indented less than the branch's column is not part of its layout: left as it is.
        if (leading.length < fromColumn - 2) return line;
        return toIndent + ' '.repeat(Math.max(0, leading.length - fromColumn)) + line.slice(leading.length);
      })
      .join('\n');
  }

  private ifStatement(node: ts.IfStatement): TextEdit[] | undefined {
    const condition = this.markedLiteral(node.expression);
    if (!condition) return undefined;
    const kept = condition.value ? node.thenStatement : node.elseStatement;
    const parent = node.parent;
    if (ts.isIfStatement(parent) && parent.elseStatement === node) {
      if (kept) return this.replace(node, this.keptText(kept, node), kept);
      return [{ start: parent.thenStatement.end, end: node.end, newText: '' }];
    }
    if (!isInStatementList(node)) return kept ? this.replace(node, this.keptText(kept, node), kept) : this.replace(node, '{}');
    if (!kept) return this.removeStatement(node);
    const edits = this.replaceStatementWith(node, kept);
    if (endsWithExit(kept)) edits.push(...this.removeStatementsAfter(node));
    return edits;
  }

  /** Replaces a statement in a list by another statement, unwrapping a block when no name would collide. */
  private replaceStatementWith(node: ts.Statement, kept: ts.Statement): TextEdit[] {
    if (!ts.isBlock(kept)) return this.replace(node, this.keptText(kept, node), kept);
    if (kept.statements.length === 0 && !/\/[/*]/.test(this.text.slice(kept.getStart(this.sourceFile) + 1, kept.end - 1))) {
      return this.removeStatement(node);
    }
    const collides = blockScopedNames(kept.statements).some((name) => identifierOccursOutside(node.parent, name, node));
    if (collides) return this.replace(node, this.keptText(kept, node), kept);
    const inner = this.text.slice(kept.getStart(this.sourceFile) + 1, kept.end - 1);
    const unwrapped = dedentBlockText(inner, indentationAt(this.text, node.getStart(this.sourceFile)));
    if (unwrapped === '') return this.removeStatement(node);
    return this.replace(node, unwrapped);
  }

  /** Statements after an exit in the same list are unreachable: removed (function declarations are hoisted: kept). */
  private removeStatementsAfter(node: ts.Statement): TextEdit[] {
    const siblings = statementsOf(node.parent);
    const edits: TextEdit[] = [];
    for (const sibling of siblings.slice(siblings.indexOf(node) + 1)) {
      if (ts.isFunctionDeclaration(sibling)) continue;
      edits.push(...this.removeStatement(sibling));
    }
    return edits;
  }

  private switchStatement(node: ts.SwitchStatement): TextEdit[] | undefined {
    const subject = this.markedLiteral(node.expression);
    if (!subject) return undefined;
    const clauses = node.caseBlock.clauses;
    let index = -1;
    for (let i = 0; i < clauses.length; i++) {
      const clause = clauses[i]!;
      if (ts.isCaseClause(clause)) {
        const literal = literalOf(clause.expression);
        if (!literal) return undefined; // A computed case: cannot tell which one runs.
        if (index === -1 && literal.value === subject.value) index = i;
      }
    }
    if (index === -1) index = clauses.findIndex((clause) => ts.isDefaultClause(clause));
    if (index === -1) return isInStatementList(node) ? this.removeStatement(node) : this.replace(node, '{}');
    const collected: ts.Statement[] = [];
    for (let i = index; i < clauses.length; i++) {
      collected.push(...clauses[i]!.statements);
      const last = collected[collected.length - 1];
      if (last && endsWithExit(last)) break;
    }
    const last = collected[collected.length - 1];
    const body = last && ts.isBreakStatement(last) && !last.label ? collected.slice(0, -1) : collected;
    if (body.some((statement) => containsSwitchBreak(statement))) return undefined;
    if (body.length === 0) return isInStatementList(node) ? this.removeStatement(node) : this.replace(node, '{}');
    const indent = indentationAt(this.text, node.getStart(this.sourceFile));
    const inner = this.text.slice(body[0]!.getStart(this.sourceFile), body[body.length - 1]!.end);
    const firstIndent = indentationAt(this.text, body[0]!.getStart(this.sourceFile));
    const dedented = dedentBlockText(firstIndent + inner, indent);
    const collides = blockScopedNames(body).some((name) => identifierOccursOutside(node.parent, name, node));
    if (!isInStatementList(node) || collides) return this.replace(node, `{\n${indent}  ${dedentBlockText(firstIndent + inner, indent + '  ')}\n${indent}}`);
    const edits = this.replace(node, dedented);
    const lastKept = body[body.length - 1]!;
    if (endsWithExit(lastKept) && !ts.isBreakStatement(lastKept)) edits.push(...this.removeStatementsAfter(node));
    return edits;
  }

  private jsxContainer(node: ts.JsxExpression): TextEdit[] | undefined {
    const parent = node.parent;
    if (!(ts.isJsxElement(parent) || ts.isJsxFragment(parent)) || !node.expression) return undefined;
    let expression: ts.Expression = node.expression;
    while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
    const literal = this.markedLiteral(node.expression);
    if (literal && (typeof literal.value === 'boolean' || literal.value === null || literal.value === undefined)) {
      // Booleans, null and undefined render nothing: the container goes.
      this.watchParentFragment(node);
      return [{ ...removalRange(this.sourceFile, node), newText: '' }];
    }
    if (ts.isJsxElement(expression) || ts.isJsxSelfClosingElement(expression) || ts.isJsxFragment(expression)) {
      this.watchParentFragment(node);
      const expressionIndent = indentationAt(this.text, expression.getStart(this.sourceFile));
      return this.replace(node, dedentBlockText(expressionIndent + expression.getText(this.sourceFile), indentationAt(this.text, node.getStart(this.sourceFile))));
    }
    return undefined;
  }

  private watchParentFragment(node: ts.Node): void {
    if (ts.isJsxFragment(node.parent)) this.watchedFragments.add(node.parent.getStart(this.sourceFile));
    if (ts.isJsxFragment(node)) this.watchedFragments.add(node.getStart(this.sourceFile));
  }

  /** A fragment the cleanup touched: unwrapped into its parent's children, or collapsed to its only element. */
  private fragment(node: ts.JsxFragment): TextEdit[] | undefined {
    const meaningful = node.children.filter((child) => !(ts.isJsxText(child) && child.containsOnlyTriviaWhiteSpaces));
    const parent = node.parent;
    if (ts.isJsxElement(parent) || ts.isJsxFragment(parent)) {
      if (meaningful.length === 0) return [{ ...removalRange(this.sourceFile, node), newText: '' }];
      const inner = this.text.slice(node.openingFragment.end, node.closingFragment.getStart(this.sourceFile));
      return this.replace(node, dedentBlockText(inner, indentationAt(this.text, node.getStart(this.sourceFile))));
    }
    if (meaningful.length === 0) return this.replace(node, 'null');
    const only = meaningful[0]!;
    if (meaningful.length === 1 && (ts.isJsxElement(only) || ts.isJsxSelfClosingElement(only) || ts.isJsxFragment(only))) {
      const firstIndent = indentationAt(this.text, only.getStart(this.sourceFile));
      return this.replace(node, dedentBlockText(firstIndent + only.getText(this.sourceFile), indentationAt(this.text, node.getStart(this.sourceFile))));
    }
    return undefined;
  }

  /** `const isOn = true/*site*\/;` — every use gets the literal (with the marker), the declaration goes. */
  private inlineConstant(node: ts.VariableStatement): TextEdit[] | undefined {
    const declarations = node.declarationList.declarations;
    if (declarations.length !== 1 || !(node.declarationList.flags & ts.NodeFlags.Const) || !isInStatementList(node)) return undefined;
    if (node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword || modifier.kind === ts.SyntaxKind.DeclareKeyword)) return undefined;
    const declaration = declarations[0]!;
    if (!ts.isIdentifier(declaration.name) || !declaration.initializer) return undefined;
    const literal = this.markedLiteral(declaration.initializer);
    if (!literal || markerDepth(literal.markers) >= MAX_FOLLOW_DEPTH) return undefined;
    const uses = findUses(node.parent, declaration.name);
    if (!uses) return undefined;
    const edits = this.removeStatement(node);
    const replacement = literalText(literal.value, this.quote) + deepenMarkers(literal.markers);
    for (const use of uses) edits.push(useReplacement(this.sourceFile, use, replacement));
    return edits;
  }

  /**
   * `const params = { isOn: true/*site*\/ }` read only by property (`params.isOn`) in its scope: the reads
   * of that property get the literal, one level further (the property itself stays: the object may be
   * spread or logged). Any other use of the object — passed whole, written to — and nothing is followed.
   */
  private followLocalObject(node: ts.VariableStatement): TextEdit[] | undefined {
    const declarations = node.declarationList.declarations;
    if (declarations.length !== 1 || !(node.declarationList.flags & ts.NodeFlags.Const) || !isInStatementList(node)) return undefined;
    if (node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword || modifier.kind === ts.SyntaxKind.DeclareKeyword)) return undefined;
    const declaration = declarations[0]!;
    let initializer = declaration.initializer;
    while (initializer && (ts.isParenthesizedExpression(initializer) || ts.isAsExpression(initializer) || ts.isSatisfiesExpression(initializer))) initializer = initializer.expression;
    if (!ts.isIdentifier(declaration.name) || !initializer || !ts.isObjectLiteralExpression(initializer)) return undefined;
    const marked = new Map<string, { value: LiteralValue; markers: string }>();
    for (const property of initializer.properties) {
      if (!ts.isPropertyAssignment(property) || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) continue;
      const literal = this.markedLiteral(property.initializer);
      if (literal && markerDepth(literal.markers) < MAX_FOLLOW_DEPTH) marked.set(property.name.text, literal);
    }
    if (marked.size === 0) return undefined;
    const uses = findUses(node.parent, declaration.name);
    if (!uses || uses.length === 0) return undefined;
    const edits: TextEdit[] = [];
    for (const use of uses) {
      const access = use.parent;
      if (!ts.isPropertyAccessExpression(access) || access.expression !== use || isWriteTarget(access)) return undefined;
      const literal = marked.get(access.name.text);
      if (literal) edits.push({ start: access.getStart(this.sourceFile), end: access.end, newText: literalText(literal.value, this.quote) + deepenMarkers(literal.markers) });
    }
    return edits.length ? edits : undefined;
  }

  /** `\`variant ${'compact'}\``: a literal substitution becomes the template's own text. */
  private templateSubstitutions(node: ts.TemplateExpression): TextEdit[] | undefined {
    const edits: TextEdit[] = [];
    for (const span of node.templateSpans) {
      const literal = this.markedLiteral(span.expression);
      if (!literal || literal.value === undefined || literal.value === null) continue;
      const start = this.text.lastIndexOf('${', span.expression.getStart(this.sourceFile));
      const end = this.text.indexOf('}', span.expression.end) + 1;
      const escaped = String(literal.value).replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
      edits.push({ start, end, newText: escaped });
    }
    return edits.length ? edits : undefined;
  }

  /** `useMemo(() => …, [isOn, items])`: a literal in a React hook's dependency list never changes, so it goes. */
  private hookDependency(node: ts.ArrayLiteralExpression): TextEdit[] | undefined {
    const call = node.parent;
    if (!ts.isCallExpression(call) || call.arguments.length < 2 || call.arguments[call.arguments.length - 1] !== node) return undefined;
    const callee = ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : ts.isIdentifier(call.expression) ? call.expression.text : '';
    if (!/^use[A-Z]\w*$/.test(callee)) return undefined;
    const index = node.elements.findIndex((element) => this.markedLiteral(element) !== undefined);
    if (index === -1) return undefined;
    const element = node.elements[index]!;
    let end = element.end;
    for (const comment of ts.getTrailingCommentRanges(this.text, element.end) ?? []) if (parseSiteMarker(this.text.slice(comment.pos, comment.end))) end = comment.end;
    const next = node.elements[index + 1];
    if (next) return [{ start: element.getStart(this.sourceFile), end: next.getStart(this.sourceFile), newText: '' }];
    const previous = node.elements[index - 1];
    if (previous) return [{ start: previous.end, end, newText: '' }];
    return [{ start: element.getStart(this.sourceFile), end: node.elements.hasTrailingComma ? node.end - 1 : end, newText: '' }];
  }
}

/** True when a property access is assigned to, incremented or deleted. */
function isWriteTarget(access: ts.Node): boolean {
  const parent = access.parent;
  if (ts.isBinaryExpression(parent) && parent.left === access && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isPrefixUnaryExpression(parent) && (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken)) || ts.isPostfixUnaryExpression(parent)) return true;
  return ts.isDeleteExpression(parent);
}

function literalWithoutMarker(node: ts.Node): { value: LiteralValue } | undefined {
  return literalOf(node);
}

/** The edit giving a use of a variable its literal: `isOn` → `true`, a shorthand `{ isOn }` → `{ isOn: true }`. */
export function useReplacement(sourceFile: ts.SourceFile, use: ts.Identifier, literal: string): TextEdit {
  const newText = ts.isShorthandPropertyAssignment(use.parent) && use.parent.name === use ? `${use.text}: ${literal}` : literal;
  return { start: use.getStart(sourceFile), end: use.end, newText };
}

/** The deepest level among markers (0 for none). */
function markerDepth(markers: string): number {
  let depth = 0;
  for (const match of markers.matchAll(SITE_MARKER_PATTERN)) depth = Math.max(depth, Number(match[2] ?? 0));
  return depth;
}

/** Expressions whose value is always a boolean, so `x && true` and `x || false` are `x` anywhere. */
function isBooleanValued(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isBooleanValued(node.expression);
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPrefixUnaryExpression(node)) return node.operator === ts.SyntaxKind.ExclamationToken;
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) return isBooleanValued(node.left) && isBooleanValued(node.right);
    return comparisonOperators().has(operator);
  }
  return false;
}

/** Operators whose result is a boolean (a function: TypeScript's enums are read on first use, see core/src/typescript.js). */
let comparisonOperatorSet: ReadonlySet<ts.SyntaxKind> | undefined;
const comparisonOperators = (): ReadonlySet<ts.SyntaxKind> => (comparisonOperatorSet ??= new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
  ts.SyntaxKind.InstanceOfKeyword,
  ts.SyntaxKind.InKeyword,
]));

/** True when the statement contains a `break` that would leave the enclosing switch. */
function containsSwitchBreak(statement: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isBreakStatement(node) && !node.label) found = true;
    else if (ts.isIterationStatement(node, false) || ts.isSwitchStatement(node) || ts.isFunctionLike(node)) return;
    else ts.forEachChild(node, visit);
  };
  visit(statement);
  return found;
}

/**
 * The identifiers reading the variable declared as `name` in `container`, or undefined when a use cannot
 * take a literal (assignment, export, a shadowing declaration of the same name). A shorthand property
 * (`{ isOn }`) is a use: it takes the literal as `{ isOn: true }` (see `useReplacement`).
 */
export function findUses(container: ts.Node, name: ts.Identifier): ts.Identifier[] | undefined {
  const uses: ts.Identifier[] = [];
  let unsafe = false;
  const visit = (node: ts.Node): void => {
    if (unsafe) return;
    if (ts.isIdentifier(node) && node !== name && node.text === name.text) {
      const parent = node.parent;
      if (
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isJsxAttribute(parent) && parent.name === node) ||
        ((ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent) || ts.isEnumMember(parent)) && parent.name === node) ||
        (ts.isBindingElement(parent) && parent.propertyName === node) ||
        ts.isQualifiedName(parent) ||
        ts.isLabeledStatement(parent) ||
        ts.isTypeReferenceNode(parent)
      ) {
        return;
      }
      if (
        ts.isExportSpecifier(parent) ||
        ts.isTypeQueryNode(parent) ||
        (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) ||
        ts.isPrefixUnaryExpression(parent) && (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken) ||
        ts.isPostfixUnaryExpression(parent) ||
        ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent) || ts.isFunctionDeclaration(parent) || ts.isClassDeclaration(parent)) && parent.name === node)
      ) {
        unsafe = true;
        return;
      }
      uses.push(node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(container, visit);
  return unsafe ? undefined : uses;
}
