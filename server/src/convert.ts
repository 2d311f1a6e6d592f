// The only place that converts between LSP and the core: URIs ↔ absolute paths, LSP positions (0-based
// line/character) ↔ core positions (1-based line/column, 0-based offsets), ranges, locations, severities.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Location, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Severity, SourceLocation } from '../../core/src/model.js';

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

/** Core 1-based line/column → LSP position. */
export function toLspPosition(line: number, column: number): Position {
  return { line: Math.max(0, line - 1), character: Math.max(0, column - 1) };
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

/** A core location (workspace-relative file) → LSP location, given the host's path resolution. */
export function toLspLocation(location: SourceLocation, toAbsolute: (file: string) => string): Location {
  return { uri: Uri.fromPath(toAbsolute(location.file)), range: toLspRange(location) };
}

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
