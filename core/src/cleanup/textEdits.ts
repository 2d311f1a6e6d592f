// Text edits as plain data (0-based offsets + new text): how the cleanup engine describes changes, so the
// CLI can print a unified diff and the language server can turn them into a WorkspaceEdit, without either
// reprinting a file.
import { diffLines, diffWordsWithSpace } from 'diff';

/** Replace `text.slice(start, end)` with `newText`. Offsets are 0-based UTF-16 offsets in the original text. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** Applies non-overlapping edits (any order) to `text`. Throws on overlapping edits, which are a bug. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new Error(`overlapping edits at offset ${edit.start}`);
    out += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

/**
 * The smallest line-based edits that turn `before` into `after` (each changed hunk becomes one edit, then
 * narrowed to the differing characters), so unrelated lines are never touched.
 */
export function computeTextEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const edits: TextEdit[] = [];
  let offset = 0;
  let pending: TextEdit | undefined;
  for (const part of diffLines(before, after)) {
    if (part.added) {
      pending ??= { start: offset, end: offset, newText: '' };
      pending.newText += part.value;
    } else if (part.removed) {
      pending ??= { start: offset, end: offset, newText: '' };
      offset += part.value.length;
      pending.end = offset;
    } else {
      if (pending) edits.push(...refineEdit(before, pending));
      pending = undefined;
      offset += part.value.length;
    }
  }
  if (pending) edits.push(...refineEdit(before, pending));
  return edits;
}

/**
 * Splits a changed hunk into word-level edits (a removed line and a changed expression below it become
 * two edits, not one covering both); a word-level split that would scatter into many tiny edits is kept whole.
 */
function refineEdit(before: string, edit: TextEdit): TextEdit[] {
  const oldText = before.slice(edit.start, edit.end);
  if (oldText.length + edit.newText.length > 20000) return [narrowEdit(before, edit)];
  const refined: TextEdit[] = [];
  let offset = edit.start;
  let pending: TextEdit | undefined;
  for (const part of diffWordsWithSpace(oldText, edit.newText)) {
    if (part.added || part.removed) {
      pending ??= { start: offset, end: offset, newText: '' };
      if (part.added) pending.newText += part.value;
      else {
        offset += part.value.length;
        pending.end = offset;
      }
    } else {
      if (pending) refined.push(pending);
      pending = undefined;
      offset += part.value.length;
    }
  }
  if (pending) refined.push(pending);
  // Pieces a few characters apart on one line are one change of an expression (`'new-checkout'` → `'new'`
  // shares `new`): they become one edit, so an expression is never rewritten as scattered fragments.
  const merged: TextEdit[] = [];
  for (const part of refined) {
    const previous = merged[merged.length - 1];
    const gap = previous ? before.slice(previous.end, part.start) : '';
    if (previous && gap.length < 8 && !gap.includes('\n')) {
      previous.newText += gap + part.newText;
      previous.end = part.end;
    } else merged.push({ ...part });
  }
  return merged.length <= 4 ? merged.map((part) => narrowEdit(before, part)) : [narrowEdit(before, edit)];
}

/** Trims the common prefix and suffix of an edit's old and new text. */
function narrowEdit(before: string, edit: TextEdit): TextEdit {
  const oldText = before.slice(edit.start, edit.end);
  let prefix = 0;
  while (prefix < oldText.length && prefix < edit.newText.length && oldText[prefix] === edit.newText[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < oldText.length - prefix &&
    suffix < edit.newText.length - prefix &&
    oldText[oldText.length - 1 - suffix] === edit.newText[edit.newText.length - 1 - suffix]
  ) {
    suffix++;
  }
  return { start: edit.start + prefix, end: edit.end - suffix, newText: edit.newText.slice(prefix, edit.newText.length - suffix) };
}

/** 1-based line and column of an offset (columns in UTF-16 code units). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
