// Features inside a state file (flagd definitions): one code lens per flag ("3 references · canary 10%").
// Hover and diagnostics there come from hover.ts and diagnostics.ts (findings such as FL004 and read errors).
import type { SourceLocation } from '../model.js';
import { stageLabel } from './describe.js';
import type { FeatureWorkspace } from './workspaceView.js';

export interface StateFileLens {
  key: string;
  location: SourceLocation;
  /** `3 references · canary 10%`. */
  title: string;
}

export function stateFileLenses(workspace: FeatureWorkspace, file: string): StateFileLens[] {
  const lenses: StateFileLens[] = [];
  for (const flag of workspace.flags()) {
    if (flag.definition?.file !== file) continue;
    const count = workspace.referencesForKey(flag.key).length;
    const counted = workspace.indexComplete() ? `${count} reference${count === 1 ? '' : 's'}` : 'indexing…';
    lenses.push({ key: flag.key, location: flag.definition, title: `${counted} · ${stageLabel(flag)}` });
  }
  return lenses.sort((a, b) => a.location.line - b.location.line);
}
