// SARIF 2.1.0 for GitHub code scanning (and other SARIF viewers): one run, the rule table with help text and
// helpUri anchors into docs/rules.md, results with relative artifact URIs under %SRCROOT%, suppressions in source.
// Typed with the SARIF object model (@types/sarif), so a misspelt or misplaced property is a compile error.
import type { ArtifactLocation, Log, Region, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Severity } from '../model.js';
import { noDefinitionsNotice, RULES, ruleHelpUri } from '../rules/index.js';
import { repositoryRelativePath, type ReportInput } from './input.js';

export interface SarifOptions {
  toolVersion: string;
  /** The tool's home page (driver.informationUri). */
  informationUri?: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The base id GitHub code scanning resolves against the repository root. */
export const SARIF_SRCROOT = '%SRCROOT%';

const LEVELS: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarifReport(input: ReportInput, options: SarifOptions): string {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.code, index]));
  const rules: ReportingDescriptor[] = RULES.map((rule) => ({
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.title },
    fullDescription: { text: `${rule.title}. ${rule.help}` },
    help: { text: rule.help, markdown: `**${rule.code} ${rule.name}**: ${rule.help}\n\n[Documentation](${ruleHelpUri(rule.code)})` },
    helpUri: ruleHelpUri(rule.code),
    defaultConfiguration: { level: LEVELS[rule.severity] },
    properties: { tags: ['feature-flags', 'maintainability'], precision: rule.code === 'FL007' ? 'medium' : 'high' },
  }));
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Flaglens',
            semanticVersion: options.toolVersion,
            version: options.toolVersion,
            informationUri: options.informationUri ?? ruleHelpUri('FL001').split('#')[0],
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...(input.definitionsFound === false ? [{ level: 'note' as const, message: { text: noDefinitionsNotice() } }] : []),
              ...input.stateErrors.map((error) => ({
                level: 'error' as const,
                message: { text: error.message },
                locations: [{ physicalLocation: { artifactLocation: artifactLocation(repositoryRelativePath(input, error.file)), region: { startLine: error.line, startColumn: error.column } } }],
              })),
            ],
          },
        ],
        results: input.findings.map((finding) => sarifResult({ ...finding, file: repositoryRelativePath(input, finding.file) }, ruleIndex.get(finding.code)!)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function sarifResult(finding: Finding, ruleIndex: number): Result {
  const region: Region = { startLine: finding.line, startColumn: finding.column };
  if (finding.endLine !== undefined && finding.endColumn !== undefined) {
    region.endLine = finding.endLine;
    region.endColumn = finding.endColumn;
  }
  return {
    ruleId: finding.code,
    ruleIndex,
    level: LEVELS[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(finding.file), region } }],
    ...(finding.key !== null ? { properties: { flagKey: finding.key } } : {}),
    ...(finding.suppressed ? { suppressions: [{ kind: 'inSource', justification: finding.suppressed.reason }] } : {}),
  };
}

/** A repository-relative path as a relative URI reference (segments percent-encoded) under %SRCROOT%. */
function artifactLocation(file: string): ArtifactLocation {
  if (file.startsWith('/')) return { uri: `file://${file.split('/').map((segment) => encodeURIComponent(segment)).join('/')}` };
  const uri = file
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return { uri, uriBaseId: SARIF_SRCROOT };
}
