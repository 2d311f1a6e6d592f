// "Remove flag" quick fixes on FL001 (stale: keep the enabled branch) and FL002 (removed: keep the code
// default, i.e. the disabled branch) findings, as a cheap list: which flag, which value, "here" (the check under
// the cursor) or "everywhere" (every check of the flag plus its state-file definition). Nothing is planned or
// type-checked here: the editor does that when the person picks a fix (`proveRemoveFlag.ts`, in a worker), from
// the plain-data job this file builds.
import type { LineColumnEdit } from '../cleanup/plan.js';
import type { Finding, FlagReference, FlagState } from '../model.js';
import type { FeatureWorkspace } from './workspaceView.js';

export type RemoveFlagValue = boolean | string | number;

/** One offered fix, before anything is computed. */
export interface RemoveFlagCandidate {
  title: string;
  key: string;
  value: RemoveFlagValue;
  scope: 'here' | 'everywhere';
  /** The check "here" rewrites (workspace-relative file, offset of the check). */
  site?: { file: string; checkStart: number };
  /** Marks the fix the editor may apply with one key ("here"). */
  preferred: boolean;
  /** Finding codes this fix resolves (the server attaches the matching diagnostics). */
  fixes: string[];
}

/** Everything the planner and the type check need, as plain data (it crosses to a worker thread). */
export interface RemoveFlagJob {
  /** Absolute workspace root. */
  root: string;
  key: string;
  value: RemoveFlagValue;
  scope: 'here' | 'everywhere';
  site?: { file: string; checkStart: number };
  /** The flag's references, keys already mapped to the flag's real key (camelCase `useFlags()` keys). */
  references: FlagReference[];
  /** The state file defining the flag: "everywhere" also removes the definition when the code is fully cleaned. */
  definitionFile?: string;
  /** Open editor buffers (workspace-relative file → text): they win over the disk. */
  buffers: Array<[file: string, text: string]>;
}

/** One text replacement, 1-based positions, exclusive end, in a workspace-relative file (the cleanup planner's edit). */
export type RemoveFlagEdit = LineColumnEdit;

/** What proving a fix gives: the edits, or why they are not offered (a type error they add, nothing to change). */
export type RemoveFlagOutcome =
  | { status: 'ok'; title: string; edits: RemoveFlagEdit[]; checkedFiles: number }
  | { status: 'refused'; title: string; message: string }
  | { status: 'nothing'; title: string; message: string };

export interface RemoveFlagRequest {
  workspace: FeatureWorkspace;
  file: string;
  /** The check under the cursor, if any. */
  reference?: FlagReference;
  /** Findings in the requested range (FL001 stale flag …). */
  findings: Finding[];
}

/** The "Remove flag …" fixes for the FL001/FL002 findings in the request's range, without computing them. */
export function removeFlagCandidates(request: RemoveFlagRequest): RemoveFlagCandidate[] {
  const { workspace } = request;
  const candidates: RemoveFlagCandidate[] = [];
  const seen = new Set<string>();
  for (const finding of request.findings) {
    if ((finding.code !== 'FL001' && finding.code !== 'FL002') || finding.key === null || finding.suppressed || seen.has(finding.key)) continue;
    seen.add(finding.key);
    const key = finding.key;
    const flag = workspace.flag(key);
    const value = finalValue(finding.code, flag);
    if (value === undefined) continue;
    const branch = typeof value === 'boolean' ? (value ? 'keep enabled branch' : 'keep disabled branch') : `value ${JSON.stringify(value)}`;
    const here = request.reference && workspace.flagKeyOf(request.reference) === key ? request.reference : undefined;
    if (here) {
      candidates.push({ title: `Remove flag \`${key}\` here (${branch})`, key, value, scope: 'here', site: { file: here.file, checkStart: here.checkStart }, preferred: true, fixes: [finding.code] });
    }
    // "Everywhere" differs from "here" when there are other checks or a definition to remove.
    if (!here || workspace.referencesForKey(key).length > 1 || flag?.definition) {
      candidates.push({ title: `Remove flag \`${key}\` everywhere (${branch})`, key, value, scope: 'everywhere', preferred: false, fixes: [finding.code] });
    }
  }
  return candidates;
}

/** The job for one candidate: the flag's references and the open buffers, read from the workspace now. */
export function removeFlagJob(workspace: FeatureWorkspace & { readonly root: string; openBuffers(): Array<[string, string]> }, candidate: RemoveFlagCandidate): RemoveFlagJob {
  return {
    root: workspace.root,
    key: candidate.key,
    value: candidate.value,
    scope: candidate.scope,
    site: candidate.site,
    // The cleanup planner works on real keys: LaunchDarkly's camelCased `useFlags()` keys are mapped first.
    references: workspace.referencesForKey(candidate.key).map((reference) => ({ ...reference, key: candidate.key })),
    definitionFile: workspace.flag(candidate.key)?.definition?.file,
    buffers: workspace.openBuffers(),
  };
}

/**
 * The value the flag has for everyone: a released flag its enabled value (its default variant's value for a
 * string/number flag), a removed flag the disabled branch (SDKs return the code default, `false` for booleans).
 */
function finalValue(code: 'FL001' | 'FL002', flag: FlagState | undefined): RemoveFlagValue | undefined {
  if (code === 'FL002') return flag === undefined || flag.valueType === undefined || flag.valueType === 'boolean' ? false : undefined;
  if (!flag || flag.valueType === undefined || flag.valueType === 'boolean') return true;
  const value = flag.defaultVariant === undefined ? undefined : flag.variants[flag.defaultVariant];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}
