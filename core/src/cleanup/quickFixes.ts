// The "Remove flag" quick fixes as plain data, for the editor features: "here" rewrites the one check under
// the cursor, "everywhere" every check of the flag plus its state-file definition when the code is fully
// cleaned. Edits carry 1-based line/column positions (exclusive end), as core/src/features speaks; the
// language server only converts them to a WorkspaceEdit. Nothing here type-checks (too slow per request).
import type { FlagReference } from '../model.js';
import { removeFlagDefinition } from './definition.js';
import { lineColumnEdits, planFlagRemoval, type FlagRemovalPlan, type FlagValue, type LineColumnEdit } from './plan.js';
import { lineAndColumn } from './textEdits.js';

export interface RemoveFlagFixRequest {
  key: string;
  value: FlagValue;
  /** References of the flag (keys already resolved: camelCase → real key); others are ignored. */
  references: readonly FlagReference[];
  /** Workspace-relative file → current text (open documents first). */
  readFile(file: string): string | undefined;
  workspaceFiles?: readonly string[];
  /** The check under the cursor: adds the "here" fix. */
  site?: { file: string; checkStart: number };
  /** Workspace-relative state file defining the flag: "everywhere" also removes the definition. */
  definitionFile?: string;
}

export interface RemoveFlagFix {
  kind: 'here' | 'everywhere';
  title: string;
  edits: LineColumnEdit[];
  plan: FlagRemovalPlan;
}

/** The fixes that change something (a fix whose sites are all skipped is not offered). */
export function planRemoveFlagFixes(request: RemoveFlagFixRequest): RemoveFlagFix[] {
  const branch = typeof request.value === 'boolean' ? (request.value ? 'keep enabled branch' : 'keep disabled branch') : `value ${JSON.stringify(request.value)}`;
  const fixes: RemoveFlagFix[] = [];
  const base = { key: request.key, value: request.value, references: request.references, readFile: request.readFile, workspaceFiles: request.workspaceFiles };
  if (request.site) {
    const plan = planFlagRemoval({ ...base, onlySites: [request.site] });
    if (plan.changes.length) fixes.push({ kind: 'here', title: `Remove flag \`${request.key}\` here (${branch})`, edits: lineColumnEdits(plan.changes), plan });
  }
  const plan = planFlagRemoval(base);
  const edits = lineColumnEdits(plan.changes);
  if (request.definitionFile && plan.status === 'cleaned') {
    const text = request.readFile(request.definitionFile);
    const removal = text === undefined ? undefined : removeFlagDefinition(text, request.key);
    if (text !== undefined && removal && 'edit' in removal) {
      const start = lineAndColumn(text, removal.edit.start);
      const end = lineAndColumn(text, removal.edit.end);
      edits.push({ file: request.definitionFile, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, newText: '' });
    }
  }
  const everywhere = plan.sites.length > 1 || !request.site || edits.some((edit) => edit.file === request.definitionFile);
  if (edits.length && everywhere) fixes.push({ kind: 'everywhere', title: `Remove flag \`${request.key}\` everywhere (${branch})`, edits, plan });
  return fixes;
}
