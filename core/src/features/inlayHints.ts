// Inline labels after each flag check (`canary 10% · healthy`, `released 100% · stale 41d`), shown by
// the server as inlay hints. Offsets are 0-based positions in the file text, right after the check.
import { inlineLabel } from './describe.js';
import type { FeatureWorkspace } from './workspaceView.js';

export interface InlineLabel {
  /** 0-based offset where the label goes (the end of the check). */
  offset: number;
  label: string;
  key: string | null;
}

/** One label per check in the file whose end lies in [rangeStart, rangeEnd] (offsets; defaults: whole file). */
export function inlineLabels(workspace: FeatureWorkspace, file: string, range?: { start: number; end: number }): InlineLabel[] {
  const labels: InlineLabel[] = [];
  const seenEnds = new Set<number>();
  for (const reference of workspace.referencesInFile(file)) {
    if (range && (reference.checkEnd < range.start || reference.checkEnd > range.end)) continue;
    // Nested checks (a wrapper call around an SDK call) can end at the same offset: one label each place.
    if (seenEnds.has(reference.checkEnd)) continue;
    seenEnds.add(reference.checkEnd);
    const key = workspace.flagKeyOf(reference) ?? reference.key;
    labels.push({ offset: reference.checkEnd, label: inlineLabel(workspace, key), key });
  }
  return labels.sort((a, b) => a.offset - b.offset);
}
