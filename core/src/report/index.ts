// Report formats for `flaglens check`: text, json, sarif, github, markdown — one file each, one entry point here.
import { formatGithubAnnotations } from './github.js';
import type { ReportInput } from './input.js';
import { formatJsonReport } from './json.js';
import { formatMarkdownReport } from './markdown.js';
import { formatSarifReport } from './sarif.js';
import { formatTextReport, type TextReportOptions } from './text.js';

export * from './input.js';
export * from './flagsTable.js';
export * from './text.js';
export * from './json.js';
export * from './sarif.js';
export * from './github.js';
export * from './markdown.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface FormatReportOptions extends TextReportOptions {
  toolVersion: string;
}

export function formatReport(format: ReportFormat, input: ReportInput, options: FormatReportOptions): string {
  switch (format) {
    case 'text':
      return formatTextReport(input, options);
    case 'json':
      return formatJsonReport(input);
    case 'sarif':
      return formatSarifReport(input, { toolVersion: options.toolVersion });
    case 'github':
      return formatGithubAnnotations(input);
    case 'markdown':
      return formatMarkdownReport(input);
  }
}
