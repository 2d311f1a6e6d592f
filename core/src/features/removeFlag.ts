// "Remove flag" quick fixes on FL001 (stale: keep the enabled branch) and FL002 (removed: keep the code
// default, i.e. the disabled branch) findings: "here" rewrites the check under the cursor, "everywhere"
// every check of the flag plus its state-file definition. The rewriting itself is core/src/cleanup; this
// file only decides which flag, which value, and turns the plan into plain edits for the server.
import { planRemoveFlagFixes } from '../cleanup/quickFixes.js';
import type { LineColumnEdit } from '../cleanup/plan.js';
import type { Finding, FlagReference, FlagState } from '../model.js';
import type { FeatureWorkspace } from './workspaceView.js';

/** One text replacement, 1-based positions, exclusive end, in a workspace-relative file (the cleanup planner's edit). */
export type TextEditData = LineColumnEdit;

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

/** The "Remove flag …" quick fixes for the FL001/FL002 findings in the request's range. */
export function removeFlagQuickFixes(request: RemoveFlagRequest): QuickFixData[] {
  const { workspace } = request;
  const fixes: QuickFixData[] = [];
  const seen = new Set<string>();
  for (const finding of request.findings) {
    if ((finding.code !== 'FL001' && finding.code !== 'FL002') || finding.key === null || finding.suppressed || seen.has(finding.key)) continue;
    seen.add(finding.key);
    const key = finding.key;
    const value = finalValue(finding.code, workspace.flag(key));
    if (value === undefined) continue;
    // The cleanup planner works on real keys: LaunchDarkly's camelCased `useFlags()` keys are mapped first.
    const references = workspace.referencesForKey(key).map((reference) => ({ ...reference, key }));
    const here = request.reference && workspace.flagKeyOf(request.reference) === key ? request.reference : undefined;
    const planned = planRemoveFlagFixes({
      key,
      value,
      references,
      readFile: (file) => workspace.sourceText(file),
      workspaceFiles: workspace.sourceFiles(),
      site: here ? { file: here.file, checkStart: here.checkStart } : undefined,
      definitionFile: workspace.flag(key)?.definition?.file,
    });
    for (const fix of planned) {
      fixes.push({ title: fix.title, edits: fix.edits, preferred: fix.kind === 'here', fixes: [finding.code] });
    }
  }
  return fixes;
}

/**
 * The value the flag has for everyone: a released flag its enabled value (its default variant's value for a
 * string/number flag), a removed flag the disabled branch (SDKs return the code default, `false` for booleans).
 */
function finalValue(code: 'FL001' | 'FL002', flag: FlagState | undefined): boolean | string | number | undefined {
  if (code === 'FL002') return flag === undefined || flag.valueType === undefined || flag.valueType === 'boolean' ? false : undefined;
  if (!flag || flag.valueType === undefined || flag.valueType === 'boolean') return true;
  const value = flag.defaultVariant === undefined ? undefined : flag.variants[flag.defaultVariant];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}
