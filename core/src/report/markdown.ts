// The pull-request comment (`--format markdown`): a table of the flags to remove and why, then the other findings.
import type { Finding } from '../model.js';
import { noDefinitionsNotice } from '../rules/catalog.js';
import { describeFlagStage, describeReleased } from './flagsTable.js';
import { countFindings, REMOVAL_CODES, SEVERITY_ORDER, type ReportInput } from './input.js';
import { compareText } from '../collation.js';

const SEVERITY_LABELS = { error: '🔴 error', warning: '🟡 warning', info: '🔵 info' } as const;

/** Escapes text for a markdown table cell. */
export function markdownCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export function formatMarkdownReport(input: ReportInput): string {
  const counts = countFindings(input);
  const active = input.findings.filter((finding) => !finding.suppressed);
  const total = counts.error + counts.warning + counts.info;
  const out: string[] = [];
  out.push(`### Flaglens: ${total === 0 ? 'no findings' : `${total} finding${total === 1 ? '' : 's'}`} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info${counts.suppressed ? `, ${counts.suppressed} suppressed` : ''})`, '');

  if (input.definitionsFound === false) out.push(`> **Note**: ${markdownCell(noDefinitionsNotice())}.`, '');
  for (const error of input.stateErrors) out.push(`> **State error** ${code(`${error.file}:${error.line}:${error.column}`)}: ${markdownCell(error.message)}`, '');

  const removal = new Map<string, Finding[]>();
  for (const finding of active) {
    if (finding.key === null || !(REMOVAL_CODES as readonly string[]).includes(finding.code)) continue;
    removal.set(finding.key, [...(removal.get(finding.key) ?? []), finding]);
  }
  if (removal.size) {
    out.push(`#### Flags to remove (${removal.size})`, '', '| Flag | Stage | Why | Check sites |', '| --- | --- | --- | --- |');
    for (const [key, findings] of [...removal].sort(([a], [b]) => compareText(a, b))) {
      const flag = input.flags.find((row) => row.key === key);
      const stage = flag ? `${describeFlagStage(flag)}${flag.releasedAt ? ` since ${describeReleased(flag)}` : ''}` : 'removed';
      const reasons = [...new Map(findings.map((finding) => [finding.code, `${finding.code}: ${finding.message}`])).values()];
      const sites = [...new Set(findings.map((finding) => `${finding.file}:${finding.line}`))];
      const shownSites = sites.slice(0, 3).map(code).join(', ') + (sites.length > 3 ? ` and ${sites.length - 3} more` : '');
      out.push(`| ${code(key)} | ${markdownCell(stage)} | ${markdownCell(reasons.join(' '))} | ${shownSites} |`);
    }
    out.push('');
  }

  const others = active
    .filter((finding) => finding.key === null || !removal.has(finding.key) || !(REMOVAL_CODES as readonly string[]).includes(finding.code))
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareText(a.file, b.file) || a.line - b.line);
  if (others.length) {
    out.push(`#### Other findings (${others.length})`, '', '| Severity | Code | Flag | Where | Message |', '| --- | --- | --- | --- | --- |');
    for (const finding of others) {
      out.push(`| ${SEVERITY_LABELS[finding.severity]} | ${finding.code} | ${finding.key === null ? '—' : code(finding.key)} | ${code(`${finding.file}:${finding.line}`)} | ${markdownCell(finding.message)} |`);
    }
    out.push('');
  }
  out.push(`<sub>${input.flagCount} flags, ${input.referenceCount} checks in ${input.fileCount} files · rules: docs/rules.md</sub>`);
  return out.join('\n') + '\n';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
