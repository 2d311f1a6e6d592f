// The machine-readable report of `flaglens check --format json`: findings (suppressed ones included, with
// their reason), state errors and counts. Keys of each finding are stable: code, severity, key, file, line, column, message.
import { noDefinitionsNotice } from '../rules/catalog.js';
import { countFindings, type ReportInput } from './input.js';

export function formatJsonReport(input: ReportInput): string {
  const counts = countFindings(input);
  const report = {
    findings: input.findings.map((finding) => ({
      code: finding.code,
      severity: finding.severity,
      key: finding.key,
      file: finding.file,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
      message: finding.message,
      data: finding.data,
      ...(finding.suppressed ? { suppressed: finding.suppressed } : {}),
    })),
    errors: input.stateErrors,
    flags: input.flagCount,
    references: input.referenceCount,
    files: input.fileCount,
    summary: counts,
    ...(input.staleness ? { staleness: input.staleness } : {}),
    definitionsFound: input.definitionsFound !== false,
    ...(input.definitionsFound === false ? { notices: [noDefinitionsNotice()] } : {}),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
