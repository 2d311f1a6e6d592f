// The only place that converts between LSP and the core: URIs ↔ absolute paths, LSP positions (0-based
// line/character) ↔ core positions (1-based line/column, 0-based offsets), ranges, locations, severities,
// link targets, hover markup, and the core's flag list ↔ the protocol's `FlagSummary`.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, MarkupKind, type Location, type MarkupContent, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FlagListEntry } from '../../core/src/features/flagList.js';
import type { Severity, SourceLocation } from '../../core/src/model.js';
import type { FlagSummary } from '../../protocol/src/index.js';

/** URI ↔ absolute path: the one conversion, both ways. Non-file URIs have no path (undefined). */
export const Uri = {
  toPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  },
  fromPath(absPath: string): string {
    return pathToFileURL(absPath).href;
  },
};

/** Core 1-based line → LSP 0-based line. */
export function toLspLine(line: number): number {
  return Math.max(0, line - 1);
}

/** Core 1-based line/column → LSP position. */
export function toLspPosition(line: number, column: number): Position {
  return { line: toLspLine(line), character: Math.max(0, column - 1) };
}

/** LSP position → core 1-based line/column. */
export function fromLspPosition(position: Position): { line: number; column: number } {
  return { line: position.line + 1, column: position.character + 1 };
}

/** A core span (1-based start, exclusive 1-based end when known) → LSP range; unknown end: empty range. */
export function toLspRange(span: { line: number; column: number; endLine?: number; endColumn?: number }): Range {
  const start = toLspPosition(span.line, span.column);
  const end = span.endLine !== undefined && span.endColumn !== undefined ? toLspPosition(span.endLine, span.endColumn) : start;
  return { start, end };
}

/** 0-based offsets in an open document → LSP range. */
export function offsetsToRange(document: TextDocument, span: { start: number; end: number }): Range {
  return { start: document.positionAt(span.start), end: document.positionAt(span.end) };
}

/** LSP position in an open document → 0-based offset. */
export function toOffset(document: TextDocument, position: Position): number {
  return document.offsetAt(position);
}

/** 0-based offset in an open document → LSP position. */
export function offsetToPosition(document: TextDocument, offset: number): Position {
  return document.positionAt(offset);
}

/** LSP range in an open document → 0-based offsets. */
export function rangeToOffsets(document: TextDocument, range: Range): { start: number; end: number } {
  return { start: toOffset(document, range.start), end: toOffset(document, range.end) };
}

/** Core text edits (workspace-relative files, 1-based positions, exclusive end) → an LSP workspace edit. */
export function toWorkspaceEdit(edits: ReadonlyArray<{ file: string; line: number; column: number; endLine: number; endColumn: number; newText: string }>, toAbsolute: (file: string) => string): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) (changes[Uri.fromPath(toAbsolute(edit.file))] ??= []).push({ range: toLspRange(edit), newText: edit.newText });
  return { changes };
}

/** A core location (workspace-relative file) → LSP location, given the host's path resolution. */
export function toLspLocation(location: SourceLocation, toAbsolute: (file: string) => string): Location {
  return { uri: Uri.fromPath(toAbsolute(location.file)), range: toLspRange(location) };
}

/** A place in the workspace as the protocol's flag list sends it: a file URI and an LSP position. */
export function toLspPlace(location: SourceLocation, toAbsolute: (file: string) => string): { uri: string; line: number; character: number } {
  const position = toLspPosition(location.line, location.column);
  return { uri: Uri.fromPath(toAbsolute(location.file)), line: position.line, character: position.character };
}

/**
 * A link target that opens a file at a line and column: the file URI with the `#L<line>,<column>` fragment
 * VS Code's Markdown links understand (1-based, as people count).
 */
export function toFileLink(location: SourceLocation, toAbsolute: (file: string) => string): string {
  return `${Uri.fromPath(toAbsolute(location.file))}#L${location.line},${location.column}`;
}

/** A link target that runs a client command with JSON arguments (`command:` URIs, as in VS Code's Markdown). */
export function toCommandLink(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/**
 * Hover markup for what the client can render: the Markdown with its links line (` · `-separated), or for
 * clients that render plain text only the same text without Markdown marks (bold, code, a line in italics) and links.
 */
export function toHoverContents(content: { markdown: string; links: string[] }, clientRendersMarkdown: boolean): MarkupContent {
  if (!clientRendersMarkdown) return { kind: MarkupKind.PlainText, value: markdownToPlainText(content.markdown) };
  return { kind: MarkupKind.Markdown, value: content.links.length ? `${content.markdown}\n\n${content.links.join(' · ')}` : content.markdown };
}

/** Removes the Markdown marks the core's hovers use: `**bold**`, `` `code` `` and `_a line in italics_`. */
export function markdownToPlainText(markdown: string): string {
  return markdown.replace(/\*\*|`|^_|_$/gm, '');
}

/** The core's flag-list entry → the protocol's `FlagSummary`: locations become URI places, the state age is added. */
export function toFlagSummary(entry: FlagListEntry, stateAge: string | undefined, toAbsolute: (file: string) => string): FlagSummary {
  const { locations, definition, ...fields } = entry;
  return {
    ...fields,
    references: locations.map((location) => toLspPlace(location, toAbsolute)),
    definition: definition ? toLspPlace(definition, toAbsolute) : undefined,
    stateAge,
  };
}

/**
 * `FlagSummary` (protocol/, which cannot import the core) and `FlagListEntry` (core) name the same fields, with
 * `locations` sent as `references` and `stateAge` added: a field added to one and not the other names a
 * property of type `never` here, and this fails to compile.
 */
type SummaryFieldsOfEntry = Exclude<keyof FlagListEntry, 'locations'> | 'references' | 'stateAge';
const flagSummaryMatchesEntry: Record<Exclude<keyof FlagSummary, SummaryFieldsOfEntry> | Exclude<SummaryFieldsOfEntry, keyof FlagSummary>, never> = {};
void flagSummaryMatchesEntry;

export function toLspSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    default:
      return DiagnosticSeverity.Information;
  }
}
