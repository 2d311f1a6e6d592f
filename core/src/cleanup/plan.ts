// Plans the removal of one flag from a workspace: every check site is replaced by the flag's final value
// and the code simplified (simplify.ts); wrappers, constants entries and imports left unused go too. The
// result is plain data — per-file minimal text edits and per-site outcomes — that the CLI prints or
// writes and the language server turns into quick fixes. Nothing here reads or writes files itself.
import { ts } from '../typescript.js';
import type { FlagReference } from '../model.js';
import {
  findUses,
  isInStatementList,
  literalOf,
  literalText,
  mapOffset,
  parseSiteMarker,
  parseSource,
  recordMarkerDepths,
  remainingSiteIds,
  removalRange,
  simplifyToFixedPoint,
  siteMarker,
  SITE_MARKER_PATTERN,
  useReplacement,
} from './simplify.js';
import { resultShapeOf, type ResultShape } from './valueShapes.js';
import { applyTextEdits, computeTextEdits, lineAndColumn, type TextEdit } from './textEdits.js';
import { compareText } from '../collation.js';

/** The value a flag resolves to for everyone once it is removed. */
export type FlagValue = boolean | string | number;

export interface FlagRemovalRequest {
  key: string;
  value: FlagValue;
  /** Check sites; references to other keys are ignored, so a whole scan result may be passed. */
  references: readonly FlagReference[];
  /** Current text of a workspace-relative file; undefined when it cannot be read. */
  readFile(file: string): string | undefined;
  /**
   * Every source file of the workspace (workspace-relative), searched for remaining uses of a wrapper
   * function or a constants entry before removing it. Default: only the files with references.
   */
  workspaceFiles?: readonly string[];
  /** Only these sites (by `file` + `checkStart`): the "here" quick fix. Default: every site of the key. */
  onlySites?: readonly { file: string; checkStart: number }[];
  /** Sites left as written with the given reason (by `file` + `checkStart`): a rewrite the type check refused. */
  refusedSites?: readonly { file: string; checkStart: number; reason: string }[];
}

export type SiteStatus = 'rewritten' | 'skipped';

export interface SiteOutcome {
  file: string;
  line: number;
  column: number;
  checkStart: number;
  checkEnd: number;
  call: string;
  keyExpression: string;
  status: SiteStatus;
  /** Why a site was skipped (`the value is stored in the exported constant \`isOn\``, …). */
  reason?: string;
  /**
   * For a rewritten site: how many levels its value was followed from the check before it folded (0: where
   * the check stood; 1: through a constant, a destructured binding, a result object's property or a local
   * object's property; 2: one more). Piranha's "deep clean" with k = 2.
   */
  depth?: number;
  /** For a rewritten site whose value could not fold away: where its literal now stands (`passed to \`track\``). */
  literalKept?: string;
}

export interface FileChange {
  file: string;
  before: string;
  after: string;
  /** Minimal edits in `before`'s offsets; applying them gives `after`. */
  edits: TextEdit[];
}

export type CleanupStatus = 'cleaned' | 'partially-cleaned' | 'not-cleaned' | 'no-references';

export interface FlagRemovalPlan {
  key: string;
  value: FlagValue;
  status: CleanupStatus;
  changes: FileChange[];
  sites: SiteOutcome[];
  /** Declarations removed because nothing uses them any more: `src/flags.ts: FLAGS.NEW_CHECKOUT`, wrappers. */
  removedDeclarations: string[];
}

/** Plans the removal of `request.key` with the value `request.value`. Pure: texts in, edits out. */
export function planFlagRemoval(request: FlagRemovalRequest): FlagRemovalPlan {
  const only = request.onlySites;
  const references = request.references.filter(
    (reference) => reference.key === request.key && (!only || only.some((site) => site.file === reference.file && site.checkStart === reference.checkStart)),
  );
  const sites = dedupeSites(references).map((reference, id) => ({ id, reference }));
  const originals = new Map<string, string>();
  const read = (file: string): string | undefined => {
    if (!originals.has(file)) {
      const text = request.readFile(file);
      if (text === undefined) return undefined;
      originals.set(file, text);
    }
    return originals.get(file);
  };
  const skipped = new Map<number, string>();
  for (const site of sites) if (read(site.reference.file) === undefined) skipped.set(site.id, 'file cannot be read');
  for (const refused of request.refusedSites ?? []) {
    const site = sites.find((candidate) => candidate.reference.file === refused.file && candidate.reference.checkStart === refused.checkStart);
    if (site) skipped.set(site.id, refused.reason);
  }
  let depths = new Map<number, number>();
  let literalKept = new Map<number, string>();
  const workspaceFiles = [...new Set([...(request.workspaceFiles ?? []), ...sites.map((site) => site.reference.file)])];

  const wrapperSiteIds = findWrapperSites(sites, read);
  let texts = new Map<string, string>();
  let removedDeclarations: string[] = [];
  // Each round rewrites every site not yet skipped; a site whose value could not be absorbed is skipped
  // and the round starts over from the original texts, so skipped sites stay exactly as written.
  for (let round = 0; round <= sites.length; round++) {
    texts = new Map();
    removedDeclarations = [];
    depths = new Map();
    literalKept = new Map();
    const byFile = groupBy(sites.filter((site) => !skipped.has(site.id)), (site) => site.reference.file);
    for (const [file, fileSites] of byFile) {
      let result: FileRewrite;
      try {
        result = rewriteFile(file, read(file)!, fileSites, request.value, depths);
      } catch (error) {
        // A bug on one file's shape must not sink the whole plan: its sites are skipped and it stays as is.
        const message = error instanceof Error ? error.message : String(error);
        for (const site of fileSites) skipped.set(site.id, `internal error while rewriting this file: ${message}`);
        continue;
      }
      for (const [id, reason] of result.skipped) skipped.set(id, reason);
      texts.set(file, result.text);
    }
    const current = (file: string) => texts.get(file) ?? read(file);
    removedDeclarations.push(...removeUnusedWrappers(texts, workspaceFiles, current, read, wrapperSiteIds));
    const newlySkipped = new Map<number, string>();
    for (const [file, text] of texts) {
      const residual = acceptResidualValues(file, text, wrapperSiteIds);
      texts.set(file, residual.text);
      for (const [id, note] of residual.kept) if (!literalKept.has(id)) literalKept.set(id, note);
      for (const [id, reason] of residual.skipped) if (!skipped.has(id)) newlySkipped.set(id, reason);
    }
    if (newlySkipped.size === 0) break;
    for (const [id, reason] of newlySkipped) skipped.set(id, reason);
  }

  const current = (file: string) => texts.get(file) ?? read(file);
  removedDeclarations.push(...removeUnusedFlagDeclarations(request.key, texts, workspaceFiles, current, read));
  removedDeclarations.push(...removeUnusedConstantEntries(request.key, sites.filter((site) => !skipped.has(site.id)).map((site) => site.reference), texts, workspaceFiles, current, read));
  const changes: FileChange[] = [];
  for (const [file, text] of texts) {
    const before = read(file)!;
    const after = tidyBlankLines(before, removeNewlyUnusedImports(file, before, removeNewlyUnusedAccessors(file, before, text)));
    if (after !== before) changes.push({ file, before, after, edits: computeTextEdits(before, after) });
  }
  changes.sort((a, b) => compareText(a.file, b.file));

  const outcomes: SiteOutcome[] = sites.map(({ id, reference }) => {
    const text = read(reference.file) ?? '';
    const position = lineAndColumn(text, reference.checkStart);
    const reason = skipped.get(id);
    return {
      file: reference.file,
      line: position.line,
      column: position.column,
      checkStart: reference.checkStart,
      checkEnd: reference.checkEnd,
      call: reference.call,
      keyExpression: reference.keyExpression,
      status: reason === undefined ? 'rewritten' : 'skipped',
      ...(reason === undefined ? { depth: depths.get(id) ?? 0, ...(literalKept.has(id) ? { literalKept: literalKept.get(id) } : {}) } : { reason }),
    };
  });
  const rewritten = outcomes.filter((outcome) => outcome.status === 'rewritten').length;
  const status: CleanupStatus =
    outcomes.length === 0 ? 'no-references' : rewritten === outcomes.length ? 'cleaned' : rewritten === 0 ? 'not-cleaned' : 'partially-cleaned';
  return { key: request.key, value: request.value, status, changes, sites: outcomes, removedDeclarations };
}

/** One edit with 1-based positions (exclusive end column), as the editor features speak. */
export interface LineColumnEdit {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

/** The plan's edits with line/column positions in each file's `before` text (for quick fixes). */
export function lineColumnEdits(changes: readonly FileChange[]): LineColumnEdit[] {
  return changes.flatMap((change) =>
    change.edits.map((edit) => {
      const start = lineAndColumn(change.before, edit.start);
      const end = lineAndColumn(change.before, edit.end);
      return { file: change.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, newText: edit.newText };
    }),
  );
}

/**
 * Removals next to each other can leave blank lines at the top of a file or two in a row; when the file
 * had none of those before, they are collapsed (a file's own style is left alone).
 */
function tidyBlankLines(before: string, after: string): string {
  let text = after;
  if (!/^[ \t]*\n/.test(before)) text = text.replace(/^([ \t]*\n)+/, '');
  if (!/\n[ \t]*\n[ \t]*\n/.test(before)) text = text.replace(/\n([ \t]*\n){2,}/g, '\n\n');
  return text;
}

/** Parses `on`, `off`, a number, a quoted string or a bare word into a flag value. */
export function parseFlagValue(text: string): FlagValue {
  if (text === 'on' || text === 'true') return true;
  if (text === 'off' || text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const quoted = /^(['"])(.*)\1$/.exec(text);
  return quoted ? quoted[2]! : text;
}

// ---------------------------------------------------------------------------------------------
// One file: the site phase, then the simplifier.

interface Site {
  id: number;
  reference: FlagReference;
}

interface FileRewrite {
  text: string;
  skipped: Map<number, string>;
}

function rewriteFile(file: string, original: string, sites: Site[], value: FlagValue, depths: Map<number, number>): FileRewrite {
  const quote = preferredQuote(original);
  const skipped = new Map<number, string>();
  const watchedFragments: number[] = [];
  let text = original;
  // Innermost (latest) first; the spans of the sites still to do are mapped through each edit.
  const pending = sites.map((site) => ({ site, start: site.reference.checkStart, end: site.reference.checkEnd })).sort((a, b) => b.start - a.start || a.end - b.end);
  for (let index = 0; index < pending.length; index++) {
    const item = pending[index]!;
    const sourceFile = parseSource(file, text);
    const node = findCheckNode(sourceFile, item.start, item.end);
    if (!node) {
      skipped.set(item.site.id, 'the check is no longer at the position the scanner recorded');
      continue;
    }
    const result = siteEdits(sourceFile, node, item.site, value, quote);
    if ('skip' in result) {
      skipped.set(item.site.id, result.skip);
      continue;
    }
    text = applyTextEdits(text, result.edits);
    for (const offset of result.watchFragments ?? []) watchedFragments.push(offset);
    for (let i = 0; i < watchedFragments.length; i++) watchedFragments[i] = mapOffset(watchedFragments[i]!, result.edits) ?? -1;
    for (const later of pending.slice(index + 1)) {
      const start = mapOffset(later.start, result.edits);
      const end = mapOffset(later.end, result.edits);
      // A site inside removed code disappears with it: rewritten. Sentinel spans are never found again.
      later.start = start === undefined || end === undefined ? -1 : start;
      later.end = start === undefined || end === undefined ? -1 : end;
    }
  }
  recordMarkerDepths(text, depths);
  const simplified = simplifyToFixedPoint(text, { fileName: file, quote, watchedFragments: watchedFragments.filter((offset) => offset >= 0), depths });
  // Sites swallowed by an earlier site's edit (nested inside a removed element) need no rewrite of their own.
  for (const item of pending) if (item.start === -1 && skipped.get(item.site.id)) skipped.delete(item.site.id);
  return { text: simplified, skipped };
}

type SiteEditResult = { edits: TextEdit[]; watchFragments?: number[] } | { skip: string };

function siteEdits(sourceFile: ts.SourceFile, node: ts.Node, site: Site, value: FlagValue, quote: "'" | '"'): SiteEditResult {
  const marker = siteMarker(site.id);
  if (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node)) return jsxSiteEdits(sourceFile, node, site, value);
  const bindingElement = ts.isBindingElement(node) ? node : ts.isIdentifier(node) && ts.isBindingElement(node.parent) ? node.parent : undefined;
  if (bindingElement) return bindingSiteEdits(sourceFile, bindingElement, value, quote, siteMarker(site.id, 1));
  if (ts.isDecorator(node.parent)) return decoratorSiteEdits(sourceFile, node.parent, value);
  // `useFlag(k, d).value`, `const { value, loading } = useFeatureFlag(k, d)`: the value is inside the result.
  const shape = resultShapeOf(site.reference, node);
  if (shape) return resultSiteEdits(sourceFile, node, shape, site, value, quote);
  if (ts.isCallExpression(node.parent) && node.parent.expression === node) return { skip: 'the flag value is called as a function' };
  return { edits: [literalReplacement(sourceFile, node, literalText(value, quote) + marker)] };
}

/**
 * Replaces an expression by a literal. An expression a formatter had moved to a line of its own after `:`,
 * `=` or `=>` (because it was long) brings the short literal back up: `key:\n  true` would be no one's style.
 */
function literalReplacement(sourceFile: ts.SourceFile, node: ts.Node, newText: string): TextEdit {
  const text = sourceFile.text;
  const start = node.getStart(sourceFile);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (text.slice(lineStart, start).trim() === '' && lineStart > 0) {
    const before = text.slice(0, lineStart - 1).replace(/[ \t]+$/, '');
    if (/(?:[:=]|=>)$/.test(before) && !/\/\/[^\n]*$/.test(before.slice(before.lastIndexOf('\n') + 1))) return { start: before.length, end: node.end, newText: ` ${newText}` };
  }
  return { start, end: node.end, newText };
}

/**
 * A gate decorator (`@WorkspaceGate({ featureFlag: K })`, declared as a check in flaglens.yaml): on for
 * everyone, the gate is open and the decorator goes; off, the whole declaration is gated away, which is a
 * change for a person to make.
 */
function decoratorSiteEdits(sourceFile: ts.SourceFile, decorator: ts.Decorator, value: FlagValue): SiteEditResult {
  if (!value) return { skip: 'the decorated declaration is gated off for everyone: remove it by hand' };
  return { edits: [{ ...removalRange(sourceFile, decorator), newText: '' }] };
}

/** The property a node reads from `object` (`object.value`, `object['value']`), if it is such a read. */
function propertyRead(node: ts.Node, object: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node) && node.expression === object) return node.name.text;
  if (ts.isElementAccessExpression(node) && node.expression === object && ts.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text;
  return undefined;
}

function isAssignedOrCalled(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isCallExpression(parent) && parent.expression === node) return true;
  if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  return ts.isPostfixUnaryExpression(parent) || ts.isDeleteExpression(parent) || (ts.isPrefixUnaryExpression(parent) && (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken));
}

/**
 * A check whose result holds the value (see valueShapes.ts): its property read (`.value`, `.on`,
 * `.enabled`) becomes the literal; a destructuring (`const { value: on, loading } = …`) or a constant read
 * only by property (`const details = …; details.value`) goes, and its reads get the literals (depth 1).
 */
function resultSiteEdits(sourceFile: ts.SourceFile, check: ts.Node, shape: ResultShape, site: Site, value: FlagValue, quote: "'" | '"'): SiteEditResult {
  if (shape.entry) return keyedResultSiteEdits(sourceFile, check, shape, shape.entry, site, value, quote);
  let outer: ts.Node = check;
  while (ts.isParenthesizedExpression(outer.parent) || ts.isAwaitExpression(outer.parent) || ts.isNonNullExpression(outer.parent)) outer = outer.parent;
  const parent = outer.parent;
  const read = propertyRead(parent, outer);
  if (read !== undefined) {
    const property = shape.property(read, value);
    if ('unknown' in property) return { skip: property.unknown };
    if (isAssignedOrCalled(parent)) return { skip: `\`.${read}\` of the ${shape.name} is written or called` };
    return { edits: [literalReplacement(sourceFile, parent, literalText(property.value, quote) + siteMarker(site.id))] };
  }
  if (!ts.isVariableDeclaration(parent) || parent.initializer !== outer) return { skip: `the ${shape.name} is used as a whole (\`${clip(parent.getText(sourceFile))}\`)` };
  const statement = parent.parent.parent;
  if (!ts.isVariableStatement(statement) || !isInStatementList(statement) || statement.declarationList.declarations.length !== 1) {
    return { skip: `the ${shape.name} is declared in a form the cleanup does not rewrite` };
  }
  if (statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return { skip: `the ${shape.name} is stored in an exported variable` };
  const marker = siteMarker(site.id, 1);
  const edits: TextEdit[] = [{ ...removalRange(sourceFile, statement), newText: '' }];
  if (ts.isObjectBindingPattern(parent.name)) {
    for (const element of parent.name.elements) {
      if (element.dotDotDotToken || !ts.isIdentifier(element.name)) return { skip: `the ${shape.name} is destructured with a rest element or a nested pattern` };
      const name = element.propertyName ? (ts.isIdentifier(element.propertyName) || ts.isStringLiteral(element.propertyName) ? element.propertyName.text : undefined) : element.name.text;
      if (name === undefined) return { skip: `the ${shape.name} is destructured with a computed property` };
      const property = shape.property(name, value);
      if ('unknown' in property) return { skip: property.unknown };
      const uses = findUses(statement.parent, element.name);
      if (!uses) return { skip: `\`${element.name.text}\` is reassigned or shadowed` };
      for (const use of uses) edits.push(useReplacement(sourceFile, use, literalText(property.value, quote) + marker));
    }
    return { edits };
  }
  if (!ts.isIdentifier(parent.name)) return { skip: `the ${shape.name} is destructured in a form the cleanup does not rewrite` };
  const name = parent.name.text;
  if (!(statement.declarationList.flags & ts.NodeFlags.Const)) return { skip: `the ${shape.name} is stored in \`${name}\`, declared with let` };
  const uses = findUses(statement.parent, parent.name);
  if (!uses) return { skip: `\`${name}\` is reassigned or shadowed` };
  for (const use of uses) {
    const read = propertyRead(use.parent, use);
    if (read === undefined) return { skip: `the ${shape.name} \`${name}\` is used as a whole (\`${clip(use.parent.getText(sourceFile))}\`)` };
    const property = shape.property(read, value);
    if ('unknown' in property) return { skip: property.unknown };
    if (isAssignedOrCalled(use.parent)) return { skip: `\`${name}.${read}\` is written or called` };
    edits.push({ start: use.parent.getStart(sourceFile), end: use.parent.end, newText: literalText(property.value, quote) + marker });
  }
  return { edits };
}

/**
 * A result keyed by flag key (`const flags = useFlags(['new_checkout', 'other'])`): only this flag's entry is
 * rewritten — `flags.new_checkout.enabled` gets its value, a destructured `{ new_checkout }` goes — and its
 * key leaves the call's list; the declaration goes with the last entry read.
 */
function keyedResultSiteEdits(sourceFile: ts.SourceFile, check: ts.Node, shape: ResultShape, entry: ResultShape, site: Site, value: FlagValue, quote: "'" | '"'): SiteEditResult {
  const key = site.reference.key;
  if (!key || !ts.isCallExpression(check)) return { skip: `the ${shape.name} is used in a form the cleanup does not rewrite` };
  // The reads of this flag's entry (`<entry>.enabled`) become literals.
  const entryReads = (entryNode: ts.Node, depth: number): TextEdit[] | { skip: string } => {
    const read = propertyRead(entryNode.parent, entryNode);
    if (read === undefined) return { skip: `the ${entry.name} \`${key}\` is used as a whole (\`${clip(entryNode.parent.getText(sourceFile))}\`)` };
    const property = entry.property(read, value);
    if ('unknown' in property) return { skip: property.unknown };
    if (isAssignedOrCalled(entryNode.parent)) return { skip: `\`.${read}\` of the ${entry.name} is written or called` };
    return [literalReplacement(sourceFile, entryNode.parent, literalText(property.value, quote) + siteMarker(site.id, depth))];
  };
  // The key's element in the call's list, when it is there.
  const list = check.arguments[0];
  const keyIndex = list && ts.isArrayLiteralExpression(list) ? list.elements.findIndex((element) => element.getStart(sourceFile) <= site.reference.start && site.reference.end <= element.end) : -1;
  const keyRemoval = (): TextEdit[] => (keyIndex >= 0 && ts.isArrayLiteralExpression(list!) && list.elements.length > 1 ? [listElementRemoval(sourceFile, list.elements, keyIndex)] : []);
  const onlyKey = keyIndex >= 0 && ts.isArrayLiteralExpression(list!) && list.elements.length === 1;

  let outer: ts.Node = check;
  while (ts.isParenthesizedExpression(outer.parent) || ts.isNonNullExpression(outer.parent)) outer = outer.parent;
  if (propertyRead(outer.parent, outer) === key) {
    const reads = entryReads(outer.parent, 0);
    return 'skip' in reads ? reads : { edits: reads };
  }
  const declaration = outer.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== outer) return { skip: `the ${shape.name} is used as a whole` };
  const statement = declaration.parent.parent;
  if (!ts.isVariableStatement(statement) || !isInStatementList(statement) || statement.declarationList.declarations.length !== 1) {
    return { skip: `the ${shape.name} is declared in a form the cleanup does not rewrite` };
  }
  const edits: TextEdit[] = [];
  if (ts.isIdentifier(declaration.name)) {
    const uses = findUses(statement.parent, declaration.name);
    if (!uses) return { skip: `\`${declaration.name.text}\` is reassigned or shadowed` };
    let otherUses = 0;
    for (const use of uses) {
      const read = propertyRead(use.parent, use);
      if (read === undefined) return { skip: `the ${shape.name} \`${declaration.name.text}\` is used as a whole (\`${clip(use.parent.getText(sourceFile))}\`)` };
      if (read !== key) {
        otherUses++;
        continue;
      }
      const reads = entryReads(use.parent, 1);
      if ('skip' in reads) return reads;
      edits.push(...reads);
    }
    edits.push(...(otherUses === 0 && (onlyKey || keyIndex === -1) ? [{ ...removalRange(sourceFile, statement), newText: '' }] : keyRemoval()));
    return { edits };
  }
  if (!ts.isObjectBindingPattern(declaration.name)) return { skip: `the ${shape.name} is destructured in a form the cleanup does not rewrite` };
  const pattern = declaration.name;
  const index = pattern.elements.findIndex((element) => ((element.propertyName ?? element.name) as ts.Node).getText(sourceFile).replace(/^['"]|['"]$/g, '') === key);
  const element = pattern.elements[index];
  if (!element || element.dotDotDotToken || !ts.isIdentifier(element.name)) return { skip: `the ${shape.name} is destructured in a form the cleanup does not rewrite` };
  const uses = findUses(statement.parent, element.name);
  if (!uses) return { skip: `\`${element.name.text}\` is reassigned or shadowed` };
  for (const use of uses) {
    const reads = entryReads(use, 1);
    if ('skip' in reads) return reads;
    edits.push(...reads);
  }
  if (pattern.elements.length === 1) edits.push({ ...removalRange(sourceFile, statement), newText: '' });
  else edits.push(listElementRemoval(sourceFile, pattern.elements, index), ...keyRemoval());
  return { edits };
}

function clip(text: string): string {
  const flat = text.replace(SITE_MARKER_PATTERN, '').replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/** `<IfFeatureEnabled feature="k">…</IfFeatureEnabled>`: unwrapped when the value is truthy, removed when not. */
function jsxSiteEdits(sourceFile: ts.SourceFile, node: ts.JsxElement | ts.JsxSelfClosingElement, site: Site, value: FlagValue): SiteEditResult {
  const opening = ts.isJsxElement(node) ? node.openingElement : node;
  const others = opening.attributes.properties.filter((attribute) => !(attribute.pos <= site.reference.start && site.reference.end <= attribute.end));
  if (others.length > 0) {
    return { skip: `the <${opening.tagName.getText(sourceFile)}> check has other attributes (${others.map((attribute) => attribute.getText(sourceFile).split('=')[0]).join(', ')})` };
  }
  const inChildren = ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent);
  const hasChildren = ts.isJsxElement(node) && node.children.some((child) => !(ts.isJsxText(child) && child.containsOnlyTriviaWhiteSpaces));
  if (value && ts.isJsxElement(node) && hasChildren) {
    // The tags become a fragment, which the simplifier then unwraps or collapses.
    return {
      edits: [
        { start: node.openingElement.getStart(sourceFile), end: node.openingElement.end, newText: '<>' },
        { start: node.closingElement.getStart(sourceFile), end: node.closingElement.end, newText: '</>' },
      ],
      watchFragments: [node.getStart(sourceFile)],
    };
  }
  if (inChildren) return { edits: [{ ...removalRange(sourceFile, node), newText: '' }], watchFragments: ts.isJsxFragment(node.parent) ? [node.parent.getStart(sourceFile)] : [] };
  // `{<IfFeatureEnabled …/>}` among children: the container goes with it.
  const container = node.parent;
  if (ts.isJsxExpression(container) && (ts.isJsxElement(container.parent) || ts.isJsxFragment(container.parent))) {
    return { edits: [{ ...removalRange(sourceFile, container), newText: '' }], watchFragments: ts.isJsxFragment(container.parent) ? [container.parent.getStart(sourceFile)] : [] };
  }
  return { edits: [{ start: node.getStart(sourceFile), end: node.end, newText: 'null' }] };
}

/** `const { newCheckout, other } = useFlags()`: only that binding goes; its uses get the value. */
function bindingSiteEdits(sourceFile: ts.SourceFile, element: ts.BindingElement, value: FlagValue, quote: "'" | '"', marker: string): SiteEditResult {
  const pattern = element.parent;
  const declaration = pattern.parent;
  if (!ts.isObjectBindingPattern(pattern) || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(element.name) || element.dotDotDotToken) {
    return { skip: 'the flag is destructured in a form the cleanup does not rewrite' };
  }
  const statement = declaration.parent.parent;
  if (!ts.isVariableStatement(statement) || !isInStatementList(statement)) return { skip: 'the flag is destructured outside a variable statement' };
  const uses = findUses(statement.parent, element.name);
  if (!uses) return { skip: `\`${element.name.text}\` is reassigned or shadowed` };
  const edits: TextEdit[] = uses.map((use) => useReplacement(sourceFile, use, literalText(value, quote) + marker));
  if (pattern.elements.length === 1 && statement.declarationList.declarations.length === 1) {
    edits.push({ ...removalRange(sourceFile, statement), newText: '' });
  } else if (pattern.elements.length === 1) {
    return { skip: 'the destructuring shares its statement with other declarations' };
  } else {
    edits.push(listElementRemoval(sourceFile, pattern.elements, pattern.elements.indexOf(element)));
  }
  return { edits };
}

/** Finds the node spanning exactly [start, end): the outermost expression-like one. */
function findCheckNode(sourceFile: ts.SourceFile, start: number, end: number): ts.Node | undefined {
  if (start < 0) return undefined;
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    const nodeStart = node.getStart(sourceFile);
    if (nodeStart === start && node.end === end && (ts.isExpression(node) || ts.isBindingElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxElement(node))) {
      found = node;
      return;
    }
    if (node.pos <= start && end <= node.end) ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Removes one element of a comma-separated list, with its comma (and its lines when it has its own). */
export function listElementRemoval(sourceFile: ts.SourceFile, elements: ts.NodeArray<ts.Node>, index: number): TextEdit {
  const text = sourceFile.text;
  const element = elements[index]!;
  const start = element.getStart(sourceFile);
  let after = element.end;
  while (after < text.length && /[ \t]/.test(text[after]!)) after++;
  if (text[after] === ',') after++;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', after);
  if (lineEnd === -1) lineEnd = text.length;
  const rest = text.slice(after, lineEnd);
  if (text.slice(lineStart, start).trim() === '' && (rest.trim() === '' || /^\s*\/\/.*$/.test(rest))) {
    const range = removalRange(sourceFile, element);
    return { start: text.lastIndexOf('\n', range.start - 1) + 1, end: Math.min(lineEnd + 1, text.length), newText: '' };
  }
  if (index < elements.length - 1) return { start, end: elements[index + 1]!.getStart(sourceFile), newText: '' };
  if (index > 0) return { start: elements[index - 1]!.end, end: element.end, newText: '' };
  return { start, end: element.end, newText: '' };
}

function dedupeSites(references: FlagReference[]): FlagReference[] {
  const seen = new Set<string>();
  return references.filter((reference) => {
    const id = `${reference.file}:${reference.checkStart}:${reference.checkEnd}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

function preferredQuote(text: string): "'" | '"' {
  const single = (text.match(/from '|\('/g) ?? []).length;
  const double = (text.match(/from "|\("/g) ?? []).length;
  return double > single ? '"' : "'";
}

interface ResidualValues {
  text: string;
  /** Sites whose literal stays where it is, with where that is. */
  kept: Map<number, string>;
  /** Sites whose literal cannot stay, with the reason. */
  skipped: Map<number, string>;
}

/**
 * The literals no rule could fold away. Replacing a check by the value it always has keeps the program's
 * behaviour wherever the literal ends up — stored in an object property or an array, passed to a function or
 * a prop, returned, rendered — so those sites are rewritten and their markers go (`literalKept` says where
 * the literal stands). Two places are not finished: an exported variable (its name is public API that now
 * means nothing) and a wrapper's return value while the wrapper is still called (its callers are sites).
 */
function acceptResidualValues(file: string, text: string, wrapperSiteIds: ReadonlySet<number>): ResidualValues {
  const kept = new Map<number, string>();
  const skipped = new Map<number, string>();
  if (!remainingSiteIds(text).length) return { text, kept, skipped };
  const sourceFile = parseSource(file, text);
  const edits: TextEdit[] = [];
  for (const match of text.matchAll(SITE_MARKER_PATTERN)) {
    const id = Number(match[1]);
    const offset = match.index!;
    // The literal right before the marker (markers after another marker belong to the same literal).
    let literalEnd = offset;
    while (literalEnd > 0 && text.slice(0, literalEnd).endsWith('*/')) {
      const previous = text.lastIndexOf('/*flaglens:site:', literalEnd);
      if (previous === -1 || text.slice(previous, literalEnd).search(/^\/\*flaglens:site:\d+(?::\d+)?\*\/$/) !== 0) break;
      literalEnd = previous;
    }
    const literal = literalEndingAt(sourceFile, literalEnd);
    const outcome = literal ? residualOutcome(sourceFile, literal, id, wrapperSiteIds) : { kept: '' };
    if ('skip' in outcome) {
      if (!skipped.has(id)) skipped.set(id, outcome.skip);
      continue;
    }
    if (!kept.has(id) && outcome.kept) kept.set(id, outcome.kept);
    edits.push({ start: offset, end: offset + match[0].length, newText: '' });
  }
  // A site with one literal that cannot stay is skipped as a whole: its other markers stay too.
  const keptEdits = edits.filter((edit) => {
    const marker = parseSiteMarker(text.slice(edit.start, edit.end));
    return marker !== undefined && !skipped.has(marker.id);
  });
  for (const id of skipped.keys()) kept.delete(id);
  return { text: keptEdits.length ? applyTextEdits(text, keptEdits) : text, kept, skipped };
}

/** The innermost literal expression ending at `offset`. */
function literalEndingAt(sourceFile: ts.SourceFile, offset: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (node.end === offset && literalOf(node)) found = node;
    if (node.pos <= offset && offset <= node.end) ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Where a literal that stays stands, or why it cannot stay. */
function residualOutcome(sourceFile: ts.SourceFile, literal: ts.Node, id: number, wrapperSiteIds: ReadonlySet<number>): { kept: string } | { skip: string } {
  let node: ts.Node = literal;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === node)) {
    if (wrapperSiteIds.has(id)) return { skip: 'the value is returned from a function that is still used' };
    return { kept: 'returned' };
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) {
    const statement = parent.parent.parent;
    const name = parent.name.getText(sourceFile);
    if (ts.isVariableStatement(statement) && statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) {
      return { skip: `the value is stored in the exported constant \`${name}\`` };
    }
    return { kept: `stored in \`${name}\`` };
  }
  if (ts.isPropertyAssignment(parent)) return { kept: `stored in an object property (\`${parent.name.getText(sourceFile)}\`)` };
  if (ts.isArrayLiteralExpression(parent)) return { kept: 'stored in an array' };
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression !== node) return { kept: `passed to \`${clip(parent.expression.getText(sourceFile))}\`` };
  if (ts.isJsxExpression(parent) && ts.isJsxAttribute(parent.parent)) {
    return { kept: `passed as the prop \`${parent.parent.name.getText(sourceFile)}\` of <${parent.parent.parent.parent.tagName.getText(sourceFile)}>` };
  }
  if (ts.isJsxExpression(parent)) return { kept: 'rendered' };
  const statement = ts.findAncestor(node, (ancestor) => ts.isStatement(ancestor));
  return { kept: `left as a literal in \`${clip((statement ?? parent).getText(sourceFile))}\`` };
}

// ---------------------------------------------------------------------------------------------
// Across files: wrappers, constants entries, imports.

/**
 * A function whose whole body now returns the flag's value (`function isNewCheckout() { return true; }`)
 * was a wrapper; it goes when nothing in the workspace calls it any more.
 */
function removeUnusedWrappers(
  texts: Map<string, string>,
  workspaceFiles: string[],
  current: (file: string) => string | undefined,
  original: (file: string) => string | undefined,
  wrapperSiteIds: ReadonlySet<number>,
): string[] {
  const removed: string[] = [];
  for (const [file, text] of [...texts]) {
    const sourceFile = parseSource(file, text);
    const edits: TextEdit[] = [];
    for (const statement of sourceFile.statements) {
      const wrapper = wrapperName(statement, wrapperSiteIds);
      if (!wrapper) continue;
      if (isUsedAnywhere(wrapper, statement, file, workspaceFiles, current, texts)) continue;
      // Only a wrapper whose uses the cleanup removed goes; one never used in the workspace is public API.
      const originalFile = parseSource(file, original(file) ?? '');
      const originalDeclaration = originalFile.statements.find((candidate) => declaredName(candidate) === wrapper);
      if (!originalDeclaration || !isUsedAnywhere(wrapper, originalDeclaration, file, workspaceFiles, original, new Map())) continue;
      edits.push({ ...removalRange(sourceFile, statement), newText: '' });
      removed.push(`${file}: ${wrapper}`);
    }
    if (edits.length) texts.set(file, applyTextEdits(text, edits));
  }
  return removed;
}

/**
 * Flags declared in code (the Vercel Flags SDK's `export const showX = flag({ key: 'k', decide })`): the
 * declaration goes once nothing in the workspace reads it any more and something did before the cleanup.
 */
function removeUnusedFlagDeclarations(
  key: string,
  texts: Map<string, string>,
  workspaceFiles: string[],
  current: (file: string) => string | undefined,
  original: (file: string) => string | undefined,
): string[] {
  const removed: string[] = [];
  for (const file of new Set([...workspaceFiles, ...texts.keys()])) {
    const text = current(file);
    if (!text || !text.includes(key)) continue;
    const sourceFile = parseSource(file, text);
    for (const statement of sourceFile.statements) {
      const name = declaredName(statement);
      if (!name || !ts.isVariableStatement(statement)) continue;
      const initializer = statement.declarationList.declarations[0]!.initializer;
      const options = initializer && ts.isCallExpression(initializer) ? initializer.arguments[0] : undefined;
      if (!options || !ts.isObjectLiteralExpression(options)) continue;
      const keyProperty = options.properties.find((property) => ts.isPropertyAssignment(property) && property.name.getText(sourceFile) === 'key');
      if (!keyProperty || !ts.isPropertyAssignment(keyProperty) || literalOf(keyProperty.initializer)?.value !== key) continue;
      if (isUsedAnywhere(name, statement, file, workspaceFiles, current, texts)) continue;
      const originalDeclaration = parseSource(file, original(file) ?? '').statements.find((candidate) => declaredName(candidate) === name);
      if (!originalDeclaration || !isUsedAnywhere(name, originalDeclaration, file, workspaceFiles, original, new Map())) continue;
      texts.set(file, applyTextEdits(text, [{ ...removalRange(sourceFile, statement), newText: '' }]));
      removed.push(`${file}: ${name}`);
      break;
    }
  }
  return removed;
}

/** The name a top-level function or const declares. */
function declaredName(statement: ts.Statement): string | undefined {
  if (ts.isFunctionDeclaration(statement)) return statement.name?.text;
  if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1) {
    const name = statement.declarationList.declarations[0]!.name;
    return ts.isIdentifier(name) ? name.text : undefined;
  }
  return undefined;
}

/**
 * Sites that are the whole body of a top-level function (`function isNewCheckout() { return check; }`,
 * `const useX = () => check`): that function is a wrapper, its callers are sites of their own.
 */
function findWrapperSites(sites: Site[], read: (file: string) => string | undefined): Set<number> {
  const ids = new Set<number>();
  const parsed = new Map<string, ts.SourceFile>();
  for (const site of sites) {
    const text = read(site.reference.file);
    if (text === undefined) continue;
    if (!parsed.has(site.reference.file)) parsed.set(site.reference.file, parseSource(site.reference.file, text));
    const node = findCheckNode(parsed.get(site.reference.file)!, site.reference.checkStart, site.reference.checkEnd);
    if (!node) continue;
    let outer: ts.Node = node;
    while (ts.isParenthesizedExpression(outer.parent) || ts.isAwaitExpression(outer.parent)) outer = outer.parent;
    const parent = outer.parent;
    const body = ts.isReturnStatement(parent) && ts.isBlock(parent.parent) && parent.parent.statements.length === 1 ? parent.parent : ts.isArrowFunction(parent) && parent.body === outer ? outer : undefined;
    const fn = body?.parent;
    if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) continue;
    const statement = ts.isFunctionDeclaration(fn) ? fn : fn.parent?.parent?.parent;
    if (statement && ts.isSourceFile(statement.parent) && declaredName(statement as ts.Statement)) ids.add(site.id);
  }
  return ids;
}

function wrapperName(statement: ts.Statement, wrapperSiteIds: ReadonlySet<number>): string | undefined {
  const returnsMarkedLiteral = (body: ts.ConciseBody | undefined): boolean => {
    if (!body) return false;
    const text = body.getSourceFile().text;
    const marked = (expression: ts.Expression) => {
      const inner = ts.isAwaitExpression(expression) ? expression.expression : expression;
      const comment = (ts.getTrailingCommentRanges(text, inner.end) ?? [])[0];
      const marker = comment ? parseSiteMarker(text.slice(comment.pos, comment.end)) : undefined;
      return literalOf(inner) !== undefined && marker !== undefined && wrapperSiteIds.has(marker.id);
    };
    if (!ts.isBlock(body)) return marked(ts.isParenthesizedExpression(body) ? body.expression : body);
    const only = body.statements[0];
    return body.statements.length === 1 && ts.isReturnStatement(only!) && only.expression !== undefined && marked(only.expression);
  };
  if (ts.isFunctionDeclaration(statement) && statement.name && returnsMarkedLiteral(statement.body)) return statement.name.text;
  if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1) {
    const declaration = statement.declarationList.declarations[0]!;
    const initializer = declaration.initializer;
    if (ts.isIdentifier(declaration.name) && initializer && (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) && returnsMarkedLiteral(initializer.body)) {
      return declaration.name.text;
    }
  }
  return undefined;
}

function isUsedAnywhere(name: string, declaration: ts.Node, declaringFile: string, workspaceFiles: string[], current: (file: string) => string | undefined, texts: Map<string, string>): boolean {
  const pattern = new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}($|[^\\w$])`);
  for (const file of new Set([...workspaceFiles, ...texts.keys()])) {
    const text = current(file);
    if (!text || !pattern.test(text)) continue;
    const sourceFile = file === declaringFile ? declaration.getSourceFile() : parseSource(file, text);
    let used = false;
    const visit = (node: ts.Node): void => {
      if (used) return;
      if (file === declaringFile && node === declaration) return;
      if (ts.isIdentifier(node) && node.text === name) {
        const parent = node.parent;
        if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isExportSpecifier(parent)) return;
        if (ts.isPropertyAccessExpression(parent) && parent.name === node) return;
        used = true;
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    if (used) return true;
  }
  return false;
}

/**
 * `FLAGS.NEW_CHECKOUT` / `UiFlag.DarkMode`: the entry whose value is the key goes from the constants
 * object or enum once no `.NEW_CHECKOUT` (or `['NEW_CHECKOUT']`) is left anywhere in the workspace.
 */
function removeUnusedConstantEntries(
  key: string,
  references: FlagReference[],
  texts: Map<string, string>,
  workspaceFiles: string[],
  current: (file: string) => string | undefined,
  read: (file: string) => string | undefined,
): string[] {
  const members = new Map<string, string>();
  for (const reference of references) {
    const match = /^([A-Za-z_$][\w$]*)\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])$/.exec(reference.keyExpression);
    if (match) members.set(`${match[1]}.${match[2] ?? match[3]}`, match[1]!);
  }
  const removed: string[] = [];
  const allFiles = [...new Set([...workspaceFiles, ...texts.keys()])];
  for (const [qualified, container] of members) {
    const member = qualified.slice(container.length + 1);
    const escaped = member.replace(/\$/g, '\\$');
    const usePattern = new RegExp(`\\.${escaped}(?![\\w$])|\\[\\s*['"\`]${escaped}['"\`]\\s*\\]`);
    if (allFiles.some((file) => usePattern.test(current(file) ?? ''))) continue;
    for (const file of allFiles) {
      const text = current(file);
      if (!text || !text.includes(container) || !text.includes(member)) continue;
      const sourceFile = parseSource(file, text);
      const edit = constantEntryRemoval(sourceFile, container, member, key);
      if (!edit) continue;
      texts.set(file, applyTextEdits(text, [edit]));
      if (read(file) === undefined) continue;
      removed.push(`${file}: ${qualified}`);
      break;
    }
  }
  return removed;
}

function constantEntryRemoval(sourceFile: ts.SourceFile, container: string, member: string, key: string): TextEdit | undefined {
  for (const statement of sourceFile.statements) {
    if (ts.isEnumDeclaration(statement) && statement.name.text === container) {
      const index = statement.members.findIndex((entry) => entry.name.getText(sourceFile) === member && entry.initializer && literalOf(entry.initializer)?.value === key);
      if (index >= 0) return listElementRemoval(sourceFile, statement.members, index);
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || declaration.name.text !== container || !declaration.initializer) continue;
        let initializer: ts.Expression = declaration.initializer;
        while (ts.isAsExpression(initializer) || ts.isSatisfiesExpression(initializer) || ts.isParenthesizedExpression(initializer)) initializer = initializer.expression;
        if (ts.isCallExpression(initializer) && initializer.arguments.length === 1) initializer = initializer.arguments[0]!; // Object.freeze({...})
        if (!ts.isObjectLiteralExpression(initializer)) continue;
        const index = initializer.properties.findIndex(
          (property) => ts.isPropertyAssignment(property) && property.name.getText(sourceFile).replace(/^['"]|['"]$/g, '') === member && literalOf(property.initializer)?.value === key,
        );
        if (index >= 0) return listElementRemoval(sourceFile, initializer.properties, index);
      }
    }
  }
  return undefined;
}

/**
 * `const flags = useFlags()` / `const client = OpenFeature.getClient('x')` left unused once its checks are
 * gone: removed (a tsconfig with noUnusedLocals would otherwise refuse the change). Only hook calls, client
 * getters and plain reads qualify — never a call that may do something else.
 */
export function removeNewlyUnusedAccessors(file: string, before: string, after: string): string {
  const usedBefore = identifierCounts(parseSource(file, before));
  let text = after;
  for (let round = 0; round < 3; round++) {
    const sourceFile = parseSource(file, text);
    const usedNow = identifierCounts(sourceFile);
    const edits: TextEdit[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isVariableStatement(node) && isInStatementList(node) && node.declarationList.flags & ts.NodeFlags.Const && node.declarationList.declarations.length === 1) {
        const declaration = node.declarationList.declarations[0]!;
        const exported = node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
        // Counts include the declaration's own name: "used" means more than once.
        if (!exported && ts.isIdentifier(declaration.name) && declaration.initializer && isAccessor(declaration.initializer)) {
          const name = declaration.name.text;
          if ((usedBefore.get(name) ?? 0) > 1 && (usedNow.get(name) ?? 0) === 1) edits.push({ ...removalRange(sourceFile, node), newText: '' });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    if (edits.length === 0) break;
    text = applyTextEdits(text, edits);
  }
  return text;
}

function isAccessor(expression: ts.Expression): boolean {
  if (ts.isAwaitExpression(expression)) return isAccessor(expression.expression);
  if (ts.isIdentifier(expression) || ts.isPropertyAccessExpression(expression) || literalOf(expression)) return true;
  if (!ts.isCallExpression(expression)) return false;
  const callee = ts.isPropertyAccessExpression(expression.expression) ? expression.expression.name.text : ts.isIdentifier(expression.expression) ? expression.expression.text : '';
  return /^use[A-Z]\w*$/.test(callee) || callee === 'getClient';
}

/** Imports whose bindings were used before the cleanup and are not any more are removed (others are left alone). */
export function removeNewlyUnusedImports(file: string, before: string, after: string): string {
  const beforeFile = parseSource(file, before);
  const afterFile = parseSource(file, after);
  const usedBefore = identifierCounts(beforeFile);
  const usedAfter = identifierCounts(afterFile);
  const edits: TextEdit[] = [];
  for (const statement of afterFile.statements) {
    if (!ts.isImportDeclaration(statement) || !statement.importClause) continue;
    const clause = statement.importClause;
    const removable: string[] = [];
    const all: string[] = [];
    if (clause.name) all.push(clause.name.text);
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) all.push(named.name.text);
    if (named && ts.isNamedImports(named)) for (const element of named.elements) all.push(element.name.text);
    for (const name of all) if ((usedBefore.get(name) ?? 0) > 0 && (usedAfter.get(name) ?? 0) === 0) removable.push(name);
    if (removable.length === 0) continue;
    if (removable.length === all.length) {
      edits.push({ ...removalRange(afterFile, statement), newText: '' });
      continue;
    }
    if (named && ts.isNamedImports(named)) {
      const kept = named.elements.filter((element) => !removable.includes(element.name.text));
      if (kept.length !== named.elements.length) {
        // Rewrite only the braces' content, keeping the spacing style of the original.
        const inner = kept.map((element) => element.getText(afterFile)).join(', ');
        const spaced = /^\{\s/.test(named.getText(afterFile));
        edits.push({ start: named.getStart(afterFile), end: named.end, newText: kept.length ? (spaced ? `{ ${inner} }` : `{${inner}}`) : '' });
        if (!kept.length && clause.name) edits[edits.length - 1] = { start: clause.name.end, end: named.end, newText: '' };
      }
    }
    if (clause.name && removable.includes(clause.name.text) && named) {
      edits.push({ start: clause.name.getStart(afterFile), end: named.getStart(afterFile), newText: '' });
    }
  }
  return edits.length ? applyTextEdits(after, edits) : after;
}

/** How often each identifier is used outside import declarations. */
function identifierCounts(sourceFile: ts.SourceFile): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node)) counts.set(node.text, (counts.get(node.text) ?? 0) + 1);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return counts;
}
