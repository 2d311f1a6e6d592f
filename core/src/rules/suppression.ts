// `// flaglens-ignore FL001 reason` comments: a finding is suppressed by such a comment on the line
// before it (several codes comma-separated); the reason is required, and a comment without one does
// not suppress (the finding says why). `#` comments work too, for YAML state files.
import type { FindingCode, SuppressionComment } from '../model.js';

export type { SuppressionComment };

const COMMENT_PATTERN = /(?:\/\/|\/\*|#)\s*flaglens-ignore\b(.*)$/;
const CODE_LIST_PATTERN = /^\s*((?:FL\d{3})(?:\s*,\s*FL\d{3})*)(.*)$/i;

/** Parses one source line; undefined when it holds no flaglens-ignore comment. */
export function parseSuppressionComment(lineText: string, line: number): SuppressionComment | undefined {
  const comment = COMMENT_PATTERN.exec(lineText);
  if (!comment) return undefined;
  const codesAndReason = CODE_LIST_PATTERN.exec(comment[1]);
  if (!codesAndReason) return { codes: [], reason: '', line };
  const codes = codesAndReason[1].split(',').map((code) => code.trim().toUpperCase() as FindingCode);
  // A block comment (`/* … */`, `{/* … */}` in JSX) ends the reason.
  const reason = codesAndReason[2].replace(/\*\/\s*\}?\s*$/, '').trim();
  return { codes, reason, line };
}

/** The 1-based lines whose comment can suppress a finding at `line` of a check that starts at `checkLine`: the line before each. */
export function suppressionLines(line: number, checkLine?: number): number[] {
  const lines = [line - 1];
  if (checkLine !== undefined && checkLine !== line) lines.push(checkLine - 1);
  return lines.filter((candidate) => candidate >= 1);
}

/** The flaglens-ignore comments that can suppress a finding at `line` (of a check starting at `checkLine`), nearest first. */
export function suppressionCommentsFor(lineText: (line: number) => string, line: number, checkLine?: number): SuppressionComment[] {
  return suppressionLines(line, checkLine).flatMap((candidate) => parseSuppressionComment(lineText(candidate), candidate) ?? []);
}

/** Cheap test before any line is split: a text without the marker holds no suppression comment. */
export function mayHoldSuppression(text: string): boolean {
  return text.includes('flaglens-ignore');
}

/** Lines of a file, split once per file (for many findings in one file). */
export class SourceLines {
  private readonly lines: string[];
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) this.lineStarts.push(index + 1);
  }

  /** 1-based line text, or '' outside the file. */
  line(line: number): string {
    return this.lines[line - 1] ?? '';
  }

  /** 1-based line of a 0-based offset. */
  lineOfOffset(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }
}
