// The repository's own formatting for a cleanup's changes: when the workspace has a formatter configured and
// installed (Prettier, loaded by the front-end), only the ranges the cleanup changed are formatted with it,
// last range first so the earlier offsets stay valid; every other line stays byte-identical. The formatter
// itself comes in as a function, so this stays pure.
import { computeTextEdits } from './textEdits.js';
import type { FileChange } from './plan.js';

/** Formats `text` between `start` and `end` (offsets in `text`) the way the workspace does; returns the whole text. */
export type RangeFormatter = (text: string, range: { start: number; end: number }, file: string) => Promise<string>;

/** The change with its changed ranges formatted; the change itself when the formatter fails or changes nothing. */
export async function formatChangedRanges(change: FileChange, formatter: RangeFormatter): Promise<FileChange> {
  const ranges = changedRanges(change);
  let text = change.after;
  try {
    for (const range of ranges.reverse()) text = await formatter(text, range, change.file);
  } catch {
    // A file the formatter cannot parse (a syntax it does not know) keeps the cleanup's own minimal edits.
    return change;
  }
  if (text === change.after) return change;
  return { ...change, after: text, edits: computeTextEdits(change.before, text) };
}

/** The ranges of `after` the edits wrote, merged when they touch or share a line. */
export function changedRanges(change: FileChange): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let delta = 0;
  for (const edit of [...change.edits].sort((a, b) => a.start - b.start)) {
    const start = edit.start + delta;
    const end = start + edit.newText.length;
    delta += edit.newText.length - (edit.end - edit.start);
    const previous = ranges[ranges.length - 1];
    if (previous && !change.after.slice(previous.end, start).includes('\n')) previous.end = Math.max(previous.end, end);
    else ranges.push({ start, end });
  }
  return ranges;
}
