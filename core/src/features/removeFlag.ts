// Seam for the cleanup engineer: "Remove flag" quick fixes offered on a flag check or finding. The code
// actions feature calls `removeFlagQuickFixes` and shows whatever it returns; until the cleanup module
// (core/src/cleanup/**) fills it in, it offers nothing.
import type { Finding, FlagReference } from '../model.js';
import type { FeatureWorkspace } from './workspaceView.js';

/** One text replacement, 1-based positions, exclusive end, in a workspace-relative file. */
export interface TextEditData {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

export interface QuickFixData {
  title: string;
  /** Edits possibly across several files (each check of the flag, the state-file definition…). */
  edits: TextEditData[];
  /** Marks the fix the editor may apply with one key (e.g. "remove stale flag, keep the on branch"). */
  preferred?: boolean;
  /** Finding codes this fix resolves (the server attaches the matching diagnostics). */
  fixes?: string[];
}

export interface RemoveFlagRequest {
  workspace: FeatureWorkspace;
  file: string;
  /** The check under the cursor, if any. */
  reference?: FlagReference;
  /** Findings in the requested range (FL001 stale flag …). */
  findings: Finding[];
}

/** Fill in from core/src/cleanup: return the "Remove flag …" quick fixes for this request. */
export function removeFlagQuickFixes(request: RemoveFlagRequest): QuickFixData[] {
  void request;
  return [];
}
