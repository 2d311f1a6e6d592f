// Reads one OpenFeature flagd definition file (JSON or YAML: one `yaml` parser with a LineCounter gives positions
// for both) into flag states plus the syntax nodes that bump/abort edit. Pure: text in, analysis out, never throws.
import { Document, parseDocument, LineCounter, isMap, isSeq, isScalar, isAlias, isPair, visit, type Alias, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { FlagState, FlagType, InputError, SourceLocation } from '../model.js';
import { roundRolloutPercentage, stageFor } from './stages.js';

export const FLAGD_FLAG_TYPES: readonly FlagType[] = ['release', 'experiment', 'operational', 'kill-switch', 'permission'];

/** One entry of a `fractional` split: `[variant, weight]` (a missing weight counts 1, as in flagd). */
export interface FractionalEntry {
  node: YAMLSeq;
  variant: string;
  weight: number;
  /** The weight scalar; absent when the entry omits the weight. */
  weightNode?: Scalar;
}

/** A top-level `targeting: { fractional: [...] }` split that names its variants literally. */
export interface FractionalSplit {
  /** The `fractional` argument list. */
  node: YAMLSeq;
  entries: FractionalEntry[];
  /** True when the first argument is a bucketing expression (kept untouched by writes). */
  hasBucketing: boolean;
  totalWeight: number;
}

/** Everything known about one flag of a file: its state, and the nodes a write would touch. */
export interface FlagdFlagDefinition {
  key: string;
  /** The flag's state without git-derived facts (`releasedAt` comes from metadata only here). */
  state: FlagState;
  keyNode: Scalar;
  /** The flag's mapping; undefined when the definition is not a mapping (then the flag is invalid). */
  flagNode?: YAMLMap;
  /** The variant served to "on" users and the one served to everyone after an abort. */
  onVariant?: string;
  offVariant?: string;
  split?: FractionalSplit;
  /** When set, bump/abort must refuse: the reason, for people. */
  writeBlocked?: string;
  /** Problems that make the definition invalid flagd (also reported in `errors`). */
  invalid: boolean;
}

export interface FlagdFileAnalysis {
  /** Workspace-relative path (used in positions). */
  file: string;
  text: string;
  document?: Document;
  lineCounter: LineCounter;
  /** True when the text has syntax errors: nothing may be written to it. */
  malformed: boolean;
  /** False when the file is not a flagd file at all (no top-level `flags` mapping). */
  isFlagdFile: boolean;
  flags: FlagdFlagDefinition[];
  errors: InputError[];
  /** True for JSON syntax (a flow mapping at the root): writes render JSON. */
  json: boolean;
}

export interface FlagdAnalyzeOptions {
  /** Workspace-relative path used in positions and messages. */
  file: string;
  steps: readonly number[];
  /**
   * False when only the values matter (old revisions from git history): JSON text is then read with `JSON.parse`,
   * about ten times faster, and positions are not computed. The result must not be used for writes.
   */
  positions?: boolean;
}

/** Parses and analyses one flagd file. Never throws: problems become `errors` with positions. */
export function analyzeFlagdText(text: string, options: FlagdAnalyzeOptions): FlagdFileAnalysis {
  try {
    return analyzeFlagdTextUnguarded(text, options);
  } catch (error) {
    // The parser and the tree walks are recursive: thousands of nested [ or { exhaust the stack.
    const reason = error instanceof RangeError ? 'it is nested too deeply to read' : `it cannot be read (${error instanceof Error ? error.message : String(error)})`;
    return {
      file: options.file,
      text,
      lineCounter: new LineCounter(),
      malformed: true,
      isFlagdFile: false,
      flags: [],
      errors: [{ file: options.file, line: 1, column: 1, message: `cannot parse flagd file: ${reason}`, code: 'flagd-syntax' }],
      json: false,
    };
  }
}

function analyzeFlagdTextUnguarded(text: string, options: FlagdAnalyzeOptions): FlagdFileAnalysis {
  const lineCounter = new LineCounter();
  const analysis: FlagdFileAnalysis = { file: options.file, text, lineCounter, malformed: false, isFlagdFile: false, flags: [], errors: [], json: false };
  let document: Document;
  try {
    document = (options.positions === false ? documentFromJson(text) : undefined) ?? parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (error) {
    analysis.malformed = true;
    analysis.errors.push({ file: options.file, line: 1, column: 1, message: `cannot parse flagd file: ${(error as Error).message}`, code: 'flagd-syntax' });
    return analysis;
  }
  analysis.document = document;
  const at = (offset: number | undefined): { line: number; column: number } => {
    const position = lineCounter.linePos(offset ?? 0);
    return { line: position.line, column: position.col };
  };
  if (!document.errors.length) {
    // An alias bomb (a few hundred bytes that expand to billions of nodes) is refused before anything expands it.
    const bomb = inlineAliases(document);
    if (bomb) {
      analysis.malformed = true;
      analysis.errors.push({
        file: options.file,
        ...at(bomb.range?.[0]),
        message: `YAML aliases here would expand the file by more than ${MAX_ALIAS_EXPANSION.toLocaleString('en')} nodes (an alias bomb?): write the values out`,
        code: 'flagd-syntax',
      });
      return analysis;
    }
  }
  if (document.errors.length) {
    analysis.malformed = true;
    for (const error of document.errors) {
      analysis.errors.push({ file: options.file, ...at(error.pos[0]), message: `invalid ${/\.json$/i.test(options.file) ? 'JSON' : 'YAML'}: ${error.message.split('\n')[0]}`, code: 'flagd-syntax' });
    }
    return analysis;
  }
  const root = document.contents;
  if (!root || !isMap(root)) {
    analysis.errors.push({ file: options.file, ...at(root?.range?.[0]), message: 'a flagd file must be a mapping with a "flags" mapping', code: 'flagd-invalid' });
    return analysis;
  }
  analysis.json = Boolean(root.flow);
  const flagsPair = findFlagdPair(root, 'flags');
  if (!flagsPair) {
    analysis.errors.push({ file: options.file, ...at(root.range?.[0]), message: 'a flagd file needs a top-level "flags" mapping', code: 'flagd-invalid' });
    return analysis;
  }
  analysis.isFlagdFile = true;
  const flagsNode = flagsPair.value as Node | null;
  if (!flagsNode || !isMap(flagsNode)) {
    analysis.errors.push({ file: options.file, ...at(flagsNode?.range?.[0] ?? keyOffset(flagsPair)), message: '"flags" must be a mapping of flag key → definition', code: 'flagd-invalid' });
    return analysis;
  }
  const evaluatorsPair = findFlagdPair(root, '$evaluators');
  const evaluators = evaluatorsPair && isMap(evaluatorsPair.value) ? (toJS(evaluatorsPair.value as Node) as Record<string, unknown>) : {};
  const setMetadataPair = findFlagdPair(root, 'metadata');
  const setMetadata = setMetadataPair && isMap(setMetadataPair.value) ? (toJS(setMetadataPair.value as Node) as Record<string, unknown>) : {};
  for (const pair of flagsNode.items) {
    if (!isScalar(pair.key)) continue;
    const definition = analyzeFlag(pair, { ...options, at, evaluators, setMetadata, errors: analysis.errors });
    analysis.flags.push(definition);
  }
  return analysis;
}

/** A Document (without positions) built from JSON text, or undefined when the text is not plain JSON. */
function documentFromJson(text: string): Document | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    return new Document(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The pair with this key in a mapping (scalar keys only). */
export function findFlagdPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key) as Pair | undefined;
}

/** A workspace-relative location of a node. */
export function flagdLocationOf(analysis: Pick<FlagdFileAnalysis, 'file' | 'lineCounter'>, range: [number, number, number?] | null | undefined): SourceLocation {
  const start = range?.[0] ?? 0;
  const end = range?.[1] ?? start;
  const startPos = analysis.lineCounter.linePos(start);
  const endPos = analysis.lineCounter.linePos(end);
  return { file: analysis.file, line: startPos.line, column: startPos.col, endLine: endPos.line, endColumn: endPos.col, start, end };
}

// ---------------------------------------------------------------------------------------------

interface FlagContext extends FlagdAnalyzeOptions {
  at(offset: number | undefined): { line: number; column: number };
  evaluators: Record<string, unknown>;
  setMetadata: Record<string, unknown>;
  errors: InputError[];
}

/** Aliases may add at most this many nodes to what the file itself writes out. */
export const MAX_ALIAS_EXPANSION = 100_000;

/**
 * Replaces each `*alias` by the node it names (the same object, so positions point at the anchor): the analysis
 * then reads anchored definitions like any other. A write to a shared node would change the other flags too, which
 * the provider's read-back check refuses. Anchors are resolved in one pass (the last anchor of that name before
 * the alias, as YAML says), and the size the tree would have once expanded is computed first (shared subtrees
 * counted once per use): when aliases would add more than MAX_ALIAS_EXPANSION nodes, nothing is inlined and the
 * first alias is returned.
 */
function inlineAliases(document: Document): Alias | undefined {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  let firstAlias: Alias | undefined;
  let ownNodes = 0;
  visit(document, {
    Node(_key, node) {
      ownNodes++;
      if (isAlias(node)) {
        firstAlias ??= node;
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  if (!firstAlias) return undefined;
  // Expanded sizes, memoized per node; an alias to an enclosing node (a recursive structure) stays an alias.
  const sizes = new Map<unknown, number>();
  const onPath = new Set<unknown>();
  const limit = ownNodes + MAX_ALIAS_EXPANSION;
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      return target && !onPath.has(target) ? sizeOf(target) : 1;
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    onPath.add(node);
    let size = 1;
    for (const item of node.items as unknown[]) {
      size += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
      if (size > limit) break;
    }
    onPath.delete(node);
    sizes.set(node, size);
    return size;
  };
  if (sizeOf(document.contents) > limit) return firstAlias;
  const walk = (node: unknown, ancestors: Set<unknown>) => {
    if (!isMap(node) && !isSeq(node)) return;
    ancestors.add(node);
    const items = node.items as unknown[];
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      if (isMap(node)) {
        const pair = item as Pair;
        if (isAlias(pair.value)) {
          const target = targets.get(pair.value);
          if (target && !ancestors.has(target)) pair.value = target;
        } else walk(pair.value, ancestors);
      } else if (isAlias(item)) {
        const target = targets.get(item);
        if (target && !ancestors.has(target)) items[index] = target;
      } else walk(item, ancestors);
    }
    ancestors.delete(node);
  };
  walk(document.contents, new Set());
  return undefined;
}

function keyOffset(pair: Pair): number | undefined {
  return (pair.key as Node | null)?.range?.[0];
}

function toJS(node: Node | null | undefined): unknown {
  if (!node) return null;
  return node.toJSON();
}

function analyzeFlag(pair: Pair, context: FlagContext): FlagdFlagDefinition {
  const keyNode = pair.key as Scalar;
  const key = String(keyNode.value);
  const lineCounterRange = keyNode.range ?? null;
  const startPos = context.at(lineCounterRange?.[0]);
  const endPos = context.at(lineCounterRange?.[1]);
  const definitionLocation: SourceLocation = {
    file: context.file,
    line: startPos.line,
    column: startPos.column,
    endLine: endPos.line,
    endColumn: endPos.column,
    start: lineCounterRange?.[0],
    end: lineCounterRange?.[1],
  };
  const problems: string[] = [];
  const report = (node: Node | null | undefined, message: string) => {
    problems.push(message);
    context.errors.push({ file: context.file, ...context.at(node?.range?.[0] ?? lineCounterRange?.[0]), message: `flag '${key}': ${message}`, code: 'flagd-invalid' });
  };
  const state: FlagState = {
    key,
    stage: 'targeted',
    percentage: null,
    enabled: false,
    variants: {},
    releasedAt: null,
    releasedAtSource: 'unknown',
    definition: definitionLocation,
    provider: 'flagd',
    fields: { stateFile: context.file },
  };
  const definition: FlagdFlagDefinition = { key, state, keyNode, invalid: false };
  const flagNode = pair.value as Node | null;
  if (!flagNode || !isMap(flagNode)) {
    report(flagNode ?? keyNode, 'a flag definition must be a mapping with state, variants and defaultVariant');
    definition.invalid = true;
    state.fields.invalid = problems.join('; ');
    return definition;
  }
  definition.flagNode = flagNode;
  const mergeKey = findMergeKey(flagNode);
  if (mergeKey) {
    report(mergeKey, 'YAML merge keys (<<) are not supported in flag definitions: write the fields out (anchors and aliases are fine)');
    definition.invalid = true;
    state.fields.invalid = problems.join('; ');
    definition.writeBlocked = `flag '${key}' uses a YAML merge key (<<)`;
    state.fields.writeBlocked = definition.writeBlocked;
    return definition;
  }

  // state
  const statePair = findFlagdPair(flagNode, 'state');
  const stateValue = statePair && isScalar(statePair.value) ? statePair.value.value : undefined;
  if (!statePair) report(keyNode, 'missing "state" (ENABLED or DISABLED)');
  else if (stateValue !== 'ENABLED' && stateValue !== 'DISABLED') report(statePair.value as Node, `unknown state ${JSON.stringify(toJS(statePair.value as Node))} (expected ENABLED or DISABLED)`);
  state.enabled = stateValue === 'ENABLED';

  // variants
  const variantsPair = findFlagdPair(flagNode, 'variants');
  const variantsNode = variantsPair?.value as Node | null | undefined;
  const valueTypes = new Set<string>();
  if (!variantsPair || !variantsNode || !isMap(variantsNode) || variantsNode.items.length === 0) {
    report(variantsNode ?? keyNode, '"variants" must be a non-empty mapping of variant name → value');
  } else {
    for (const variantPair of variantsNode.items) {
      const name = isScalar(variantPair.key) ? String(variantPair.key.value) : '';
      const value = toJS(variantPair.value as Node);
      state.variants[name] = value;
      const type = valueTypeOf(value);
      if (!type) report(variantPair.value as Node, `variant '${name}' must be a boolean, string, number or object`);
      else valueTypes.add(type);
    }
    if (valueTypes.size > 1) report(variantsNode, `variants mix value types (${[...valueTypes].join(', ')}): all variants of a flag must have one type`);
    else if (valueTypes.size === 1) state.valueType = [...valueTypes][0] as FlagState['valueType'];
  }

  // defaultVariant
  const defaultPair = findFlagdPair(flagNode, 'defaultVariant');
  const defaultNode = defaultPair?.value as Node | null | undefined;
  if (defaultPair && defaultNode && !(isScalar(defaultNode) && defaultNode.value === null)) {
    const name = isScalar(defaultNode) ? String(defaultNode.value) : undefined;
    if (name === undefined || !(name in state.variants)) report(defaultNode, `defaultVariant ${JSON.stringify(toJS(defaultNode))} is not one of the variants (${Object.keys(state.variants).join(', ')})`);
    else state.defaultVariant = name;
  }

  // metadata
  readMetadata(flagNode, state, context, report);

  // targeting → percentage
  if (!problems.length) computeRollout(definition, flagNode, context, report);
  definition.invalid = problems.length > 0;
  if (definition.invalid) {
    state.fields.invalid = problems.join('; ');
    state.percentage = null;
    definition.writeBlocked ??= `flag '${key}' is not valid flagd: ${problems.join('; ')}`;
  }
  state.stage = stageFor(state.enabled ? state.percentage : 0, state.enabled, context.steps);
  if (!state.enabled) state.percentage = 0;
  if (state.stage !== 'released') {
    state.releasedAt = null;
    state.releasedAtSource = 'unknown';
  }
  if (definition.writeBlocked) state.fields.writeBlocked = definition.writeBlocked;
  return definition;
}

/** The key node of a `<<` merge pair in the flag mapping or one of its direct children, if any. */
function findMergeKey(flagNode: YAMLMap): Node | undefined {
  const maps = [flagNode, ...flagNode.items.map((pair) => pair.value).filter((value): value is YAMLMap => isMap(value))];
  for (const map of maps) {
    const merge = map.items.find((pair) => isScalar(pair.key) && pair.key.value === '<<');
    if (merge) return merge.key as Node;
  }
  return undefined;
}

function valueTypeOf(value: unknown): 'boolean' | 'string' | 'number' | 'object' | undefined {
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') return typeof value as 'boolean' | 'string' | 'number';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return 'object';
  return undefined;
}

const DATE_FIELDS = ['createdAt', 'releasedAt', 'expiresAt', 'abortedAt'] as const;

function readMetadata(flagNode: YAMLMap, state: FlagState, context: FlagContext, report: (node: Node | null | undefined, message: string) => void): void {
  const metadataPair = findFlagdPair(flagNode, 'metadata');
  const written = metadataPair?.value as Node | null | undefined;
  // `metadata:` with nothing after it is an empty mapping, not an error.
  const metadataNode = written && isScalar(written) && written.value === null ? undefined : written;
  if (metadataPair && metadataNode && !isMap(metadataNode)) {
    report(metadataNode, '"metadata" must be a mapping');
    return;
  }
  // Flag-set metadata are defaults for who owns a flag and what kind it is (flagd merges them the same way);
  // the rollout history fields only make sense per flag.
  const inherited: Record<string, unknown> = {};
  for (const field of ['owner', 'type', 'createdAt', 'expiresAt', 'description']) if (field in context.setMetadata) inherited[field] = context.setMetadata[field];
  const own = metadataNode && isMap(metadataNode) ? (toJS(metadataNode) as Record<string, unknown>) : {};
  const metadata = { ...inherited, ...own };
  const nodeOf = (field: string) => (metadataNode && isMap(metadataNode) ? (findFlagdPair(metadataNode, field)?.value as Node | undefined) : undefined) ?? metadataNode ?? undefined;
  if (Object.keys(own).length) state.fields.metadata = own;
  if (metadata.owner !== undefined) {
    if (typeof metadata.owner === 'string' && metadata.owner) state.owner = metadata.owner;
    else report(nodeOf('owner'), 'metadata.owner must be a non-empty string');
  }
  if (metadata.description !== undefined && typeof metadata.description === 'string') state.description = metadata.description;
  if (metadata.type !== undefined) {
    if (typeof metadata.type === 'string' && (FLAGD_FLAG_TYPES as readonly string[]).includes(metadata.type)) state.type = metadata.type as FlagType;
    else report(nodeOf('type'), `metadata.type ${JSON.stringify(metadata.type)} must be one of ${FLAGD_FLAG_TYPES.join(', ')}`);
  }
  for (const field of DATE_FIELDS) {
    const value = metadata[field];
    if (value === undefined || value === null) continue;
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      report(nodeOf(field), `metadata.${field} ${JSON.stringify(value)} must be an ISO-8601 date (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`);
      continue;
    }
    const iso = date.toISOString();
    if (field === 'releasedAt') {
      state.releasedAt = iso;
      state.releasedAtSource = 'metadata';
    } else state[field] = iso;
  }
  if (metadata.abortReason !== undefined) state.abortReason = String(metadata.abortReason);
}

/** What resolving `$ref`s found: whether one was used, a missing name, or a cycle (`a → b → a`). */
interface RefResolution {
  ref: boolean;
  missing?: string;
  cycle?: string[];
}

/** Resolves `{ "$ref": name }` to the named `$evaluators` entry (nested refs too); notes refs used, missing and cyclic. */
function resolveRefs(value: unknown, evaluators: Record<string, unknown>, used: RefResolution, chain: string[] = [], depth = 0): unknown {
  if (depth > 64 || used.cycle) return value;
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, evaluators, used, chain, depth + 1));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === '$ref' && typeof entries[0][1] === 'string') {
      used.ref = true;
      const name = entries[0][1];
      if (chain.includes(name)) {
        used.cycle = [...chain.slice(chain.indexOf(name)), name];
        return value;
      }
      if (!Object.prototype.hasOwnProperty.call(evaluators, name)) {
        used.missing = name;
        return value;
      }
      return resolveRefs(evaluators[name], evaluators, used, [...chain, name], depth + 1);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveRefs(v, evaluators, used, chain, depth + 1)]));
  }
  return value;
}

/** A weight as YAML writes it (`.nan`, `.inf`, `-.inf`), or as JSON for anything else. */
function describeWeight(weight: unknown): string {
  if (typeof weight === 'number' && Number.isNaN(weight)) return '.nan';
  if (weight === Number.POSITIVE_INFINITY) return '.inf';
  if (weight === Number.NEGATIVE_INFINITY) return '-.inf';
  return JSON.stringify(weight) ?? String(weight);
}

function computeRollout(definition: FlagdFlagDefinition, flagNode: YAMLMap, context: FlagContext, report: (node: Node | null | undefined, message: string) => void): void {
  const { state } = definition;
  const variantNames = Object.keys(state.variants);
  const boolean = state.valueType === 'boolean';
  if (boolean) {
    const trueNames = variantNames.filter((name) => state.variants[name] === true);
    const falseNames = variantNames.filter((name) => state.variants[name] === false);
    definition.onVariant = state.defaultVariant && state.variants[state.defaultVariant] === true ? state.defaultVariant : trueNames[0];
    definition.offVariant = state.defaultVariant && state.variants[state.defaultVariant] === false ? state.defaultVariant : falseNames[0];
  }
  const targetingPair = findFlagdPair(flagNode, 'targeting');
  const targetingNode = targetingPair?.value as Node | null | undefined;
  const rawTargeting = toJS(targetingNode);
  const refs: RefResolution = { ref: false };
  const targeting = resolveRefs(rawTargeting, context.evaluators, refs);
  if (refs.cycle) {
    report(targetingNode, `targeting's "$ref"s form a cycle (${refs.cycle.join(' → ')}): flagd cannot evaluate it`);
    return;
  }
  if (refs.missing) {
    report(targetingNode, `targeting refers to "$ref": "${refs.missing}", which is not in $evaluators`);
    return;
  }
  const noTargeting = targeting === null || targeting === undefined || (typeof targeting === 'object' && !Array.isArray(targeting) && Object.keys(targeting).length === 0);
  if (noTargeting) {
    if (boolean) state.percentage = state.defaultVariant !== undefined && state.variants[state.defaultVariant] === true ? 100 : 0;
    else {
      state.percentage = null;
      definition.writeBlocked = `flag '${state.key}' has ${state.valueType ?? 'non-boolean'} variants and no two-variant fractional split: Flaglens cannot tell which variant is "on"`;
    }
    if (boolean && !definition.onVariant) definition.writeBlocked = `flag '${state.key}' has no variant with the value true`;
    return;
  }
  if (hasFractionalKey(targeting) && !isFractional(targeting)) {
    const fractionalNode = !refs.ref && targetingNode && isMap(targetingNode) ? (findFlagdPair(targetingNode, 'fractional')?.value as Node | undefined) : undefined;
    report(fractionalNode ?? targetingNode, `"fractional" must be a list of [variant, weight] entries, got ${describeWeight((targeting as Record<string, unknown>).fractional)}`);
    return;
  }
  const fractionalArgs = isFractional(targeting) ? (targeting as { fractional: unknown[] }).fractional : undefined;
  if (!fractionalArgs) {
    state.percentage = null;
    definition.writeBlocked = `flag '${state.key}' is targeted by rules (${describeTargeting(targeting)}) that Flaglens cannot rewrite safely: edit them by hand`;
    return;
  }
  // The split, as flagd-core reads it: an optional bucketing expression first, then [variant, weight?] entries.
  const hasBucketing = fractionalArgs.length > 0 && !Array.isArray(fractionalArgs[0]);
  const entries = hasBucketing ? fractionalArgs.slice(1) : fractionalArgs;
  const splitNode = !refs.ref && targetingNode && isMap(targetingNode) ? (findFlagdPair(targetingNode, 'fractional')?.value as Node | undefined) : undefined;
  const entryNodes = splitNode && isSeq(splitNode) ? (splitNode.items as Node[]).slice(hasBucketing ? 1 : 0) : [];
  const parsed: FractionalEntry[] = [];
  let literal = true;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    const entryNode = entryNodes[index];
    if (!Array.isArray(entry) || entry.length < 1 || entry.length > 2) {
      report(entryNode ?? targetingNode, `fractional entry ${JSON.stringify(entry)} must be [variant, weight] or [variant]`);
      return;
    }
    const [variant, weight = 1] = entry;
    if (typeof weight !== 'number' || !Number.isFinite(weight)) {
      const weightNode = entryNode && isSeq(entryNode) ? (entryNode.items[1] as Node) : entryNode;
      report(weightNode ?? targetingNode, `fractional weight ${describeWeight(weight)} of variant ${JSON.stringify(variant)} must be a finite number`);
      return;
    }
    if (!Number.isInteger(weight)) {
      const weightNode = entryNode && isSeq(entryNode) ? (entryNode.items[1] as Node) : entryNode;
      report(weightNode ?? targetingNode, `fractional weight ${weight} of variant ${JSON.stringify(variant)} must be a whole number (flagd rejects fractions: scale all weights instead, e.g. 125 and 875 for 12.5%)`);
      return;
    }
    if (typeof variant !== 'string') {
      // A computed variant (a JSONLogic expression): no single percentage.
      literal = false;
      continue;
    }
    if (!(variant in state.variants)) {
      const variantNode = entryNode && isSeq(entryNode) ? (entryNode.items[0] as Node) : entryNode;
      report(variantNode ?? targetingNode, `fractional variant '${variant}' is not one of the variants (${variantNames.join(', ')})`);
      return;
    }
    const seq = entryNode && isSeq(entryNode) ? entryNode : undefined;
    const weightItem = seq?.items[1] as Node | undefined;
    parsed.push({ node: seq as YAMLSeq, variant, weight: Math.max(0, weight), weightNode: weightItem && isScalar(weightItem) ? weightItem : undefined });
  }
  if (!literal) {
    state.percentage = null;
    definition.writeBlocked = `flag '${state.key}' computes its fractional variants with expressions: Flaglens cannot rewrite them safely`;
    return;
  }
  const totalWeight = parsed.reduce((sum, entry) => sum + entry.weight, 0);
  if (totalWeight > FLAGD_MAX_TOTAL_WEIGHT) {
    report(splitNode ?? targetingNode, `the fractional weights add up to ${totalWeight}, more than flagd accepts (${FLAGD_MAX_TOTAL_WEIGHT}): flagd ignores the split and serves the default variant`);
    return;
  }
  if (!boolean) {
    const names = [...new Set(parsed.map((entry) => entry.variant))];
    if (names.length !== 2 || !state.defaultVariant || !names.includes(state.defaultVariant)) {
      state.percentage = null;
      definition.writeBlocked = `flag '${state.key}' has ${state.valueType} variants: Flaglens can only move a split between the default variant and one other`;
      return;
    }
    definition.offVariant = state.defaultVariant;
    definition.onVariant = names.find((name) => name !== state.defaultVariant);
  }
  const isOn = (variant: string) => (boolean ? state.variants[variant] === true : variant === definition.onVariant);
  if (totalWeight === 0) {
    // flagd-core serves the default variant when every weight is 0.
    state.percentage = state.defaultVariant !== undefined && isOn(state.defaultVariant) ? 100 : 0;
  } else {
    state.percentage = roundRolloutPercentage((parsed.filter((entry) => isOn(entry.variant)).reduce((sum, entry) => sum + entry.weight, 0) / totalWeight) * 100);
  }
  definition.split = splitNode && isSeq(splitNode) ? { node: splitNode, entries: parsed, hasBucketing, totalWeight } : undefined;
  state.fields.fractional = { hasBucketing, weights: parsed.map((entry) => [entry.variant, entry.weight]) };
  if (refs.ref) {
    definition.writeBlocked = `flag '${state.key}' takes its targeting from a shared $evaluators entry: change it there by hand (a write here would change other flags too)`;
  } else if (!definition.onVariant || !definition.offVariant) {
    definition.writeBlocked = `flag '${state.key}' needs both an "on" (true) and an "off" (false) variant for Flaglens to move its rollout`;
  } else if (parsed.length !== 2 || new Set(parsed.map((entry) => entry.variant)).size !== 2 || !parsed.some((entry) => entry.variant === definition.onVariant) || !parsed.some((entry) => entry.variant === definition.offVariant) || parsed.some((entry) => !entry.node || isAlias(entry.node))) {
    definition.writeBlocked = `flag '${state.key}' has a fractional split other than one "${definition.onVariant}" and one "${definition.offVariant}" entry: edit it by hand`;
  } else if (parsed.some((entry) => !entry.weightNode && !entry.node.flow)) {
    // `- - on` without a weight: adding one inside a block sequence is not a one-token edit.
    definition.writeBlocked = `flag '${state.key}' has a block-style fractional entry without a weight: add the weights by hand (e.g. ["on", 50])`;
  }
}

/** flagd-core refuses a split whose weights add up to more than a signed 32-bit integer. */
const FLAGD_MAX_TOTAL_WEIGHT = 2147483647;

/** `{ fractional: … }` whatever its value (a non-list value is an error, not "targeted by rules"). */
function hasFractionalKey(targeting: unknown): boolean {
  return Boolean(targeting && typeof targeting === 'object' && !Array.isArray(targeting) && Object.keys(targeting).length === 1 && 'fractional' in (targeting as object));
}

function isFractional(targeting: unknown): boolean {
  if (!targeting || typeof targeting !== 'object' || Array.isArray(targeting)) return false;
  const keys = Object.keys(targeting);
  return keys.length === 1 && keys[0] === 'fractional' && Array.isArray((targeting as Record<string, unknown>).fractional);
}

function describeTargeting(targeting: unknown): string {
  if (targeting && typeof targeting === 'object' && !Array.isArray(targeting)) return Object.keys(targeting).map((key) => `"${key}"`).join(', ');
  return JSON.stringify(targeting)?.slice(0, 40) ?? 'unknown';
}
