// GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,col=…,title=FL001::message`
// per unsuppressed finding, escaped per GitHub's rules (data: % \r \n; properties also : and ,).
import type { Severity } from '../model.js';
import { noDefinitionsNotice } from '../rules/catalog.js';
import { countFindings, repositoryRelativePath, type ReportInput } from './input.js';

const COMMANDS: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escapes the message part of a workflow command. */
export function escapeAnnotationData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (file, title) of a workflow command. */
export function escapeAnnotationProperty(text: string): string {
  return escapeAnnotationData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithubAnnotations(input: ReportInput): string {
  const lines: string[] = [];
  if (input.definitionsFound === false) lines.push(`::notice title=${escapeAnnotationProperty('Flaglens')}::${escapeAnnotationData(noDefinitionsNotice())}`);
  for (const error of input.stateErrors) {
    lines.push(`::error file=${escapeAnnotationProperty(repositoryRelativePath(input, error.file))},line=${error.line},col=${error.column},title=${escapeAnnotationProperty('Flaglens state')}::${escapeAnnotationData(error.message)}`);
  }
  for (const finding of input.findings) {
    if (finding.suppressed) continue;
    const command = COMMANDS[finding.severity];
    const properties = [
      `file=${escapeAnnotationProperty(repositoryRelativePath(input, finding.file))}`,
      `line=${finding.line}`,
      ...(finding.endLine !== undefined ? [`endLine=${finding.endLine}`] : []),
      `col=${finding.column}`,
      ...(finding.endColumn !== undefined && finding.endLine === finding.line ? [`endColumn=${finding.endColumn}`] : []),
      `title=${escapeAnnotationProperty(finding.code)}`,
    ];
    lines.push(`::${command} ${properties.join(',')}::${escapeAnnotationData(finding.message)}`);
  }
  const counts = countFindings(input);
  lines.push(`Flaglens: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info${counts.suppressed ? `, ${counts.suppressed} suppressed` : ''}`);
  return lines.join('\n') + '\n';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
