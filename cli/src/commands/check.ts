// `flaglens check`: the hygiene check for people and CI — findings in five formats, the code-review mode
// (--changed-since) and exit codes by --fail-on.
import { analyzeWorkspace } from '../../../core/src/workspace.js';
import { formatReport, REPORT_FORMATS, reportInputFrom, type ReportFormat } from '../../../core/src/report/index.js';
import type { Finding, Severity } from '../../../core/src/index.js';
import { nodeGitHost } from '../../../core/src/nodeIo.js';
import { FLAGLENS_VERSION } from '../../../core/src/version.js';
import { parseCommandArguments } from '../args.js';
import { CACHE_OPTIONS, cacheHelp, scanCacheFromOptions } from '../cacheOptions.js';
import { directoryArgument, hintCommand, type CliIo, type Command } from '../command.js';
import { filterChangedFindings, gitChangedLines, workspacePathInRepository } from '../changedLines.js';
import { progressReporter, recoverInterruptedWork, reportConfigErrors, reportScanFailures, resolveWorkspaceRoot, workspaceOptions } from '../workspaceIo.js';

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

const help = `Usage: flaglens check [DIR] [options]

Checks every flag reference in DIR (default: the current folder) against the flags' rollout state and
reports hygiene findings FL001–FL009 (docs/rules.md).

Options:
  --config FILE          flaglens.yaml to use (default: DIR/flaglens.yaml)
  --format FORMAT        text (default), json, sarif (GitHub code scanning), github (workflow
                         annotations) or markdown (a pull-request comment)
  --changed-since REF    report only findings on lines added or changed since the git commit REF
                         (untracked files count as changed): the code-review mode
  --fail-on LEVEL        error, warning (default), info or never: exit 1 when an unsuppressed
                         finding at or above LEVEL remains
${cacheHelp(25)}
  -h, --help             this help

Suppress one finding with a comment on the line before it (a reason is required):
  // flaglens-ignore FL001 kept until the billing migration

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error.
Environment: FLAGLENS_NOW=2026-11-27T12:00:00Z evaluates dates as of that instant.`;

export const checkCommand: Command = {
  name: 'check',
  summary: 'report stale, removed, unknown and unused flags (text, json, sarif, github, markdown)',
  help,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { positionals, options } = parseCommandArguments(
      argv,
      {
        config: { type: 'string' },
        format: { type: 'string', choices: REPORT_FORMATS },
        'changed-since': { type: 'string' },
        'fail-on': { type: 'string', choices: FAIL_ON },
        ...CACHE_OPTIONS,
      },
      { max: 1, names: '[DIR]' },
    );
    const root = resolveWorkspaceRoot(io, positionals[0]);
    recoverInterruptedWork(io, root);
    const format = (options.format as ReportFormat | undefined) ?? 'text';
    const failOn = (options['fail-on'] as FailOn | undefined) ?? 'warning';
    const changedSince = options['changed-since'] as string | undefined;
    const changes = changedSince === undefined ? undefined : gitChangedLines(root, changedSince, nodeGitHost);

    const progress = progressReporter(io);
    const analysis = await analyzeWorkspace({ ...workspaceOptions(io, root, options.config as string | undefined), onProgress: progress.onProgress, scanCache: scanCacheFromOptions(io, root, options) });
    progress.finish();
    if (analysis.configErrors.length) return reportConfigErrors(io, 'check', analysis.configErrors);
    reportScanFailures(io, analysis.scan.failures, root);

    const findings = changes ? filterChangedFindings(analysis.findings, changes) : analysis.findings;
    const input = reportInputFrom({ ...analysis, findings });
    // GitHub resolves SARIF locations and annotations against the repository root, not the checked folder.
    if (format === 'sarif' || format === 'github') input.repositoryPath = workspacePathInRepository(root);
    const color = format === 'text' && io.isInteractive && !io.env.NO_COLOR;
    io.stdout(formatReport(format, input, { toolVersion: FLAGLENS_VERSION, color, title: positionals[0], hints: nextSteps(io, findings, positionals[0], { configured: analysis.config.file !== undefined }) }));
    return exitCodeFor(findings, analysis.state.errors.length, failOn);
  },
};

/**
 * What to run next, for people reading the text report, as a command that runs as shown (`npx flaglens …`
 * unless started as `flaglens`): the cleanup of stale and removed flags; without a flaglens.yaml, `init`,
 * which finds the team's own flag checks the SDK presets cannot know.
 */
function nextSteps(io: CliIo, findings: Finding[], directory: string | undefined, workspace: { configured: boolean }): string[] {
  const target = directoryArgument(directory);
  const hints: string[] = [];
  const removable = new Set(findings.filter((finding) => !finding.suppressed && (finding.code === 'FL001' || finding.code === 'FL002')).map((finding) => finding.key));
  if (removable.size) hints.push(`Next: ${hintCommand(io, `cleanup --stale${target} --diff`)}   (removes the ${removable.size} stale or removed flag${removable.size === 1 ? '' : 's'} from the code; --write applies it)`);
  if (!workspace.configured) hints.push(`${hints.length ? 'Also' : 'Next'}: ${hintCommand(io, `init${target}`)}   (no flaglens.yaml: proposes the team's own flag checks, helpers the SDK presets cannot know)`);
  return hints;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
const THRESHOLD: Record<FailOn, number> = { error: 3, warning: 2, info: 1, never: Infinity };

/** 1 when an unsuppressed finding (or a state error, which counts as an error) reaches the threshold. */
export function exitCodeFor(findings: Finding[], stateErrorCount: number, failOn: FailOn): number {
  const threshold = THRESHOLD[failOn];
  if (stateErrorCount > 0 && RANK.error >= threshold) return 1;
  return findings.some((finding) => !finding.suppressed && RANK[finding.severity] >= threshold) ? 1 : 0;
}
