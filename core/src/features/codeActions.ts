// Code actions on a range: "suppress with reason" for each finding there (inserts
// `// flaglens-ignore CODE reason` above the line, with a snippet placeholder for the reason), "Bump
// rollout…" / "Abort rollout…" for the flag under the cursor (the server names the client's command), and the
// "Remove flag" quick fixes, listed without computing them (they are planned and type-checked when picked).
import type { Finding } from '../model.js';
import { removeFlagCandidates, type RemoveFlagCandidate } from './removeFlag.js';
import { lineColumnAt, referenceAt, type FeatureWorkspace } from './workspaceView.js';

export type FlagCodeAction =
  | { kind: 'removeFlag'; title: string; candidate: RemoveFlagCandidate; findings: Finding[] }
  | {
      kind: 'suppress';
      title: string;
      finding: Finding;
      /** Insert at the start of this 1-based line; `snippet` has a `${1:reason}` placeholder, `text` a plain reason. */
      insert: { file: string; line: number; snippet: string; text: string };
    }
  /** A rollout change the person starts (with a confirmation) for flag `key`. */
  | { kind: 'rollout'; title: string; action: 'bump' | 'abort'; key: string };

/** Code actions for the 0-based offset range [start, end] of a file with the given text. */
export function flagCodeActions(workspace: FeatureWorkspace, file: string, text: string, range: { start: number; end: number }): FlagCodeAction[] {
  const actions: FlagCodeAction[] = [];
  const firstLine = lineColumnAt(text, range.start).line;
  const lastLine = lineColumnAt(text, range.end).line;
  const findings = workspace
    .findingsInFile(file)
    .filter((finding) => !finding.suppressed && finding.line <= lastLine && (finding.endLine ?? finding.line) >= firstLine);
  const reference = referenceAt(workspace, file, range.start);

  for (const candidate of removeFlagCandidates({ workspace, file, reference, findings })) {
    actions.push({ kind: 'removeFlag', title: candidate.title, candidate, findings: findings.filter((finding) => finding.key === candidate.key && candidate.fixes.includes(finding.code)) });
  }
  for (const finding of findings) {
    const lineText = lineAt(text, finding.line);
    const indentation = /^[ \t]*/.exec(lineText)?.[0] ?? '';
    // Inside JSX children a `//` line would render as text: use a JSX comment there.
    const inJsx = /\.[jt]sx$/.test(file) && /^\s*<[A-Za-z]/.test(lineText);
    const [open, close] = inJsx ? ['{/* ', ' */}'] : ['// ', ''];
    const comment = `${indentation}${open}flaglens-ignore ${finding.code}`;
    actions.push({
      kind: 'suppress',
      title: `Suppress ${finding.code} with a reason`,
      finding,
      insert: { file, line: finding.line, snippet: `${comment} \${1:reason}${close}\n`, text: `${comment} reason${close}\n` },
    });
  }
  const key = reference ? (workspace.flagKeyOf(reference) ?? reference.key) : null;
  if (key && workspace.flag(key)) {
    actions.push({ kind: 'rollout', title: `Bump rollout of ${key}…`, action: 'bump', key });
    actions.push({ kind: 'rollout', title: `Abort rollout of ${key}…`, action: 'abort', key });
  }
  return actions;
}

/** The text of a 1-based line (without its line break). */
function lineAt(text: string, line: number): string {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return '';
    offset = next + 1;
  }
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end === -1 ? text.length : end);
}
