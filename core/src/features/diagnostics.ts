// Diagnostics for one file: the hygiene findings located in it (codes linked to docs/rules.md) and the
// problems reading it when it is flaglens.yaml or a state file (position of the error in that file).
import type { FindingCode, Severity } from '../model.js';
import { ruleHelpUri } from '../rules/catalog.js';
import type { FeatureWorkspace } from './workspaceView.js';

export interface FileDiagnostic {
  /** 1-based start; end exclusive (1-based) when known. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: Severity;
  /** `FL001` … for findings; the input-error code (`config`, `flagd-syntax`, …) otherwise. */
  code: string;
  message: string;
  /** Documentation link for finding codes. */
  href?: string;
  key?: string | null;
}

/** The docs/rules.md anchor of a finding code (the URL constant lives in the rules catalog). */
export function rulesDocsHref(code: FindingCode): string {
  return ruleHelpUri(code);
}

/** Every diagnostic for a workspace-relative file; suppressed findings are left out. */
export function fileDiagnostics(workspace: FeatureWorkspace, file: string): FileDiagnostic[] {
  const diagnostics: FileDiagnostic[] = [];
  for (const finding of workspace.findingsInFile(file)) {
    if (finding.suppressed) continue;
    diagnostics.push({
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
      severity: finding.severity,
      code: finding.code,
      message: finding.message,
      href: rulesDocsHref(finding.code),
      key: finding.key,
    });
  }
  for (const error of workspace.inputErrorsInFile(file)) {
    diagnostics.push({ line: error.line, column: error.column, severity: 'error', code: error.code ?? 'input', message: error.message });
  }
  return diagnostics;
}
