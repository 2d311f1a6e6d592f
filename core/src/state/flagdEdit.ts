// Rewrites a flagd file for a bump or an abort with minimal text edits at exact node ranges, so comments, key
// order, quoting and indentation of everything else survive byte for byte (JSON and YAML alike). Pure: text in, text out.
import { isMap, isScalar, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { RolloutRefusedError } from '../model.js';
import { findFlagdPair, type FlagdFileAnalysis, type FlagdFlagDefinition } from './flagdDocument.js';

/** One replacement of `[start, end)` by `text` in the original file text. */
export interface FlagdTextEdit {
  start: number;
  end: number;
  text: string;
}

export interface FlagdBumpEditOptions {
  /** Target percentage, 0 < to ≤ 100 (already validated by `planBump`). */
  to: number;
  /** ISO-8601 time recorded as `metadata.releasedAt` when `to` is 100. */
  now: string;
}

export interface FlagdAbortEditOptions {
  reason: string;
  /** ISO-8601 time recorded as `metadata.abortedAt`. */
  now: string;
}

/**
 * The edits that move `flag` to `to`% for everyone with a targeting key: enable it, set (or add) the fractional
 * weights `[on, p], [off, 100 − p]` (scaled to whole numbers, since flagd rejects fractions), keep the bucketing
 * expression and variant names, and at 100% also make the on variant the default (users without a targeting key)
 * and record `metadata.releasedAt`. Below 100% the default is the off variant, so the share is exactly p%.
 */
export function flagdBumpEdits(analysis: FlagdFileAnalysis, flag: FlagdFlagDefinition, options: FlagdBumpEditOptions): FlagdTextEdit[] {
  const writer = new FlagWriter(analysis, flag);
  const { onVariant, offVariant } = flag;
  if (!onVariant) throw new RolloutRefusedError(`flag '${flag.key}' has no "on" variant`, 'unsupported');
  writer.setScalar('state', 'ENABLED');
  const boolean = flag.state.valueType === 'boolean';
  if (options.to >= 100) {
    if (flag.split) writer.setWeights(100, 0);
    else if (!boolean) throw new RolloutRefusedError(flag.writeBlocked ?? `flag '${flag.key}' has no split to move`, 'unsupported');
    if (boolean) writer.setScalar('defaultVariant', onVariant);
    writer.setMetadata({ releasedAt: options.now });
  } else {
    if (!offVariant) throw new RolloutRefusedError(`flag '${flag.key}' has no "off" (false) variant to serve the other ${100 - options.to}%`, 'unsupported');
    const [onWeight, offWeight] = fractionalWeightsFor(options.to);
    if (flag.split) writer.setWeights(onWeight, offWeight);
    else writer.setTargeting({ fractional: [[onVariant, onWeight], [offVariant, offWeight]] });
    if (boolean) writer.setScalar('defaultVariant', offVariant);
  }
  return writer.edits;
}

/**
 * The edits that send every user the off variant: the state stays (or becomes) ENABLED — `DISABLED` would make
 * SDKs fall back to the code default, possibly `true` — the on weight becomes 0, the default variant is the off
 * variant, and `metadata.abortedAt` / `metadata.abortReason` record why.
 */
export function flagdAbortEdits(analysis: FlagdFileAnalysis, flag: FlagdFlagDefinition, options: FlagdAbortEditOptions): FlagdTextEdit[] {
  const writer = new FlagWriter(analysis, flag);
  if (!flag.offVariant) throw new RolloutRefusedError(`flag '${flag.key}' has no "off" variant to send everyone to`, 'unsupported');
  writer.setScalar('state', 'ENABLED');
  if (flag.split) writer.setWeights(0, 100);
  if (flag.state.valueType === 'boolean' || !flag.split) writer.setScalar('defaultVariant', flag.offVariant);
  writer.setMetadata({ abortedAt: options.now, abortReason: options.reason });
  return writer.edits;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyFlagdEdits(text: string, edits: FlagdTextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let previousStart = Number.POSITIVE_INFINITY;
  for (const edit of sorted) {
    if (edit.end > previousStart) throw new Error(`overlapping edits at ${edit.start}-${edit.end}`);
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    previousStart = edit.start;
  }
  return out;
}

/** Two whole-number weights with the ratio p : (100 − p); decimals scale both (12.5 → 125 : 875). */
export function fractionalWeightsFor(percentage: number): [number, number] {
  let scale = 1;
  while (scale < 10000 && Math.abs(Math.round(percentage * scale) - percentage * scale) > 1e-9) scale *= 10;
  const on = Math.round(percentage * scale);
  return [on, 100 * scale - on];
}

// ---------------------------------------------------------------------------------------------

/** Collects edits to one flag's mapping, rendering new text in the file's own style (JSON or YAML, indentation). */
class FlagWriter {
  readonly edits: FlagdTextEdit[] = [];
  private readonly text: string;
  private readonly indentUnit: string;
  private readonly renderKey: (key: string) => string;

  constructor(
    private readonly analysis: FlagdFileAnalysis,
    private readonly flag: FlagdFlagDefinition,
  ) {
    if (analysis.malformed || !flag.flagNode) throw new RolloutRefusedError(`${analysis.file} is not valid flagd: fix it before a bump or abort`, 'invalid');
    this.text = analysis.text;
    this.indentUnit = detectIndentUnit(analysis.text);
    // JSON needs quoted keys; in YAML flow mappings the plain keys people write read better.
    this.renderKey = analysis.json ? (key) => JSON.stringify(key) : renderYamlKey;
  }


  /** Replaces a scalar field's value, or adds the field. */
  setScalar(field: string, value: string | number): void {
    const map = this.flag.flagNode!;
    const pair = findFlagdPair(map, field);
    if (pair && isScalar(pair.value)) {
      if ((pair.value as Scalar).value === value) return;
      this.replaceNode(pair.value as Scalar, renderScalarLike(pair.value as Scalar, value, this.analysis.json));
    } else if (pair) {
      this.replaceNode(pair.value as Node, this.renderValue(value, map, pair));
    } else {
      this.insertEntries(map, [[field, value]]);
    }
  }

  /** Sets the on/off weights of the existing split (whose shape `flagdDocument` verified). */
  setWeights(onWeight: number, offWeight: number): void {
    for (const entry of this.flag.split!.entries) {
      const weight = entry.variant === this.flag.onVariant ? onWeight : offWeight;
      if (entry.weightNode) {
        if (entry.weightNode.value !== weight) this.replaceNode(entry.weightNode, String(weight));
      } else {
        // `[variant]` without a weight: add one after the variant, inside the same sequence.
        const variantNode = entry.node.items[0] as Node;
        const end = variantNode.range![1];
        this.edits.push({ start: end, end, text: `, ${weight}` });
      }
    }
  }

  /** Replaces (or adds) the flag's `targeting`. */
  setTargeting(targeting: Record<string, unknown>): void {
    const map = this.flag.flagNode!;
    const pair = findFlagdPair(map, 'targeting');
    if (pair) this.setPairValue(map, pair, targeting);
    else this.insertEntries(map, [['targeting', targeting]]);
  }

  /** Sets fields of the flag's `metadata` mapping, adding the mapping when there is none. */
  setMetadata(fields: Record<string, string>): void {
    const map = this.flag.flagNode!;
    const pair = findFlagdPair(map, 'metadata');
    const metadata = pair?.value as Node | null | undefined;
    if (!pair || !metadata || (isScalar(metadata) && metadata.value === null)) {
      if (pair) this.setPairValue(map, pair, fields);
      else this.insertEntries(map, [['metadata', fields]]);
      return;
    }
    if (!isMap(metadata)) throw new RolloutRefusedError(`flag '${this.flag.key}': metadata is not a mapping`, 'invalid');
    const missing: Array<[string, unknown]> = [];
    for (const [field, value] of Object.entries(fields)) {
      const existing = findFlagdPair(metadata, field);
      if (existing && isScalar(existing.value)) this.replaceNode(existing.value as Scalar, renderScalarLike(existing.value as Scalar, value, this.analysis.json));
      else if (existing) this.replaceNode(existing.value as Node, this.renderValue(value, metadata, existing));
      else missing.push([field, value]);
    }
    if (missing.length) this.insertEntries(metadata, missing);
  }

  /** Replaces a pair's value; `key:` with no value (null) gets the value written after the colon. */
  private setPairValue(map: YAMLMap, pair: Pair, value: unknown): void {
    const current = pair.value as Node | null;
    if (current?.range && !(isScalar(current) && current.value === null && current.range[0] === current.range[1])) {
      this.replaceNode(current, this.renderValue(value, map, pair));
      return;
    }
    const keyEnd = (pair.key as Node).range![1];
    const colon = this.text.indexOf(':', keyEnd);
    this.edits.push({ start: colon + 1, end: colon + 1, text: ' ' + this.renderValue(value, map, pair) });
  }

  private replaceNode(node: Node, text: string): void {
    const [start, end] = node.range!;
    // A block scalar's range ends after its line break: keep that whitespace so the next line stays a line.
    const trailing = /\s*$/.exec(this.text.slice(start, end))![0];
    this.edits.push({ start, end, text: text + trailing });
  }

  /** Renders a value that replaces the value of `pair` in `map`, in the map's style. */
  private renderValue(value: unknown, map: YAMLMap, pair: Pair): string {
    const keyIndent = lineIndent(this.text, (pair.key as Node).range![0]);
    if (map.flow || this.analysis.json) return renderJson(value, keyIndent, this.indentUnit, !isSingleLine(this.text, map), this.renderKey);
    // In a block YAML file the replaced value is a flow node or a scalar: a one-line flow value fits there.
    return renderJson(value, '', this.indentUnit, false, this.renderKey);
  }

  /** Adds entries at the end of a mapping (flow/JSON or block), matching its indentation. */
  private insertEntries(map: YAMLMap, entries: Array<[string, unknown]>): void {
    const text = this.text;
    const [mapStart, mapEnd] = map.range!;
    const last = map.items[map.items.length - 1] as Pair | undefined;
    if (map.flow) {
      const closing = text.lastIndexOf('}', mapEnd - 1);
      if (!last) {
        const inner = entries.map(([key, value]) => `${this.renderKey(key)}: ${renderJson(value, '', this.indentUnit, false, this.renderKey)}`).join(', ');
        this.edits.push({ start: mapStart + 1, end: closing, text: inner });
        return;
      }
      const lastEnd = nodeValueEnd(last);
      const keyStart = (last.key as Node).range![0];
      const multiline = !isSingleLine(this.text, map) && firstOnLine(text, keyStart);
      if (multiline) {
        const indent = lineIndent(text, keyStart);
        const rendered = entries.map(([key, value]) => `,\n${indent}${this.renderKey(key)}: ${renderJson(value, indent, this.indentUnit, true, this.renderKey)}`).join('');
        this.edits.push({ start: lastEnd, end: lastEnd, text: rendered });
      } else {
        const rendered = entries.map(([key, value]) => `, ${this.renderKey(key)}: ${renderJson(value, '', this.indentUnit, false, this.renderKey)}`).join('');
        this.edits.push({ start: lastEnd, end: lastEnd, text: rendered });
      }
      return;
    }
    if (!last) throw new RolloutRefusedError(`flag '${this.flag.key}': cannot add to an empty block mapping`, 'unsupported');
    // Block mapping: a new line after the last line of the last entry (its trailing comment stays where it is).
    const indent = lineIndent(text, (last.key as Node).range![0]);
    let contentEnd = nodeValueEnd(last);
    while (contentEnd > 0 && /\s/.test(text[contentEnd - 1])) contentEnd--;
    let lineEnd = text.indexOf('\n', contentEnd);
    if (lineEnd < 0) lineEnd = text.length;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const insertAt = lineEnd > 0 && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    const rendered = entries.map(([key, value]) => `${eol}${indent}${renderYamlKey(key)}:${renderYamlEntryValue(value, indent, this.indentUnit, eol)}`).join('');
    this.edits.push({ start: insertAt, end: insertAt, text: rendered });
  }
}

function nodeValueEnd(pair: Pair): number {
  const value = pair.value as Node | null;
  if (value?.range) return value.range[1];
  return (pair.key as Node).range![1];
}

function isSingleLine(text: string, node: Node): boolean {
  const [start, end] = node.range!;
  return !text.slice(start, end).includes('\n');
}

function firstOnLine(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, offset));
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
}

function detectIndentUnit(text: string): string {
  let smallest: string | undefined;
  for (const line of text.split('\n')) {
    const indent = /^[ \t]+(?=\S)/.exec(line)?.[0];
    if (!indent) continue;
    if (indent.startsWith('\t')) return '\t';
    if (!smallest || indent.length < smallest.length) smallest = indent;
  }
  return smallest ?? '  ';
}

/** A new scalar in the style of the one it replaces (quotes kept; plain only when it reads back the same). */
function renderScalarLike(node: Scalar, value: unknown, json: boolean): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  if (json || node.type === 'QUOTE_DOUBLE') return JSON.stringify(text);
  if (node.type === 'QUOTE_SINGLE') return `'${text.replace(/'/g, "''")}'`;
  return isSafePlain(text) ? text : JSON.stringify(text);
}

function isSafePlain(text: string): boolean {
  return /^[A-Za-z_][\w.-]*$/.test(text) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(text);
}

function renderYamlKey(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) && isSafePlain(key) ? key : JSON.stringify(key);
}

function isScalarValue(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** JSON text for `value`; objects span lines (indented from `indent`) when `multiline`, arrays of scalars stay inline. */
function renderJson(value: unknown, indent: string, unit: string, multiline: boolean, renderKey: (key: string) => string = (key) => JSON.stringify(key)): string {
  if (isScalarValue(value)) return JSON.stringify(value);
  if (Array.isArray(value)) {
    const inline = value.every((item) => isScalarValue(item) || (Array.isArray(item) && item.every(isScalarValue)));
    if (inline || !multiline) return `[${value.map((item) => renderJson(item, indent, unit, false, renderKey)).join(', ')}]`;
    return `[\n${value.map((item) => indent + unit + renderJson(item, indent + unit, unit, true, renderKey)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (!multiline) return `{ ${entries.map(([key, item]) => `${renderKey(key)}: ${renderJson(item, indent, unit, false, renderKey)}`).join(', ')} }`;
  return `{\n${entries.map(([key, item]) => `${indent}${unit}${renderKey(key)}: ${renderJson(item, indent + unit, unit, true, renderKey)}`).join(',\n')}\n${indent}}`;
}

/** The text after `key:` for a new block entry: ` scalar`, or nested block lines. */
function renderYamlEntryValue(value: unknown, indent: string, unit: string, eol: string): string {
  if (isScalarValue(value)) return ' ' + renderYamlScalar(value);
  if (Array.isArray(value)) return value.map((item) => `${eol}${indent}${unit}- ${renderJson(item, '', unit, false)}`).join('');
  return Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${eol}${indent}${unit}${renderYamlKey(key)}:${renderYamlEntryValue(item, indent + unit, unit, eol)}`)
    .join('');
}

function renderYamlScalar(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
