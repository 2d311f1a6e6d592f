// The report formats from hand-made findings: SARIF 2.1.0 essentials (as GitHub code scanning reads them),
// GitHub annotation escaping, the markdown PR comment, the text report and the JSON contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../core/src/model.js';
import {
  escapeAnnotationData,
  escapeAnnotationProperty,
  formatGithubAnnotations,
  formatJsonReport,
  formatMarkdownReport,
  formatSarifReport,
  formatTextReport,
  markdownCell,
  type ReportInput,
} from '../../core/src/report/index.js';
import { RULES } from '../../core/src/rules/index.js';
import type { FlagOverview } from '../../core/src/rules/index.js';

function finding(code: Finding['code'], severity: Finding['severity'], key: string | null, at: string, message: string, extra: Partial<Finding> = {}): Finding {
  const [file, line, column] = at.split(':');
  return { code, severity, key, file, line: Number(line), column: Number(column), endLine: Number(line), endColumn: Number(column) + 5, message, data: {}, ...extra };
}

function overview(key: string, extra: Partial<FlagOverview> = {}): FlagOverview {
  return { key, stage: 'released', percentage: 100, enabled: true, releasedAt: '2026-04-14T09:30:00Z', releasedDays: 227, references: 1, locations: [], findings: [], ...extra };
}

const input: ReportInput = {
  findings: [
    finding('FL004', 'info', 'gift-wrapping', 'flags.flagd.yaml:130:3', "'gift-wrapping' is rolling at 50% but no code checks it"),
    finding('FL001', 'warning', 'new-checkout', 'src/server/checkout.ts:14:51', "'new-checkout' has been fully released for 227 days: remove the flag, keep the enabled branch"),
    finding('FL003', 'error', 'free-shiping', 'src/web/My Banner.tsx:5:35', "'free-shiping' is not defined; did you mean 'free-shipping'?"),
    finding('FL007', 'info', null, 'src/web/Gate.tsx:7:30', 'key cannot be resolved', { suppressed: { reason: 'checked through flaglens.yaml' } }),
  ],
  flags: [
    overview('new-checkout', { findings: ['FL001'], owner: 'team-checkout', ageDays: 270 }),
    overview('gift-wrapping', { stage: 'rolling', percentage: 50, releasedAt: null, releasedDays: undefined, references: 0, findings: ['FL004'] }),
    overview('free-shiping', { stage: 'unknown', percentage: null, enabled: false, releasedAt: null, releasedDays: undefined, findings: ['FL003'] }),
    overview('dark-mode', { stage: 'off', percentage: 0, enabled: false, releasedAt: null }),
  ],
  flagCount: 3,
  referenceCount: 16,
  fileCount: 11,
  stateErrors: [{ file: 'flags.flagd.yaml', line: 9, column: 7, message: "flag 'x': variants have mixed types", code: 'flagd-invalid' }],
};

test('SARIF: valid 2.1.0 essentials with rules, help, helpUri anchors, relative URIs and in-source suppressions', () => {
  const log = JSON.parse(formatSarifReport(input, { toolVersion: '0.1.0' }));
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  const driver = run.tool.driver;
  assert.equal(driver.name, 'Flaglens');
  assert.deepEqual(driver.rules.map((rule: { id: string }) => rule.id), RULES.map((rule) => rule.code));
  for (const rule of driver.rules) {
    assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text, `${rule.id} has descriptions and help`);
    assert.match(rule.helpUri, /^https:\/\/[^#]+\/docs\/rules\.md#fl\d{3}-[a-z-]+$/);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
  }
  assert.equal(run.results.length, 4);
  for (const result of run.results) {
    assert.equal(driver.rules[result.ruleIndex].id, result.ruleId, 'ruleIndex points at the rule');
    assert.ok(['error', 'warning', 'note', 'none'].includes(result.level));
    assert.equal(typeof result.message.text, 'string');
    const location = result.locations[0].physicalLocation;
    assert.equal(location.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.doesNotMatch(location.artifactLocation.uri, /^(\/|file:|[a-z]+:)/i, 'relative URI');
    assert.ok(location.region.startLine >= 1 && location.region.startColumn >= 1);
  }
  const [info, warning, error, suppressed] = run.results;
  assert.equal(info.level, 'note');
  assert.equal(warning.level, 'warning');
  assert.equal(error.level, 'error');
  assert.equal(error.locations[0].physicalLocation.artifactLocation.uri, 'src/web/My%20Banner.tsx');
  assert.deepEqual(warning.locations[0].physicalLocation.region, { startLine: 14, startColumn: 51, endLine: 14, endColumn: 56 });
  assert.deepEqual(suppressed.suppressions, [{ kind: 'inSource', justification: 'checked through flaglens.yaml' }]);
  assert.equal(warning.suppressions, undefined);
  const notification = run.invocations[0].toolExecutionNotifications[0];
  assert.equal(notification.level, 'error');
  assert.equal(notification.locations[0].physicalLocation.region.startLine, 9);
});

test('GitHub annotations: one command per unsuppressed finding, escaped per the workflow-command rules', () => {
  assert.equal(escapeAnnotationData('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext: a, b');
  assert.equal(escapeAnnotationProperty('src/a,b:c%.ts'), 'src/a%2Cb%3Ac%25.ts');
  const lines = formatGithubAnnotations(input).trim().split('\n');
  assert.equal(lines[0], "::error file=flags.flagd.yaml,line=9,col=7,title=Flaglens state::flag 'x'%3A variants have mixed types".replace('%3A', ':'));
  assert.equal(lines[1], "::notice file=flags.flagd.yaml,line=130,endLine=130,col=3,endColumn=8,title=FL004::'gift-wrapping' is rolling at 50%25 but no code checks it");
  assert.equal(lines[2], "::warning file=src/server/checkout.ts,line=14,endLine=14,col=51,endColumn=56,title=FL001::'new-checkout' has been fully released for 227 days: remove the flag, keep the enabled branch");
  assert.match(lines[3], /^::error file=src\/web\/My Banner\.tsx,line=5,/);
  assert.equal(lines.filter((line) => line.startsWith('::')).length, 4, 'the suppressed finding is not annotated');
  assert.equal(lines[4], 'Flaglens: 2 errors, 1 warning, 1 info, 1 suppressed');
});

test('markdown: a table of flags to remove and why, then other findings; cells escaped', () => {
  const text = formatMarkdownReport(input);
  assert.match(text, /^### Flaglens: 4 findings \(2 errors, 1 warning, 1 info, 1 suppressed\)/);
  assert.match(text, /#### Flags to remove \(1\)\n\n\| Flag \| Stage \| Why \| Check sites \|/);
  assert.match(text, /\| `new-checkout` \| released since 2026-04-14 \(227d ago\) \| FL001: .*keep the enabled branch \| `src\/server\/checkout.ts:14` \|/);
  assert.match(text, /#### Other findings \(2\)/);
  assert.match(text, /\| 🔴 error \| FL003 \| `free-shiping` \| `src\/web\/My Banner.tsx:5` \|/);
  assert.doesNotMatch(text, /Gate\.tsx/, 'suppressed findings are left out');
  assert.match(text, /> \*\*State error\*\* `flags.flagd.yaml:9:7`/);
  assert.equal(markdownCell('a | b\nc'), 'a \\| b c');
});

test('text: grouped by file, with the table of flags needing attention and a summary', () => {
  const text = formatTextReport(input, { title: 'examples/shop' });
  assert.match(text, /^Flaglens · examples\/shop · 3 flags, 16 checks in 11 files\n/);
  assert.match(text, /flags\.flagd\.yaml:9:7: error flag 'x'/);
  assert.match(text, /src\/server\/checkout\.ts\n  14:51  warning  FL001  'new-checkout' has been fully released/);
  assert.doesNotMatch(text, /Gate\.tsx/);
  const table = text.slice(text.indexOf('Flags needing attention'));
  const rows = table.split('\n').slice(1, 5).map((row) => row.trim().split(/\s{2,}/)[0]);
  assert.deepEqual(rows, ['FLAG', 'free-shiping', 'new-checkout', 'gift-wrapping'], 'errors first, then warnings, then info; clean flags left out');
  assert.match(table, /new-checkout\s+released\s+team-checkout\s+270d\s+2026-04-14 \(227d ago\)\s+1\s+FL001 stale/);
  assert.match(text, /4 findings: 2 errors, 1 warning, 1 info, 1 suppressed\.\n$/);
  assert.doesNotMatch(text, /\x1b\[/, 'no colours unless asked');
  assert.match(formatTextReport(input, { color: true }), /\x1b\[31merror/);
});

test('json: the documented contract, suppressed findings included with their reason', () => {
  const report = JSON.parse(formatJsonReport(input));
  assert.equal(report.flags, 3);
  assert.equal(report.references, 16);
  assert.equal(report.findings.length, 4);
  for (const entry of report.findings) {
    for (const field of ['code', 'severity', 'key', 'file', 'line', 'column', 'message']) assert.ok(field in entry, `${field} in every finding`);
  }
  assert.deepEqual(report.findings[3].suppressed, { reason: 'checked through flaglens.yaml' });
  assert.equal(report.errors[0].code, 'flagd-invalid');
  assert.deepEqual(report.summary, { error: 2, warning: 1, info: 1, suppressed: 1 });
});

test('SARIF and GitHub annotations use repository-relative paths when the checked folder is a subfolder', () => {
  const nested: ReportInput = { ...input, repositoryPath: 'packages/web' };
  const log = JSON.parse(formatSarifReport(nested, { toolVersion: '0.1.0' }));
  assert.equal(log.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri, 'packages/web/src/server/checkout.ts');
  assert.match(formatGithubAnnotations(nested), /^::warning file=packages\/web\/src\/server\/checkout\.ts,line=14,/m);
  assert.match(formatJsonReport(nested), /"file": "src\/server\/checkout\.ts"/, 'json stays workspace-relative');
});
