// The human report of `flaglens check`: findings grouped by file, a table of the flags needing attention,
// and a one-line summary. Colours only when asked (an interactive terminal).
import type { Finding, Severity } from '../model.js';
import { noDefinitionsNotice } from '../rules/catalog.js';
import { formatFlagsTable } from './flagsTable.js';
import { countFindings, flagsNeedingAttention, type ReportInput } from './input.js';

export interface TextReportOptions {
  color?: boolean;
  /** Show suppressed findings too (marked). Default false: they are only counted. */
  showSuppressed?: boolean;
  /** Shown in the heading, e.g. the workspace folder as the user typed it. */
  title?: string;
  /** Lines printed after the summary (what to run next), from the front-end that knows its commands. */
  hints?: string[];
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

export function formatTextReport(input: ReportInput, options: TextReportOptions = {}): string {
  const paint = (style: keyof typeof COLORS, text: string) => (options.color ? `${COLORS[style]}${text}${COLORS.reset}` : text);
  const out: string[] = [];
  const heading = `Flaglens${options.title ? ` · ${options.title}` : ''} · ${plural(input.flagCount, 'flag')}, ${plural(input.referenceCount, 'check')} in ${plural(input.fileCount, 'file')}`;
  out.push(paint('bold', heading), '');
  if (input.definitionsFound === false) out.push(paint('warning', `${capitalize(noDefinitionsNotice())}.`), '');
  if (input.staleness) out.push(paint('warning', `State from ${input.staleness.since} (${input.staleness.reason})`), '');

  for (const error of input.stateErrors) {
    out.push(`${error.file}:${error.line}:${error.column}: ${paint('error', 'error')} ${error.message}`);
  }
  if (input.stateErrors.length) out.push('');

  const shown = input.findings.filter((finding) => options.showSuppressed || !finding.suppressed);
  const byFile = new Map<string, Finding[]>();
  for (const finding of shown) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  const positionWidth = Math.max(0, ...shown.map((finding) => `${finding.line}:${finding.column}`.length));
  for (const [file, findings] of byFile) {
    out.push(paint('bold', file));
    for (const finding of findings) {
      const position = `${finding.line}:${finding.column}`.padEnd(positionWidth);
      const severity = paint(finding.severity, finding.severity.padEnd(7));
      const suppressed = finding.suppressed ? paint('dim', ` (suppressed: ${finding.suppressed.reason})`) : '';
      out.push(`  ${paint('dim', position)}  ${severity}  ${finding.code}  ${finding.message}${suppressed}`);
    }
    out.push('');
  }

  const attention = flagsNeedingAttention(input.flags, input.findings);
  if (attention.length) {
    out.push(paint('bold', 'Flags needing attention'));
    out.push(formatFlagsTable(attention, { describeFindings: true, indent: '  ' }));
  }

  const counts = countFindings(input);
  const total = counts.error + counts.warning + counts.info;
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), `${counts.info} info`];
  const suppressed = counts.suppressed ? `, ${counts.suppressed} suppressed` : '';
  const worst: Severity | undefined = counts.error ? 'error' : counts.warning ? 'warning' : counts.info ? 'info' : undefined;
  const summary = total === 0 ? `No findings${suppressed}.` : `${plural(total, 'finding')}: ${parts.join(', ')}${suppressed}.`;
  out.push(worst ? paint(worst, summary) : summary);
  for (const hint of options.hints ?? []) out.push(paint('dim', hint));
  return out.join('\n') + '\n';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
